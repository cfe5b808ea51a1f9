/**
 * Tiny real files for content inspection: PDFs from pdf-lib, a hand-written encrypted PDF trailer,
 * JPEG and PNG headers written byte by byte, DOCX/XLSX packages from yazl.
 */
import { createWriteStream } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import yazl from 'yazl';

/** A real PDF with `pages` pages. */
export async function buildPdf(pages = 2): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  for (let index = 0; index < pages; index += 1) document.addPage([595, 842]);
  document.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  return document.save();
}

/** A scanned PDF: one A4 page per image, each JPEG drawn over the whole page. */
export async function buildScannedPdf(jpeg: Buffer, pages = 1): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  // A fresh copy: pdf-lib reads the bytes through a DataView over the whole ArrayBuffer, and small
  // Node buffers share a pooled one at an offset.
  const image = await document.embedJpg(new Uint8Array(jpeg));
  for (let index = 0; index < pages; index += 1) {
    const page = document.addPage([595.28, 841.89]);
    page.drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 });
  }
  return document.save();
}

/** A text PDF with a small logo image (not a scan). */
export async function buildPdfWithLogo(jpeg: Buffer): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const page = document.addPage([595.28, 841.89]);
  page.drawImage(await document.embedJpg(new Uint8Array(jpeg)), { x: 40, y: 760, width: 60, height: 60 });
  return document.save();
}

/**
 * A PDF whose trailer names an encryption dictionary (ISO 32000-1 §7.6.1), as a password-protected
 * file does; the /Encrypt dictionary is a standard security handler R3 entry.
 */
export function buildEncryptedPdf(): Buffer {
  const objects = [
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n',
    `4 0 obj\n<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> >>\nendobj\n`,
  ];
  let body = '%PDF-1.6\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (const object of objects) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += object;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 5\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

function segment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header[0] = 0xff;
  header[1] = marker;
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** JFIF APP0 (JFIF 1.02 §«JFIF APP0 marker»): units 0 none, 1 dots per inch, 2 dots per cm. */
function jfif(units: number, x: number, y: number): Buffer {
  const payload = Buffer.alloc(14);
  payload.write('JFIF\0', 0, 'latin1');
  payload[5] = 1;
  payload[6] = 2;
  payload[7] = units;
  payload.writeUInt16BE(x, 8);
  payload.writeUInt16BE(y, 10);
  return segment(0xe0, payload);
}

/** An Exif APP1 with IFD0 XResolution, YResolution (RATIONAL) and ResolutionUnit (SHORT). */
function exif(resolution: number, unit: number, littleEndian: boolean): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 3 * 12 + 4 + 16);
  const u16 = (value: number, offset: number) => (littleEndian ? tiff.writeUInt16LE(value, offset) : tiff.writeUInt16BE(value, offset));
  const u32 = (value: number, offset: number) => (littleEndian ? tiff.writeUInt32LE(value, offset) : tiff.writeUInt32BE(value, offset));
  tiff.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(3, 8);
  const rationals = 8 + 2 + 3 * 12 + 4;
  const entries: Array<[number, number, number, number]> = [
    [0x011a, 5, 1, rationals],
    [0x011b, 5, 1, rationals + 8],
    [0x0128, 3, 1, 0],
  ];
  entries.forEach(([tag, type, count, value], index) => {
    const offset = 10 + index * 12;
    u16(tag, offset);
    u16(type, offset + 2);
    u32(count, offset + 4);
    if (tag === 0x0128) u16(unit, offset + 8);
    else u32(value, offset + 8);
  });
  u32(resolution, rationals);
  u32(1, rationals + 4);
  u32(resolution, rationals + 8);
  u32(1, rationals + 12);
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

/** Baseline SOF0 (ITU-T T.81 §B.2.2) for a greyscale image of the given size. */
function sof0(width: number, height: number): Buffer {
  const payload = Buffer.alloc(9);
  payload[0] = 8;
  payload.writeUInt16BE(height, 1);
  payload.writeUInt16BE(width, 3);
  payload[5] = 1;
  payload[6] = 1;
  payload[7] = 0x11;
  payload[8] = 0;
  return segment(0xc0, payload);
}

/** A JPEG header with the given resolution source: JFIF density or EXIF resolution. */
export function buildJpeg(options: { width: number; height: number; jfif?: { units: number; x: number; y: number }; exif?: { resolution: number; unit: number; littleEndian: boolean } }): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(options.jfif === undefined ? jfif(0, 1, 1) : jfif(options.jfif.units, options.jfif.x, options.jfif.y));
  if (options.exif !== undefined) parts.push(exif(options.exif.resolution, options.exif.unit, options.exif.littleEndian));
  parts.push(segment(0xdb, Buffer.alloc(65)), sof0(options.width, options.height), Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 greyscale PNG of declared `width`×`height`, with pHYs when `pixelsPerMetre` is given. */
export function buildPng(width: number, height: number, pixelsPerMetre?: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const chunks = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (pixelsPerMetre !== undefined) {
    const phys = Buffer.alloc(9);
    phys.writeUInt32BE(pixelsPerMetre, 0);
    phys.writeUInt32BE(pixelsPerMetre, 4);
    phys[8] = 1;
    chunks.push(chunk('pHYs', phys));
  }
  chunks.push(chunk('IDAT', deflateSync(Buffer.alloc(height * (width + 1)))), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(chunks);
}

/** Writes a ZIP with the given entries to `target` (yazl). */
export function writeZip(target: string, entries: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content, 'utf8'), name, { mtime: new Date('2026-01-01T00:00:00Z') });
    zip.end();
    zip.outputStream.pipe(createWriteStream(target)).on('close', resolve).on('error', reject);
  });
}

const contentTypes = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';

/** The minimal parts of a DOCX package (ECMA-376 Part 2). */
export const docxParts = { '[Content_Types].xml': contentTypes, '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document xmlns:w="urn:w"/>' };
/** The minimal parts of an XLSX package. */
export const xlsxParts = { '[Content_Types].xml': contentTypes, '_rels/.rels': '<Relationships/>', 'xl/workbook.xml': '<workbook/>' };

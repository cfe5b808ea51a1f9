/**
 * Recognises a document by its content, not its extension (design §4): PDF (header, version,
 * /Encrypt in the trailer, page count), JPEG (SOF dimensions, JFIF or EXIF resolution), PNG
 * (IHDR, pHYs), XML (well-formedness), DOCX/XLSX (OOXML parts inside the ZIP).
 *
 * Reads are bounded: headers and image segments are read at their offsets; the whole file is read
 * only for PDF page counting and XML parsing, and only below `fullReadLimit`.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFStream } from 'pdf-lib';
import yauzl from 'yauzl';
import type { DocumentFormat, DocumentInspection } from '../../../shared/catalog-types';
import { AppError } from '../../../shared/errors';
import { checkXmlWellFormed } from './xml-well-formed';

/** Files up to this size are read whole for PDF page counting and XML well-formedness. */
export const fullReadLimit = 64 * 1024 * 1024;

const extensionFormats: Record<string, DocumentFormat> = {
  '.pdf': 'pdf',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.png': 'png',
  '.xml': 'xml',
  '.docx': 'docx',
  '.xlsx': 'xlsx',
};

/** The format a file name's extension claims, if it is one NedraDesk knows. */
export function formatFromExtension(fileName: string): DocumentFormat | undefined {
  return extensionFormats[path.extname(fileName).toLowerCase()];
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Inspects the file at `filePath`; `fileName` (default: the path's base name) is what messages show. */
export async function inspectDocument(filePath: string, fileName: string = path.basename(filePath)): Promise<DocumentInspection> {
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new AppError('FILE_UNREADABLE', { fileName });
    size = info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', { fileName }, { cause: error });
  }
  const declaredFormat = formatFromExtension(fileName);
  const result: DocumentInspection = { fileName, size, ...(declaredFormat === undefined ? {} : { declaredFormat }) };
  if (size === 0) return result;

  const handle = await open(filePath, 'r');
  try {
    const head = await readAt(handle, 0, Math.min(size, 4096));
    if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
      result.detectedFormat = 'pdf';
      result.pdf = await inspectPdf(handle, size, head);
    } else if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
      result.detectedFormat = 'jpeg';
      const image = await inspectJpeg(handle, size);
      if (image !== undefined) result.image = image;
    } else if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
      result.detectedFormat = 'png';
      const image = await inspectPng(handle, size);
      if (image !== undefined) result.image = image;
    } else if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
      const office = await inspectOfficeZip(filePath);
      if (office.format !== undefined) {
        result.detectedFormat = office.format;
        result.office = office.error === undefined ? { valid: true } : { valid: false, error: office.error };
      } else if (declaredFormat === 'docx' || declaredFormat === 'xlsx') {
        // A ZIP named .docx/.xlsx without the OOXML parts: report it as a damaged office file.
        result.detectedFormat = declaredFormat;
        result.office = { valid: false, error: office.error ?? 'в архиве нет частей документа Office' };
      }
    } else if (looksLikeXml(head)) {
      result.detectedFormat = 'xml';
      // Larger files are refused by every size rule anyway; parsing them would only cost memory.
      if (size <= fullReadLimit) result.xml = checkXmlWellFormed((await readAt(handle, 0, size)).toString('utf8'));
    }
  } finally {
    await handle.close();
  }
  return result;
}

function looksLikeXml(head: Buffer): boolean {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return /^\s*<(\?xml|[A-Za-z_!\u00C0-\uFFFD])/.test(text);
}

// ---- PDF ----------------------------------------------------------------------------------------

/**
 * ISO 32000-1 §7.5.2 header «%PDF-1.n»; §7.6.1: an encrypted file names its encryption dictionary
 * with /Encrypt in the trailer (or, since PDF 1.5, in the cross-reference stream dictionary, §7.5.8)
 * — both live in the last part of the file, or the first part for a linearised file (Annex F).
 */
async function inspectPdf(handle: FileHandle, size: number, head: Buffer): Promise<NonNullable<DocumentInspection['pdf']>> {
  const version = /^%PDF-(\d\.\d)/.exec(head.toString('latin1'))?.[1] ?? 'unknown';
  const window = 256 * 1024;
  const tail = await readAt(handle, Math.max(0, size - window), Math.min(size, window));
  const start = size > window ? await readAt(handle, 0, Math.min(size, window)) : Buffer.alloc(0);
  const encryptPattern = /\/Encrypt\s*(\d+\s+\d+\s+R|<<)/;
  const encrypted = encryptPattern.test(tail.toString('latin1')) || encryptPattern.test(start.toString('latin1'));
  if (encrypted) return { version, encrypted };
  if (!/%%EOF/.test(tail.subarray(Math.max(0, tail.length - 2048)).toString('latin1'))) {
    return { version, encrypted, damaged: 'нет маркера конца файла %%EOF' };
  }
  if (size > fullReadLimit) return { version, encrypted };
  try {
    const document = await PDFDocument.load(await readAt(handle, 0, size), { updateMetadata: false, throwOnInvalidObject: true });
    const scanDpi = lowestScanDpi(document);
    return { version, encrypted, pageCount: document.getPageCount(), ...(scanDpi === undefined ? {} : { scanDpi }) };
  } catch (error) {
    return { version, encrypted, damaged: error instanceof Error ? error.message.slice(0, 200) : 'не удалось разобрать PDF' };
  }
}

/**
 * The resolution of a scanned PDF: for each page whose largest image has the page's proportions
 * (a full-page scan, ±8 %), image pixels per inch of page (ISO 32000-1 §8.9.5 image dictionary
 * /Width, /Height; 72 points per inch). The lowest over all such pages; undefined for PDFs
 * without full-page images (text documents are not scans).
 */
function lowestScanDpi(document: PDFDocument): number | undefined {
  let lowest: number | undefined;
  for (const page of document.getPages()) {
    const { width: pageWidth, height: pageHeight } = page.getSize();
    const xObjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    if (xObjects === undefined || pageWidth <= 0 || pageHeight <= 0) continue;
    let largest: { width: number; height: number } | undefined;
    for (const [, reference] of xObjects.entries()) {
      const object = document.context.lookup(reference);
      if (!(object instanceof PDFStream) || object.dict.lookupMaybe(PDFName.of('Subtype'), PDFName) !== PDFName.of('Image')) continue;
      const width = object.dict.lookupMaybe(PDFName.of('Width'), PDFNumber)?.asNumber() ?? 0;
      const height = object.dict.lookupMaybe(PDFName.of('Height'), PDFNumber)?.asNumber() ?? 0;
      if (largest === undefined || width * height > largest.width * largest.height) largest = { width, height };
    }
    if (largest === undefined || largest.width <= 0 || largest.height <= 0) continue;
    // A landscape scan placed on a portrait page (or the reverse) is drawn rotated.
    const [imageLong, imageShort] = [Math.max(largest.width, largest.height), Math.min(largest.width, largest.height)];
    const [pageLong, pageShort] = [Math.max(pageWidth, pageHeight), Math.min(pageWidth, pageHeight)];
    if (Math.abs(imageLong / imageShort / (pageLong / pageShort) - 1) > 0.08) continue;
    const dpi = Math.round(Math.min(imageLong / (pageLong / 72), imageShort / (pageShort / 72)));
    lowest = lowest === undefined ? dpi : Math.min(lowest, dpi);
  }
  return lowest;
}

// ---- JPEG ---------------------------------------------------------------------------------------

/**
 * Walks the marker segments (ITU-T T.81 Annex B) up to the first SOFn: APP0 «JFIF» gives density
 * (units 1 = dpi, 2 = dots per cm), APP1 «Exif» gives XResolution / ResolutionUnit (TIFF 6.0 tags
 * 282 and 296), SOFn gives the real pixel size.
 */
async function inspectJpeg(handle: FileHandle, size: number): Promise<DocumentInspection['image']> {
  let position = 2;
  let dpi: { x: number; y: number } | undefined;
  let exifDpi: { x: number; y: number } | undefined;
  for (let segments = 0; segments < 512 && position + 4 <= size; segments += 1) {
    const header = await readAt(handle, position, 4);
    if (header[0] !== 0xff) return undefined;
    const marker = header[1] ?? 0;
    if (marker === 0xff) {
      position += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      position += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any SOF
    const length = header.readUInt16BE(2);
    if (length < 2) return undefined;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const sof = await readAt(handle, position + 4, 5);
      if (sof.length < 5) return undefined;
      const height = sof.readUInt16BE(1);
      const width = sof.readUInt16BE(3);
      const chosen = dpi ?? exifDpi;
      return { width, height, ...(chosen === undefined ? {} : { dpiX: chosen.x, dpiY: chosen.y }) };
    }
    if (marker === 0xe0 && dpi === undefined) {
      const app0 = await readAt(handle, position + 4, Math.min(length - 2, 14));
      if (app0.length >= 12 && app0.subarray(0, 5).toString('latin1') === 'JFIF\0') {
        const units = app0[7];
        const x = app0.readUInt16BE(8);
        const y = app0.readUInt16BE(10);
        if (units === 1 && x > 0 && y > 0) dpi = { x, y };
        else if (units === 2 && x > 0 && y > 0) dpi = { x: Math.round(x * 2.54), y: Math.round(y * 2.54) };
      }
    } else if (marker === 0xe1 && exifDpi === undefined) {
      const app1 = await readAt(handle, position + 4, Math.min(length - 2, 65533));
      exifDpi = exifResolution(app1);
    }
    position += 2 + length;
  }
  return undefined;
}

function exifResolution(segment: Buffer): { x: number; y: number } | undefined {
  if (segment.length < 14 || segment.subarray(0, 6).toString('latin1') !== 'Exif\0\0') return undefined;
  const tiff = segment.subarray(6);
  const little = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (offset: number): number => (little ? tiff.readUInt16LE(offset) : tiff.readUInt16BE(offset));
  const u32 = (offset: number): number => (little ? tiff.readUInt32LE(offset) : tiff.readUInt32BE(offset));
  try {
    const ifd = u32(4);
    const count = u16(ifd);
    let x: number | undefined;
    let y: number | undefined;
    let unit = 2; // TIFF default: inches
    for (let index = 0; index < count; index += 1) {
      const entry = ifd + 2 + index * 12;
      const tag = u16(entry);
      if (tag === 0x011a || tag === 0x011b) {
        const valueOffset = u32(entry + 8);
        const denominator = u32(valueOffset + 4);
        const value = denominator === 0 ? 0 : u32(valueOffset) / denominator;
        if (tag === 0x011a) x = value;
        else y = value;
      } else if (tag === 0x0128) unit = u16(entry + 8);
    }
    if (x === undefined || x <= 0) return undefined;
    const yValue = y !== undefined && y > 0 ? y : x;
    if (unit === 3) return { x: Math.round(x * 2.54), y: Math.round(yValue * 2.54) };
    if (unit === 2) return { x: Math.round(x), y: Math.round(yValue) };
    return undefined; // unit 1: no absolute unit
  } catch {
    return undefined; // offsets outside the segment: a damaged EXIF block says nothing about dpi
  }
}

// ---- PNG ----------------------------------------------------------------------------------------

/** PNG (ISO/IEC 15948 §11.2.2 IHDR, §11.3.5.3 pHYs: pixels per metre when unit = 1). */
async function inspectPng(handle: FileHandle, size: number): Promise<DocumentInspection['image']> {
  const ihdr = await readAt(handle, 8, 25);
  if (ihdr.length < 16 || ihdr.subarray(4, 8).toString('latin1') !== 'IHDR') return undefined;
  const width = ihdr.readUInt32BE(8);
  const height = ihdr.readUInt32BE(12);
  let position = 8;
  for (let chunks = 0; chunks < 1024 && position + 8 <= size; chunks += 1) {
    const header = await readAt(handle, position, 8);
    const length = header.readUInt32BE(0);
    const type = header.subarray(4, 8).toString('latin1');
    if (type === 'IDAT' || type === 'IEND') break; // pHYs must precede the image data
    if (type === 'pHYs' && length >= 9) {
      const body = await readAt(handle, position + 8, 9);
      if (body[8] === 1) {
        // 300 dpi is stored as 11811 pixels per metre (299.9994 dpi): round to whole dpi.
        return { width, height, dpiX: Math.round(body.readUInt32BE(0) * 0.0254), dpiY: Math.round(body.readUInt32BE(4) * 0.0254) };
      }
      break;
    }
    position += 12 + length;
  }
  return { width, height };
}

// ---- DOCX / XLSX --------------------------------------------------------------------------------

const maxZipEntries = 20_000;

/** ECMA-376 Part 2 (OPC): [Content_Types].xml and _rels/.rels, plus word/document.xml or xl/workbook.xml. */
function inspectOfficeZip(filePath: string): Promise<{ format?: DocumentFormat; error?: string }> {
  return new Promise((resolve) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: true }, (openError, zip) => {
      if (openError !== null || zip === undefined) {
        resolve({ error: 'архив повреждён' });
        return;
      }
      const names = new Set<string>();
      let settled = false;
      const finish = (value: { format?: DocumentFormat; error?: string }): void => {
        if (settled) return;
        settled = true;
        zip.close();
        resolve(value);
      };
      zip.on('entry', (entry: yauzl.Entry) => {
        names.add(entry.fileName);
        if (names.size > maxZipEntries) finish({ error: 'в архиве слишком много файлов' });
        else zip.readEntry();
      });
      zip.on('error', () => finish({ error: 'архив повреждён' }));
      zip.on('end', () => {
        const format: DocumentFormat | undefined = names.has('word/document.xml') ? 'docx' : names.has('xl/workbook.xml') ? 'xlsx' : undefined;
        if (format === undefined) finish({});
        else if (!names.has('[Content_Types].xml')) finish({ format, error: 'в документе нет обязательной части [Content_Types].xml' });
        // ECMA-376 Part 2 §9.3: the package relationships part says where the document starts.
        else if (!names.has('_rels/.rels')) finish({ format, error: 'в документе нет обязательной части _rels/.rels' });
        else finish({ format });
      });
      zip.readEntry();
    });
  });
}

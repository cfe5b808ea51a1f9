import { mkdtempSync, openSync, closeSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { inspectDocument } from '../../../src/main/core/documents/inspect-document';
import { validateFormFiles } from '../../../src/main/core/forms/validate-files';
import { validateForm } from '../../../src/main/core/forms/validate-form';
import { AppError } from '../../../src/shared/errors';
import { sampleAttachments, sampleData, today } from '../catalog/sample-forms';
import { buildEncryptedPdf, buildJpeg, buildPdf, buildPdfWithLogo, buildPng, buildScannedPdf, docxParts, writeZip, xlsxParts } from './document-files';

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-inspect-'));
  writeFileSync(file('report.pdf'), await buildPdf(3));
  writeFileSync(file('locked.pdf'), buildEncryptedPdf());
  writeFileSync(file('truncated.pdf'), Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'));
  writeFileSync(file('scan-150.jpg'), buildJpeg({ width: 1240, height: 1754, jfif: { units: 1, x: 150, y: 150 } }));
  writeFileSync(file('scan-300.jpeg'), buildJpeg({ width: 2480, height: 3508, jfif: { units: 1, x: 300, y: 300 } }));
  writeFileSync(file('scan-dpcm.jpg'), buildJpeg({ width: 2480, height: 3508, jfif: { units: 2, x: 118, y: 118 } }));
  writeFileSync(file('exif-le.jpg'), buildJpeg({ width: 2000, height: 1000, exif: { resolution: 300, unit: 2, littleEndian: true } }));
  writeFileSync(file('exif-be-cm.jpg'), buildJpeg({ width: 2000, height: 1000, exif: { resolution: 59, unit: 3, littleEndian: false } }));
  writeFileSync(file('no-density.jpg'), buildJpeg({ width: 800, height: 600 }));
  writeFileSync(file('plan.pdf'), buildJpeg({ width: 1240, height: 1754, jfif: { units: 1, x: 300, y: 300 } }));
  writeFileSync(file('license-scan-150.pdf'), await buildScannedPdf(buildJpeg({ width: 1240, height: 1754, jfif: { units: 1, x: 150, y: 150 } }), 2));
  writeFileSync(file('license-scan-300.pdf'), await buildScannedPdf(buildJpeg({ width: 3508, height: 2480, jfif: { units: 1, x: 300, y: 300 } })));
  writeFileSync(file('letter-with-logo.pdf'), await buildPdfWithLogo(buildJpeg({ width: 200, height: 200 })));
  writeFileSync(file('map.png'), buildPng(2480, 3508, 11811));
  writeFileSync(file('map-72.png'), buildPng(600, 800, 2835));
  writeFileSync(file('map-no-phys.png'), buildPng(600, 800));
  writeFileSync(file('good.xml'), '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<report type="extraction"><license>СЛХ 01234 ТЭ</license><volume unit="т">1250.5</volume></report>\n');
  writeFileSync(file('bad.xml'), '<?xml version="1.0"?>\n<report>\n  <volume>1250</volum>\n</report>\n');
  writeFileSync(file('notes.txt.xml'), 'Просто текст, не XML');
  writeFileSync(file('empty.pdf'), Buffer.alloc(0));
  await writeZip(file('plan.docx'), docxParts);
  await writeZip(file('tables.xlsx'), xlsxParts);
  await writeZip(file('tables-as.docx'), xlsxParts);
  await writeZip(file('archive.docx'), { 'readme.txt': 'не документ Word' });
  await writeZip(file('no-types.docx'), { 'word/document.xml': '<w:document/>' });
  await writeZip(file('no-rels.xlsx'), { '[Content_Types].xml': xlsxParts['[Content_Types].xml'], 'xl/workbook.xml': '<workbook/>' });
});

describe('inspectDocument', () => {
  it('reads a PDF: version, not encrypted, page count', async () => {
    const result = await inspectDocument(file('report.pdf'));
    expect(result).toMatchObject({ fileName: 'report.pdf', declaredFormat: 'pdf', detectedFormat: 'pdf', pdf: { version: '1.7', encrypted: false, pageCount: 3 } });
    expect(result.size).toBeGreaterThan(300);
  });

  it.each([
    ['license-scan-150.pdf', 150, 2],
    ['license-scan-300.pdf', 300, 1],
  ])('measures the resolution of the full-page scans in %s', async (name, dpi, pages) => {
    expect((await inspectDocument(file(name))).pdf).toEqual({ version: '1.7', encrypted: false, pageCount: pages, scanDpi: dpi });
  });

  it('does not take a text PDF with a small logo for a scan', async () => {
    expect((await inspectDocument(file('letter-with-logo.pdf'))).pdf?.scanDpi).toBeUndefined();
  });

  it('recognises a password-protected PDF by /Encrypt in its trailer', async () => {
    const result = await inspectDocument(file('locked.pdf'));
    expect(result.detectedFormat).toBe('pdf');
    expect(result.pdf).toEqual({ version: '1.6', encrypted: true });
  });

  it('marks a PDF without an end-of-file marker as damaged', async () => {
    const result = await inspectDocument(file('truncated.pdf'));
    expect(result.pdf?.damaged).toContain('%%EOF');
  });

  it.each([
    ['scan-150.jpg', 1240, 1754, 150],
    ['scan-300.jpeg', 2480, 3508, 300],
    ['scan-dpcm.jpg', 2480, 3508, 300],
    ['exif-le.jpg', 2000, 1000, 300],
    ['exif-be-cm.jpg', 2000, 1000, 150],
  ])('reads the pixel size and dpi of the JPEG %s', async (name, width, height, dpi) => {
    const result = await inspectDocument(file(name));
    expect(result.detectedFormat).toBe('jpeg');
    expect(result.image).toEqual({ width, height, dpiX: dpi, dpiY: dpi });
  });

  it('reports no dpi for a JPEG whose JFIF header has no absolute density', async () => {
    expect((await inspectDocument(file('no-density.jpg'))).image).toEqual({ width: 800, height: 600 });
  });

  it.each([
    ['map.png', 2480, 3508, 300],
    ['map-72.png', 600, 800, 72],
  ])('reads IHDR and pHYs of the PNG %s', async (name, width, height, dpi) => {
    const result = await inspectDocument(file(name));
    expect(result.detectedFormat).toBe('png');
    expect(result.image).toEqual({ width, height, dpiX: dpi, dpiY: dpi });
  });

  it('reports no dpi for a PNG without pHYs', async () => {
    expect((await inspectDocument(file('map-no-phys.png'))).image).toEqual({ width: 600, height: 800 });
  });

  it('accepts a well-formed XML file with a BOM and Cyrillic text', async () => {
    const result = await inspectDocument(file('good.xml'));
    expect(result).toMatchObject({ detectedFormat: 'xml', xml: { wellFormed: true, rootElement: 'report' } });
  });

  it('points at the line of a mismatched closing tag', async () => {
    const result = await inspectDocument(file('bad.xml'));
    expect(result.xml).toMatchObject({ wellFormed: false, line: 3, column: 15 });
    expect(result.xml?.error).toContain('</volum>');
  });

  it('does not take plain text for XML', async () => {
    const result = await inspectDocument(file('notes.txt.xml'));
    expect(result.declaredFormat).toBe('xml');
    expect(result.detectedFormat).toBeUndefined();
  });

  it('recognises DOCX and XLSX by their package parts, not the extension', async () => {
    expect(await inspectDocument(file('plan.docx'))).toMatchObject({ detectedFormat: 'docx', office: { valid: true } });
    expect(await inspectDocument(file('tables.xlsx'))).toMatchObject({ detectedFormat: 'xlsx', office: { valid: true } });
    expect(await inspectDocument(file('tables-as.docx'))).toMatchObject({ declaredFormat: 'docx', detectedFormat: 'xlsx' });
  });

  it('reports a plain ZIP named .docx and a package without [Content_Types].xml as damaged', async () => {
    expect(await inspectDocument(file('archive.docx'))).toMatchObject({ detectedFormat: 'docx', office: { valid: false } });
    const noTypes = await inspectDocument(file('no-types.docx'));
    expect(noTypes.office).toEqual({ valid: false, error: 'в документе нет обязательной части [Content_Types].xml' });
    const noRelationships = await inspectDocument(file('no-rels.xlsx'));
    expect(noRelationships).toMatchObject({ detectedFormat: 'xlsx', office: { valid: false, error: 'в документе нет обязательной части _rels/.rels' } });
  });

  it('names the real format of a JPEG saved as plan.pdf', async () => {
    const result = await inspectDocument(file('plan.pdf'));
    expect(result).toMatchObject({ declaredFormat: 'pdf', detectedFormat: 'jpeg' });
  });

  it('reports an empty file by its size without guessing a format', async () => {
    expect(await inspectDocument(file('empty.pdf'))).toEqual({ fileName: 'empty.pdf', size: 0, declaredFormat: 'pdf' });
  });

  it('uses the given display name for a file stored under another name', async () => {
    const result = await inspectDocument(file('scan-150.jpg'), 'Лицензия (скан).jpg');
    expect(result).toMatchObject({ fileName: 'Лицензия (скан).jpg', declaredFormat: 'jpeg' });
  });

  it('inspects a 2 GB file by its header and tail without reading it whole', async () => {
    const target = file('huge.pdf');
    const descriptor = openSync(target, 'w');
    writeSync(descriptor, Buffer.from('%PDF-1.7\n'));
    ftruncateSync(descriptor, 2 * 1024 * 1024 * 1024);
    closeSync(descriptor);
    const started = performance.now();
    const result = await inspectDocument(target);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.size).toBe(2 * 1024 * 1024 * 1024);
    expect(result.detectedFormat).toBe('pdf');
    expect(result.pdf?.pageCount).toBeUndefined();
  });

  it('throws FILE_NOT_FOUND for a missing file', async () => {
    await expect(inspectDocument(file('missing.pdf'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(inspectDocument(dir)).rejects.toBeInstanceOf(AppError);
  });
});

describe('inspected files through validateForm', () => {
  const permit = findCatalogEntry('application.subsoil-permit');
  if (permit === undefined) throw new Error('catalog has no subsoil permit');

  async function validateWith(role: string, name: string) {
    const attachments = sampleAttachments(permit!).filter((attachment) => attachment.role !== role);
    attachments.push({ role, inspection: await inspectDocument(file(name)) });
    return validateForm(permit!, sampleData(permit!), attachments, { today });
  }

  it('refuses a licence copy scanned at 150 dpi and says how to rescan', async () => {
    expect(await validateWith('license-copy', 'scan-150.jpg')).toEqual([
      {
        target: 'documents.license-copy/scan-150.jpg',
        rule: 'DPI_TOO_LOW',
        message: 'Скан scan-150.jpg («Копия лицензии на пользование недрами») имеет разрешение 150 dpi, а нужно не менее 300 dpi. Отсканируйте документ заново с разрешением 300 dpi.',
      },
    ]);
  });

  it('accepts a licence copy scanned at 300 dpi, as JPEG or as PDF', async () => {
    expect(await validateWith('license-copy', 'scan-300.jpeg')).toEqual([]);
    expect(await validateWith('license-copy', 'license-scan-300.pdf')).toEqual([]);
  });

  it('refuses a licence copy PDF whose scanned pages are 150 dpi', async () => {
    const problems = await validateWith('license-copy', 'license-scan-150.pdf');
    expect(problems.map((problem) => [problem.rule, problem.target])).toEqual([['DPI_TOO_LOW', 'documents.license-copy/license-scan-150.pdf']]);
    expect(problems[0]?.message).toContain('150 dpi, а нужно не менее 300 dpi');
  });

  it('names a JPEG saved as plan.pdf as a JPEG', async () => {
    const problems = await validateWith('technical-maps', 'plan.pdf');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.rule).toBe('CONTENT_MISMATCH');
    expect(problems[0]?.message).toMatch(/^Файл plan\.pdf на самом деле является изображением JPEG/);
  });

  it('refuses a password-protected technical map', async () => {
    expect((await validateWith('technical-maps', 'locked.pdf')).map((problem) => problem.rule)).toEqual(['ENCRYPTED_PDF']);
  });
});

describe('validateFormFiles', () => {
  it('inspects files on disk and reports their problems together with the fields', async () => {
    const report = findCatalogEntry('report.extraction')!;
    const problems = await validateFormFiles(report, { ...sampleData(report), worksEnd: '2026-01-01' }, [
      { role: 'report-file', path: file('bad.xml'), fileName: 'otchet.xml' },
      { role: 'report-tables', path: file('missing.xlsx') },
    ], { today });
    expect(problems.map((problem) => `${problem.target}:${problem.rule}`)).toEqual([
      'worksEnd:FIELD_ORDER',
      'documents.report-file/otchet.xml:XML_MALFORMED',
      `documents.report-tables/${file('missing.xlsx')}:DOCUMENT_REQUIRED`,
    ]);
    expect(problems[1]?.message).toContain('строка 3');
  });
});

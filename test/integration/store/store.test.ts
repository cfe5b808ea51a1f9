import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openStore } from '../../../src/main/store/database';
import { migrations } from '../../../src/main/store/migrations';
import { appendJournal, changePackageStatus, countPackagesByStatus, getDraft, insertPackage, journalCsv, listPackages, pageJournal, putDocument } from '../../../src/main/store/repositories';
import { AppError } from '../../../src/shared/errors';

const freshDir = (): string => mkdtempSync(path.join(tmpdir(), 'nedradesk-store-'));

describe('local database', () => {
  it('creates every table in WAL mode with foreign keys and records the migration in user_version', () => {
    const database = openStore({ dataDir: freshDir() });
    expect(database.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
    expect(tables).toEqual(['cabinet_profiles', 'deadlines', 'documents', 'drafts', 'file_handles', 'journal', 'licenses', 'notifications', 'organisations', 'outbox', 'packages', 'settings', 'status_history']);
    expect(() => insertPackage(database, { id: 'p', organisationOid: 'нет такой', typeCode: 't', title: 'x', status: 'draft', filePath: null })).toThrow(/FOREIGN KEY/);
    database.close();
  });

  it('rolls a failing migration back and leaves user_version unchanged', () => {
    const dataDir = freshDir();
    openStore({ dataDir }).close();
    const failing = [...migrations, { version: migrations.length + 1, name: 'broken', up: (database: Parameters<typeof migrate>[0]) => database.exec('CREATE TABLE half_done (x); INSERT INTO nowhere VALUES (1);') }];
    expect(() => openStore({ dataDir, migrations: failing })).toThrow(/no such table: nowhere/);
    const database = openStore({ dataDir });
    expect(database.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(database.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    database.close();
  });

  it('upgrades a version-1 database in place: packages keep their rows and gain form data and attachments', () => {
    const dataDir = freshDir();
    const first = openStore({ dataDir, migrations: migrations.slice(0, 1) });
    first.prepare("INSERT INTO packages (id, type_code, title, status, created_at, updated_at) VALUES ('old', 'report.extraction', 'Отчёт', 'approved', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')").run();
    first.close();
    const database = openStore({ dataDir });
    expect(database.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(database.prepare("SELECT status, form_data, attachments FROM packages WHERE id = 'old'").get()).toEqual({ status: 'approved', form_data: null, attachments: '[]' });
    expect((database.prepare('PRAGMA table_info(drafts)').all() as Array<{ name: string }>).map((column) => column.name)).toContain('replaces_package_id');
    database.close();
  });

  it('keeps the journal append-only and refuses secret-looking details', () => {
    const database = openStore({ dataDir: freshDir() });
    const id = appendJournal(database, { actor: 'Иванова', organisationOid: null, action: 'sign', object: 'отчёт.xml', result: 'ok', details: { files: 1 } });
    expect(() => database.prepare('UPDATE journal SET result = ? WHERE id = ?').run('изменено', id)).toThrow(/append-only/);
    expect(() => database.prepare('DELETE FROM journal WHERE id = ?').run(id)).toThrow(/append-only/);
    for (const details of [{ pin: '1234' }, { nested: { accessToken: 'x' } }, { smsCode: '123456' }, { password: 'x' }]) {
      let caught: unknown;
      try {
        appendJournal(database, { actor: null, organisationOid: null, action: 'login', object: null, result: 'ok', details });
      } catch (error) {
        caught = error;
      }
      expect((caught as AppError).code).toBe('INVALID_INPUT');
    }
    database.close();
  });

  it('lists packages with filters and keyset pages, counts by status, and links a corrected version to the old one', () => {
    const database = openStore({ dataDir: freshDir() });
    database.prepare("INSERT INTO organisations (oid, inn, name) VALUES ('org', '1101012340', 'ООО «Недра Севера»')").run();
    const base = Date.parse('2026-11-01T00:00:00Z');
    for (let index = 0; index < 30; index += 1) {
      insertPackage(database, { id: `p${String(index).padStart(2, '0')}`, organisationOid: 'org', typeCode: index % 2 === 0 ? 'report.extraction' : 'application.subsoil-permit', title: index % 3 === 0 ? `Отчёт о добыче №${index}` : `Заявление ${index}`, status: 'signed', filePath: null }, new Date(base + index * 60_000));
    }
    changePackageStatus(database, 'p03', 'needs-rework', { remark: 'Не указан период', registrationNumber: 'РН-2026-000003' }, new Date(base + 3_600_000));
    const corrected = insertPackage(database, { id: 'p03-v2', organisationOid: 'org', typeCode: 'report.extraction', title: 'Отчёт о добыче №3 (исправленный)', status: 'signed', filePath: null, replacesPackageId: 'p03' }, new Date(base + 3_700_000));
    expect([corrected.version, corrected.replacesPackageId]).toEqual([2, 'p03']);
    expect(countPackagesByStatus(database, 'org')).toEqual({ signed: 30, 'needs-rework': 1 });
    expect(listPackages(database, { organisationOid: 'org', text: 'РН-2026-000003' }).map((item) => item.id)).toEqual(['p03']);
    expect(listPackages(database, { organisationOid: 'org', statuses: ['needs-rework'] }).map((item) => item.id)).toEqual(['p03']);
    const reports = listPackages(database, { organisationOid: 'org', typeCode: 'report.extraction', text: 'добыче', limit: 3 });
    expect(reports.map((item) => item.id)).toEqual(['p03-v2', 'p24', 'p18']);
    const next = listPackages(database, { organisationOid: 'org', typeCode: 'report.extraction', text: 'добыче', limit: 3, after: { updatedAt: (reports[2] as { updatedAt: string }).updatedAt, id: 'p18' } });
    expect(next.map((item) => item.id)).toEqual(['p12', 'p06', 'p00']);
    const history = database.prepare("SELECT status, remark FROM status_history WHERE package_id = 'p03' ORDER BY id").all();
    expect(history).toEqual([{ status: 'signed', remark: null }, { status: 'needs-rework', remark: 'Не указан период' }]);
    database.close();
  });

  it('exports the journal as CSV with a BOM, escaping commas, quotes and line breaks', () => {
    const database = openStore({ dataDir: freshDir() });
    appendJournal(database, { at: '2026-11-20T10:00:00.000Z', actor: 'Иванова, М. П.', organisationOid: null, action: 'submit', object: 'Отчёт "о добыче"\nза 2025', result: 'ok' });
    const csv = journalCsv(pageJournal(database));
    expect(csv.startsWith('\uFEFFВремя,Кто,')).toBe(true);
    expect(csv).toContain('"Иванова, М. П."');
    expect(csv).toContain('"Отчёт ""о добыче""\nза 2025"');
    database.close();
  });

  it('stores documents by content, once', async () => {
    const dataDir = freshDir();
    const database = openStore({ dataDir });
    const first = await putDocument(database, dataDir, Buffer.from('%PDF-1.7 копия лицензии'), { originalName: 'лицензия.pdf', mediaType: 'application/pdf' });
    const second = await putDocument(database, dataDir, Buffer.from('%PDF-1.7 копия лицензии'), { originalName: 'копия.pdf', mediaType: 'application/pdf' });
    expect(second).toEqual(first);
    expect(first.path).toContain(path.join('documents', first.sha256.slice(0, 2), first.sha256.slice(2, 4)));
    expect(statSync(first.path).size).toBe(Buffer.byteLength('%PDF-1.7 копия лицензии'));
    expect(readdirSync(path.dirname(first.path))).toEqual([first.sha256]);
    database.close();
  });

  it('keeps every committed change through 100 SIGKILLs of a writer, with an intact file', async () => {
    const dataDir = freshDir();
    openStore({ dataDir }).close();
    const committedDrafts = new Map<string, number>();
    const committedPackages = new Map<string, string>();
    let seed = 99;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 100; round += 1) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(process.cwd(), 'test/integration/store/writer.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let buffer = '';
      let ready = false;
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line === 'ready') {
            ready = true;
            setTimeout(() => child.kill('SIGKILL'), 20 + Math.floor(next() * 180));
            continue;
          }
          const [kind, id, value] = line.split(' ');
          if (kind === 'draft' && id !== undefined) committedDrafts.set(id, Number(value));
          if (kind === 'package' && id !== undefined && value !== undefined) committedPackages.set(id, value);
        }
      });
      await exited;
      expect(ready, `round ${round}: the writer never started`).toBe(true);
    }
    const database = openStore({ dataDir });
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    for (const [id, step] of committedDrafts) {
      // A later, unreported commit may have moved the draft on; never back.
      expect(((getDraft(database, id)?.formData as { step: number } | undefined)?.step ?? -1) >= step).toBe(true);
    }
    const order = ['draft', 'signed', 'queued', 'sent', 'accepted', 'processing', 'approved'];
    for (const [id, status] of committedPackages) {
      const stored = database.prepare('SELECT status FROM packages WHERE id = ?').get(id) as { status: string } | undefined;
      expect(order.indexOf(stored?.status ?? 'missing') >= order.indexOf(status)).toBe(true);
    }
    expect(committedPackages.size).toBeGreaterThan(50);
    database.close();
  }, 240_000);
});

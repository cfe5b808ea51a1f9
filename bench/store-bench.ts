/**
 * Store bench (issue 5): with 10,000 packages and 100,000 journal rows, listing a page with
 * filters and counting by status must each take ≤ 20 ms; so must the `packages:list` and `journal:list`
 * calls as the screens make them (a page, its total and the counts). Seeds a temporary database, measures
 * p50/p95 over repeated queries. Run: `npm run bench -- store` (writes bench/results/store.json).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../src/main/store/database';
import { countPackagesByStatus, listPackages, pageJournal } from '../src/main/store/repositories';
import { JournalService } from '../src/main/services/journal-service';
import { PackageRecords } from '../src/main/services/package-records';
import type { OrganisationRole } from '../src/shared/cabinet';

const statuses = ['signed', 'queued', 'sent', 'accepted', 'processing', 'approved', 'needs-rework', 'rejected'] as const;
const database = openStore({ dataDir: mkdtempSync(path.join(tmpdir(), 'nedradesk-store-bench-')) });
database.prepare("INSERT INTO organisations (oid, inn, name) VALUES ('org-1', '1101012340', 'ООО «Недра Севера»'), ('org-2', '6670123457', 'АО «Уральские недра»')").run();
const base = Date.parse('2025-01-01T00:00:00Z');
database.transaction(() => {
  const insert = database.prepare('INSERT INTO packages (id, organisation_oid, type_code, title, status, version, created_at, updated_at, registration_number) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)');
  for (let index = 0; index < 10_000; index += 1) {
    const at = new Date(base + index * 600_000).toISOString();
    insert.run(`p${index}`, index % 5 === 0 ? 'org-2' : 'org-1', index % 3 === 0 ? 'report.extraction' : 'application.subsoil-permit', `${index % 3 === 0 ? 'Отчёт о добыче' : 'Заявление'} №${index}`, statuses[index % statuses.length], at, at, `РН-2025-${String(index).padStart(6, '0')}`);
  }
  const journal = database.prepare('INSERT INTO journal (at, actor, organisation_oid, action, object, result, details) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const actions = ['sign', 'submit', 'login', 'status', 'export'];
  for (let index = 0; index < 100_000; index += 1) {
    journal.run(new Date(base + index * 60_000).toISOString(), 'Иванова', index % 5 === 0 ? 'org-2' : 'org-1', actions[index % actions.length], `p${index % 10_000}`, 'ok', '{}');
  }
})();
database.pragma('optimize');

function measure(label: string, body: () => unknown): { p50: number; p95: number } {
  for (let warm = 0; warm < 20; warm += 1) body();
  const times: number[] = [];
  for (let run = 0; run < 300; run += 1) {
    const started = performance.now();
    body();
    times.push(performance.now() - started);
  }
  times.sort((left, right) => left - right);
  const result = { p50: Number((times[150] ?? 0).toFixed(3)), p95: Number((times[285] ?? 0).toFixed(3)) };
  process.stdout.write(`${label.padEnd(58)} p50 ${result.p50} ms, p95 ${result.p95} ms\n`);
  return result;
}

// What the screens call: `packages:list` (page + total + counts by status) and `journal:list` (page + total).
const organisation: OrganisationRole = { organisationOid: 'org-1', fullName: 'ООО «Недра Севера»', inn: '1101012340', ogrn: '1021100000000', address: 'Сыктывкар', role: 'admin', expiresAt: undefined };
const chosen = new PackageRecords(database, () => organisation);
const noneChosen = new PackageRecords(database, () => undefined);
const journal = new JournalService(database, () => ({ actor: undefined, organisationOid: undefined }));

const results = {
  at: new Date().toISOString(),
  rows: { packages: 10_000, journal: 100_000 },
  listPageByStatuses: measure('packages page, two statuses', () => listPackages(database, { organisationOid: 'org-1', statuses: ['approved', 'needs-rework'], limit: 50 })),
  listPageByTypeAndText: measure('packages page, type + text search', () => listPackages(database, { organisationOid: 'org-1', typeCode: 'report.extraction', text: 'добыче', limit: 50 })),
  listPageByPeriod: measure('packages page, period', () => listPackages(database, { organisationOid: 'org-1', from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z', limit: 50 })),
  countByStatus: measure('count by status', () => countPackagesByStatus(database, 'org-1')),
  journalPage: measure('journal page, period + action', () => pageJournal(database, { organisationOid: 'org-1', actions: ['submit', 'sign'], from: '2025-02-01T00:00:00Z', to: '2025-02-15T00:00:00Z', limit: 100 })),
  packagesListCall: measure('packages:list, organisation chosen, page + total + counts', () => chosen.list({ offset: 0, limit: 50 })),
  packagesListCallSearch: measure('packages:list, all organisations, status + search', () => noneChosen.list({ status: 'approved', search: 'добыче', offset: 100, limit: 50 })),
  journalListCall: measure('journal:list, period + action, page + total', () => journal.list({ from: '2025-02-01T00:00:00Z', to: '2025-03-01T00:00:00Z', action: 'submit', offset: 50, limit: 50 })),
  journalListCallAll: measure('journal:list, no filter, page + total', () => journal.list({ offset: 0, limit: 50 })),
  target: { p95Ms: 20 },
};
writeFileSync(path.join(process.cwd(), 'bench/results/store.json'), `${JSON.stringify(results, null, 2)}\n`);
database.close();

/**
 * The journal of what the user did (login, signing, sending, status changes, settings): one
 * append-only row per action, who and for which organisation, never a secret — the repository
 * refuses details that look like one (PIN, password, code, token).
 */
import type { JournalEntry } from '../../shared/api';
import { journalActions, type JournalAction } from '../../shared/journal';
import { AppError } from '../../shared/errors';
import type { StoreDatabase } from '../store/database';
import { appendJournal, countJournal, journalCsv, pageJournal, type JournalFilter, type JournalRow } from '../store/repositories';
import { createLogger } from '../log/logger';

const log = createLogger('services.journal');

/** Who acts now: the person logged in to the cabinet and the organisation chosen. */
export interface JournalActor {
  actor: string | undefined;
  organisationOid: string | undefined;
}

/** What one journal line says besides who and when. */
export interface JournalRecord {
  /** Who acted, when not the person logged in (the cabinet moving a status on). */
  actor?: string | undefined;
  object?: string | undefined;
  result?: 'ok' | 'error';
  details?: Record<string, unknown>;
  /** When the line is about another organisation than the chosen one (a package's status). */
  organisationOid?: string | undefined;
}

/** The period and action filter of the journal screen. */
export interface JournalQuery {
  from?: string | undefined;
  to?: string | undefined;
  action?: string | undefined;
}

/** Rows in one CSV export at most; a longer journal is exported by period. */
const exportLimit = 100_000;

function filterOf(query: JournalQuery): JournalFilter {
  return {
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.action ? { actions: [query.action] } : {}),
  };
}

function entryOf(row: JournalRow): JournalEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor ?? undefined,
    organisationOid: row.organisationOid ?? undefined,
    action: row.action,
    object: row.object ?? undefined,
    result: row.result === 'error' ? 'error' : 'ok',
    details: row.details,
  };
}

/** The journal use cases over the local database. */
export class JournalService {
  constructor(
    private readonly database: StoreDatabase,
    private readonly who: () => JournalActor,
  ) {}

  /** Appends a line. A journal that cannot be written never fails the action the user made. */
  record(action: JournalAction, record: JournalRecord = {}): void {
    const who = this.who();
    try {
      appendJournal(this.database, {
        actor: record.actor ?? who.actor ?? null,
        organisationOid: record.organisationOid ?? who.organisationOid ?? null,
        action,
        object: record.object ?? null,
        result: record.result ?? 'ok',
        details: record.details ?? {},
      });
    } catch (error) {
      log.error('journal line not written', { action, error });
    }
  }

  /** Runs an action and records its outcome: `ok` with what `describe` tells, or `error` with the error code. */
  async recordOutcome<T>(action: JournalAction, body: () => Promise<T>, describe: (value: T) => JournalRecord = () => ({}), onError: JournalRecord = {}): Promise<T> {
    try {
      const value = await body();
      this.record(action, { ...describe(value), result: 'ok' });
      return value;
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'INTERNAL_ERROR';
      this.record(action, { ...onError, result: 'error', details: { ...(onError.details ?? {}), error: code } });
      throw error;
    }
  }

  /** A page of the journal, newest first, with the number of matching lines. */
  list(query: JournalQuery & { offset: number; limit: number }): { items: JournalEntry[]; total: number } {
    const filter = filterOf(query);
    return { items: pageJournal(this.database, { ...filter, offset: query.offset, limit: query.limit }).map(entryOf), total: countJournal(this.database, filter) };
  }

  /** The journal as CSV (Excel-friendly, action names in Russian) and a file name for saving it. */
  exportCsv(query: JournalQuery, now: Date = new Date()): { fileName: string; csv: string } {
    const filter = filterOf(query);
    const rows: JournalRow[] = [];
    for (let offset = 0; offset < exportLimit; offset += 1000) {
      const page = pageJournal(this.database, { ...filter, offset, limit: 1000 });
      rows.push(...page);
      if (page.length < 1000) break;
    }
    const named = rows.map((row) => ({ ...row, action: (journalActions as Record<string, string>)[row.action] ?? row.action, result: row.result === 'ok' ? 'успешно' : 'ошибка' }));
    return { fileName: `journal-${now.toISOString().slice(0, 10)}.csv`, csv: journalCsv(named) };
  }
}

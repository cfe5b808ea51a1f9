import type { ErrorData } from './errors';

/** What every API call answers: a value, or an error as data. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

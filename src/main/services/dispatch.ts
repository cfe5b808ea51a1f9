import { apiInputs, isApiMethod, type ApiHandlers, type ApiMethod } from '../../shared/api';
import { AppError, toErrorData } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { createLogger } from '../log/logger';

const log = createLogger('services.dispatch');

/** A transport-neutral entry point: validates the input of `method` and runs its handler. */
export type Dispatcher = (method: string, rawInput: unknown) => Promise<Result<unknown>>;

/**
 * Wraps the handlers so that every adapter (IPC, browser-mode host, in-process) answers alike:
 * `{ok:true,value}` or `{ok:false,error}` with a stable code. Expected errors (AppError) pass
 * through; anything else is a bug, logged and reported as INTERNAL_ERROR without its text.
 */
export function createDispatcher(handlers: ApiHandlers): Dispatcher {
  return async (method, rawInput) => {
    if (!isApiMethod(method)) return { ok: false, error: new AppError('UNKNOWN_METHOD', { method }).toData() };
    const parsed = apiInputs[method].safeParse(rawInput ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return { ok: false, error: new AppError('INVALID_INPUT', { method, issues }).toData() };
    }
    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (!(error instanceof AppError)) log.error('handler failed', { method: method satisfies ApiMethod, error });
      return { ok: false, error: toErrorData(error) };
    }
  };
}

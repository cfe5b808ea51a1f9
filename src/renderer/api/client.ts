/**
 * The renderer's only way to main: the preload bridge in Electron, the loopback host in browser mode.
 * Both expose the same contract and answer `Result`s.
 */
import { apiEventNames, type ApiEventName, type ApiEvents, type ApiInput, type ApiMethod, type ApiOutput, type NedraDeskBridge } from '../../shared/api';
import type { Result } from '../../shared/result';

declare global {
  interface Window {
    nedradesk?: NedraDeskBridge;
  }
}

function browserModeBridge(): NedraDeskBridge {
  const listeners = new Map<ApiEventName, Set<(payload: unknown) => void>>();
  let source: EventSource | undefined;
  const ensureEvents = (): void => {
    if (source !== undefined) return;
    // Same-origin: the browser sends the host's HttpOnly session cookie with the stream and every call.
    source = new EventSource('/api/events');
    for (const event of apiEventNames) {
      source.addEventListener(event, (message) => {
        const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const listener of listeners.get(event) ?? []) listener(payload);
      });
    }
  };
  const call = async (method: ApiMethod, input: unknown): Promise<Result<unknown>> => {
    try {
      const response = await fetch(`/api/call/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      return (await response.json()) as Result<unknown>;
    } catch {
      return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'Нет связи с NedraDesk. Перезапустите приложение.', retryable: true } };
    }
  };
  const methods = new Proxy({} as NedraDeskBridge['methods'], {
    get: (_target, method: string) => (input: unknown) => call(method as ApiMethod, input),
  });
  return {
    methods,
    on(event, listener) {
      ensureEvents();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

const bridge: NedraDeskBridge = window.nedradesk ?? browserModeBridge();

/** Calls `method` of the API contract. */
export function callApi<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<Result<ApiOutput<M>>> {
  return bridge.methods[method](input);
}

/** Subscribes to an event pushed by main; returns the unsubscribe function. */
export function onApiEvent<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
  return bridge.on(event, listener);
}

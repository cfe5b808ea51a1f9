/**
 * Runs the token process and talks to it. Every call has a time-out; when the process exits or
 * stops answering, pending calls fail with TOKEN_SERVICE_FAILED, the process is killed, and the
 * next call starts a fresh one. Signers opened in a previous process answer SESSION_CLOSED
 * (the PIN must be entered again). Token presence is polled, never waited for.
 */
import { fork } from 'node:child_process';
import { AppError, type ErrorData } from '../../shared/errors';
import type { TokenCertificate, TokenDescription } from '../../shared/tokens';
import { signatureAlgorithms, type Signer } from '../core/crypto/algorithms';
import { createInterface } from 'node:readline';
import { createLogger, forwardLogLine } from '../log/logger';
import type { TokenRpcMethod, TokenRpcMethods, TokenRpcReady, TokenRpcRequest, TokenRpcResponse } from './token-rpc';
import type { SignerRequest, TokenService, TokenSigner } from './token-service';

const log = createLogger('token.supervisor');

/** The supervisor's view of a running token process, whatever started it. */
export interface TokenProcessHandle {
  readonly pid: number | undefined;
  send(message: TokenRpcRequest): void;
  onMessage(listener: (message: TokenRpcResponse | TokenRpcReady) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type TokenProcessLauncher = () => TokenProcessHandle;

/** Starts the token process as a Node child process (browser mode, tests). */
export function childProcessLauncher(options: { entry: string; execArgv?: string[]; env?: NodeJS.ProcessEnv }): TokenProcessLauncher {
  return () => {
    const child = fork(options.entry, [], {
      execArgv: options.execArgv ?? [],
      env: options.env ?? process.env,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // A process killed between a check and a write makes the IPC channel fail with EPIPE, emitted
    // as 'error' on the child; without a listener Node would take this whole process down. The
    // 'exit' listener below turns the death into TOKEN_SERVICE_FAILED for the calls in flight.
    child.on('error', (error: NodeJS.ErrnoException) => log.warn('token process channel failed', { code: error.code }));
    // The token process logs to stderr; its lines join this process's log.
    if (child.stderr !== null) {
      child.stderr.on('error', () => undefined);
      createInterface({ input: child.stderr }).on('line', forwardLogLine);
    }
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (!child.connected) return;
        try {
          // The callback takes a write that fails after the check (the process just died).
          child.send(message, (error) => {
            if (error !== null) log.warn('token process message not delivered', { code: (error as NodeJS.ErrnoException).code });
          });
        } catch (error) {
          log.warn('token process message not delivered', { code: (error as NodeJS.ErrnoException).code });
        }
      },
      onMessage: (listener) => child.on('message', (message) => listener(message as TokenRpcResponse | TokenRpcReady)),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: AppError): void;
  timer: NodeJS.Timeout;
  method: TokenRpcMethod;
}

interface Running {
  handle: TokenProcessHandle;
  generation: number;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  exited: boolean;
}

export interface TokenSupervisorOptions {
  launch: TokenProcessLauncher;
  modules?: TokenRpcMethods['configure']['params'];
  /** Listing and bookkeeping calls. */
  callTimeoutMs?: number;
  /** Login and signing: a PIN pad waits for the person. */
  signTimeoutMs?: number;
  startTimeoutMs?: number;
  pollIntervalMs?: number;
  /** How long a module that failed to load is not retried. */
  configurationRetryMs?: number;
}

/** TokenService over a supervised token process. */
export class TokenSupervisor implements TokenService {
  private running: Running | undefined;
  private generation = 0;
  private nextId = 1;
  private readonly watchers = new Set<(tokens: TokenDescription[]) => void>();
  private pollTimer: NodeJS.Timeout | undefined;
  private lastSnapshot = '';
  private lastPollError: string | undefined;
  private closed = false;
  /** A module that would not load is not retried on every poll: the error is kept a while. */
  private configurationFailure: { error: AppError; until: number } | undefined;

  constructor(private readonly options: TokenSupervisorOptions) {}

  /** Process id of the running token process, if any (diagnostics and tests). */
  get pid(): number | undefined {
    return this.running?.exited === false ? this.running.handle.pid : undefined;
  }

  /** How many times a token process was started. */
  get starts(): number {
    return this.generation;
  }

  listTokens(): Promise<TokenDescription[]> {
    return this.call('listTokens', {}, this.options.callTimeoutMs ?? 15_000);
  }

  listCertificates(filter: { token?: string | undefined } = {}): Promise<TokenCertificate[]> {
    return this.call('listCertificates', filter, this.options.callTimeoutMs ?? 15_000);
  }

  async openSigner(request: SignerRequest): Promise<TokenSigner> {
    const { pin, ...rest } = request;
    // The PIN crosses to the token process as bytes in one message and is wiped here at once.
    const copy = new Uint8Array(pin);
    pin.fill(0);
    const generation = this.generation;
    let opened: TokenRpcMethods['openSigner']['result'];
    try {
      opened = await this.call('openSigner', { ...rest, pin: copy }, this.options.signTimeoutMs ?? 120_000);
    } finally {
      copy.fill(0);
    }
    const owner = this.running?.generation ?? generation;
    return new SupervisedSigner(this, owner, opened.handle, new Uint8Array(opened.certificate), signatureAlgorithms[opened.algorithm]);
  }

  /** Signs through a handle of the process generation that opened it. */
  async signWith(generation: number, handle: number, data: Uint8Array): Promise<Uint8Array> {
    if (this.running?.generation !== generation || this.running.exited) throw new AppError('SESSION_CLOSED');
    return new Uint8Array(await this.call('sign', { handle, data }, this.options.signTimeoutMs ?? 120_000));
  }

  /** Closes a handle if its process is still the running one. */
  async closeSigner(generation: number, handle: number): Promise<void> {
    if (this.running?.generation !== generation || this.running.exited) return;
    await this.call('closeSigner', { handle }, this.options.callTimeoutMs ?? 15_000).catch(() => undefined);
  }

  /** Calls `listener` with the token list whenever it changes, polling while anyone listens. */
  watchTokens(listener: (tokens: TokenDescription[]) => void): () => void {
    this.watchers.add(listener);
    if (this.pollTimer === undefined) {
      const poll = (): void => {
        this.listTokens().then(
          (tokens) => {
            const snapshot = JSON.stringify(tokens.map((token) => [token.serial, token.label, token.slotId, token.pinLocked, token.pinFinalTry]));
            this.lastPollError = undefined;
            if (snapshot === this.lastSnapshot) return;
            this.lastSnapshot = snapshot;
            for (const watcher of this.watchers) watcher(tokens);
          },
          (error: unknown) => {
            const code = error instanceof AppError ? error.code : 'INTERNAL_ERROR';
            if (code !== this.lastPollError) log.warn('token poll failed', { code });
            this.lastPollError = code;
          },
        );
      };
      poll();
      this.pollTimer = setInterval(poll, this.options.pollIntervalMs ?? 1000);
      this.pollTimer.unref();
    }
    return () => {
      this.watchers.delete(listener);
      if (this.watchers.size === 0 && this.pollTimer !== undefined) {
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
        this.lastSnapshot = '';
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    const running = this.running;
    if (running === undefined || running.exited) return;
    const exited = new Promise<void>((resolve) => running.handle.onExit(() => resolve()));
    await this.call('shutdown', {}, 5_000).catch(() => running.handle.kill());
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    if (!running.exited) running.handle.kill();
  }

  private start(): Running {
    this.generation += 1;
    const generation = this.generation;
    const handle = this.options.launch();
    const pending = new Map<number, Pending>();
    let markReady: () => void = () => undefined;
    let markFailed: (error: AppError) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    const running: Running = { handle, generation, ready, pending, exited: false };
    const startTimer = setTimeout(() => {
      markFailed(new AppError('TOKEN_SERVICE_FAILED', { reason: 'start timeout' }));
      handle.kill();
    }, this.options.startTimeoutMs ?? 20_000);
    handle.onMessage((message) => {
      if ('ready' in message) {
        clearTimeout(startTimer);
        markReady();
        return;
      }
      const waiting = pending.get(message.id);
      if (waiting === undefined) return;
      pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(AppError.fromData(message.error as ErrorData));
    });
    handle.onExit((code) => {
      clearTimeout(startTimer);
      running.exited = true;
      if (!this.closed) log.warn('token process exited', { code, generation });
      markFailed(new AppError('TOKEN_SERVICE_FAILED', { reason: 'exit', exitCode: code }));
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new AppError('TOKEN_SERVICE_FAILED', { reason: 'exit', exitCode: code, method: waiting.method }));
        pending.delete(id);
      }
      if (this.running === running) this.running = undefined;
    });
    // Configure first: the module search travels with the start, not with every call.
    const configured = ready.then(() => this.send(running, 'configure', this.options.modules ?? {}, this.options.callTimeoutMs ?? 15_000)).then(() => undefined);
    running.ready = configured;
    configured.catch((error: unknown) => {
      // A process that could not load its modules is dropped; calls in the next seconds get the
      // same answer without starting a process each time, then a new process tries again.
      if (error instanceof AppError && (error.code === 'MODULE_NOT_FOUND' || error.code === 'MODULE_LOAD_FAILED' || error.code === 'MODULE_UNTRUSTED')) {
        this.configurationFailure = { error, until: Date.now() + (this.options.configurationRetryMs ?? 15_000) };
      }
      if (this.running === running) this.running = undefined;
      if (!running.exited) handle.kill();
    });
    return running;
  }

  private send<M extends TokenRpcMethod>(running: Running, method: M, params: TokenRpcMethods[M]['params'], timeoutMs: number): Promise<TokenRpcMethods[M]['result']> {
    return new Promise((resolve, reject) => {
      const id = this.nextId;
      this.nextId += 1;
      const timer = setTimeout(() => {
        running.pending.delete(id);
        // A process that stops answering is treated as crashed: kill it, the next call restarts.
        log.warn('token process did not answer; restarting it', { method, timeoutMs });
        reject(new AppError('TOKEN_SERVICE_FAILED', { reason: 'timeout', method }));
        if (this.running === running) this.running = undefined;
        running.handle.kill();
      }, timeoutMs);
      running.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer, method });
      running.handle.send({ id, method, params });
    });
  }

  private async call<M extends TokenRpcMethod>(method: M, params: TokenRpcMethods[M]['params'], timeoutMs: number): Promise<TokenRpcMethods[M]['result']> {
    if (this.closed && method !== 'shutdown') throw new AppError('TOKEN_SERVICE_FAILED', { reason: 'closed' });
    if (this.configurationFailure !== undefined && Date.now() < this.configurationFailure.until) throw this.configurationFailure.error;
    if (this.running === undefined || this.running.exited) this.running = this.start();
    const running = this.running;
    await running.ready;
    return this.send(running, method, params, timeoutMs);
  }
}

class SupervisedSigner implements TokenSigner {
  readonly chain: readonly Uint8Array[] = [];
  constructor(
    private readonly supervisor: TokenSupervisor,
    private readonly generation: number,
    private readonly handle: number,
    readonly certificate: Uint8Array,
    readonly algorithm: Signer['algorithm'],
  ) {}

  sign(bytesToBeSigned: Uint8Array): Promise<Uint8Array> {
    return this.supervisor.signWith(this.generation, this.handle, bytesToBeSigned);
  }

  close(): Promise<void> {
    return this.supervisor.closeSigner(this.generation, this.handle);
  }
}

/**
 * The one API contract between the renderer and main.
 *
 * Every call the UI can make is declared here with a schema for its input; its output type lives in
 * `ApiOutputs`. Three thin adapters serve it: Electron IPC (preload ⇄ main), the browser-mode host
 * (HTTP + server-sent events on 127.0.0.1) and in-process calls in tests. Main validates every input
 * against the schema before a handler runs.
 */
import { z } from 'zod';
import type { Result } from './result';
import type { TokenCertificate, TokenDescription } from './tokens';
import type { VerificationReport } from './verification';

/** What the app tells about itself on the first screen and in support reports. */
export interface AppInfo {
  name: 'NedraDesk';
  version: string;
  /** Which shell serves the UI. */
  mode: 'electron' | 'browser';
  platform: string;
}

/** A file signed by `signatures:sign`. */
export interface SignedFileInfo {
  file: string;
  signaturePath: string;
  size: number;
  sha256: string;
}

const filePath = z.string().min(1).max(4096);

export const apiInputs = {
  'app:info': z.object({}).strict(),
  'tokens:list': z.object({}).strict(),
  'certificates:list': z.object({ token: z.string().max(64).optional() }).strict(),
  'signatures:sign': z
    .object({
      files: z.array(filePath).min(1).max(10_000),
      certificate: z.string().min(1).max(200),
      token: z.string().max(64).optional(),
      /** Crosses to the token process once and is wiped there after C_Login; never stored or logged. */
      pin: z.string().min(1).max(64),
      attached: z.boolean().optional(),
      pem: z.boolean().optional(),
      outDir: filePath.optional(),
      operationId: z.string().max(64).optional(),
    })
    .strict(),
  'signatures:verify': z
    .object({
      signaturePath: filePath,
      contentPath: filePath.optional(),
      trustAnchorPaths: z.array(filePath).max(100).optional(),
      crlPaths: z.array(filePath).max(100).optional(),
      requireRevocation: z.boolean().optional(),
      pdfReportPath: filePath.optional(),
      operationId: z.string().max(64).optional(),
    })
    .strict(),
} as const;

/** Output type of every call. */
export interface ApiOutputs {
  'app:info': AppInfo;
  'tokens:list': TokenDescription[];
  'certificates:list': TokenCertificate[];
  'signatures:sign': SignedFileInfo[];
  'signatures:verify': VerificationReport & { contentPath: string | undefined };
}

export type ApiMethod = keyof typeof apiInputs;
export type ApiInput<M extends ApiMethod> = z.infer<(typeof apiInputs)[M]>;
export type ApiOutput<M extends ApiMethod> = ApiOutputs[M];

/** All method names, in a stable order, for adapters that register one channel per call. */
export const apiMethodNames = Object.keys(apiInputs) as ApiMethod[];

/** Events main pushes to the UI. */
export interface ApiEvents {
  progress: { operationId: string; done: number; total: number; stage: string };
  /** The token list changed: a token was inserted or removed, or its PIN state changed. */
  'tokens:changed': { tokens: TokenDescription[] };
}
export type ApiEventName = keyof ApiEvents;
export const apiEventNames: ApiEventName[] = ['progress', 'tokens:changed'];

/** Implementation of the contract on the main side: one async handler per call. */
export type ApiHandlers = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutput<M>> };

/** What the preload (or the browser-mode client) exposes to the renderer: one method per call. */
export interface NedraDeskBridge {
  methods: { [M in ApiMethod]: (input: ApiInput<M>) => Promise<Result<ApiOutput<M>>> };
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** IPC channel name of a call. */
export function ipcChannelOf(method: ApiMethod): string {
  return `api:${method}`;
}

/** IPC channel name of an event. */
export function ipcEventChannelOf(event: ApiEventName): string {
  return `event:${event}`;
}

/** Whether a string names a call of the contract. */
export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputs, name);
}

/**
 * What the integration tests of the app's services share: a SoftHSM token holding the identities a
 * test names, with the app's own token service over it, and calls to the API as the shells make
 * them (input validated by the contract's schema, errors back as AppError). Each test still says
 * itself which people the token holds and how its app services and stand are set up.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { AppServices } from '../../src/main/services/app-services';
import { LocalTokenService } from '../../src/main/token/token-service';
import type { ApiMethod, ApiOutput } from '../../src/shared/api';
import { AppError } from '../../src/shared/errors';
import type { TestIdentity } from '../fixtures/pki';
import { TokenFactory } from '../fixtures/softhsm';

/** Calls the API as the shells do (input validated by the contract's schema); errors come back as AppError. */
export async function call<M extends ApiMethod>(services: AppServices, method: M, input: unknown): Promise<ApiOutput<M>> {
  const result = await services.dispatch(method, input);
  if (!result.ok) throw AppError.fromData(result.error);
  return result.value as ApiOutput<M>;
}

/**
 * Stages a file as the UI does — its bytes through `files:stage` — and gives the handle back: the
 * API takes no paths (main owns them), so every file a test hands to the app goes this way.
 */
export async function stage(services: AppServices, file: string, name: string = path.basename(file)): Promise<string> {
  return (await call(services, 'files:stage', { name, contentBase64: readFileSync(file).toString('base64') })).fileId;
}

/** The bytes of a file main gave a handle for, read as the UI reads it (`files:read`). */
export async function readBack(services: AppServices, fileId: string): Promise<Buffer> {
  return Buffer.from((await call(services, 'files:read', { fileId })).contentBase64, 'base64');
}

/**
 * Logs in by signature as the login page does: main prepares the statement (which the page shows),
 * then signs exactly that statement, named by its challenge id.
 */
export async function loginWithSignature(services: AppServices, input: { certificate: string; pin: string; token?: string }): Promise<ApiOutput<'cabinet:login-signature'>> {
  const { challengeId } = await call(services, 'cabinet:login-statement', {});
  return call(services, 'cabinet:login-signature', { ...input, challengeId });
}

/** The AppError a call fails with (the test fails if it succeeds or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Polls `probe` every 100 ms until it gives a value other than undefined; throws after `timeoutMs`. */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A key pair with its certificate, or a certificate alone, on the token under a CKA_ID and a label. */
export interface TokenObject {
  identity: TestIdentity;
  idHex: string;
  label: string;
}

export interface TokenContents {
  label: string;
  pin: string;
  /** Imported with their private keys, in this order. */
  identities: TokenObject[];
  /** Imported as certificates only (a CA's, so signatures carry the chain), after the identities. */
  certificates?: TokenObject[];
}

export interface MadeToken {
  factory: TokenFactory;
  /** The app's token service over the SoftHSM module; the test closes it. */
  tokens: LocalTokenService;
  /** Path of the SoftHSM PKCS#11 module. */
  module: string;
}

/**
 * A throw-away SoftHSM with one token of the given contents (none given: no token at all), pointed
 * to by SOFTHSM2_CONF, and a LocalTokenService over its module.
 */
export async function makeToken(contents?: TokenContents): Promise<MadeToken> {
  const factory = await TokenFactory.create();
  if (contents !== undefined) {
    await factory.createToken({ label: contents.label, userPin: contents.pin });
    for (const { identity, idHex, label } of contents.identities) await factory.importIdentity(contents.label, contents.pin, identity, { idHex, label });
    for (const { identity, idHex, label } of contents.certificates ?? []) await factory.importCertificateOnly(contents.label, contents.pin, identity, { idHex, label });
  }
  process.env.SOFTHSM2_CONF = factory.confPath;
  const tokens = LocalTokenService.open({ explicit: factory.module });
  return { factory, tokens, module: factory.module };
}

/** Checks that no file of a data folder holds an access token (a JWT starts with eyJ, the base64 of '{"') or the PIN. */
export function expectNoSecretsIn(dataDir: string, pin: string): void {
  for (const name of readdirSync(dataDir)) {
    const file = path.join(dataDir, name);
    if (!statSync(file).isFile()) continue;
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from('eyJ')), name).toBe(false);
    expect(bytes.includes(Buffer.from(pin)), name).toBe(false);
  }
}

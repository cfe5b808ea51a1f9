/**
 * Threat: the PIN outlives the login in memory — in a buffer nobody zeroes, or as a copy in Node's
 * shared 8 KiB buffer pool — where a crash dump, a swapped-out page or a memory-reading bug finds it.
 * The buffer handed to login is all zeros afterwards on success, on a wrong PIN and on an exception,
 * and the login leaves no copy of the PIN in the pool. With a real SoftHSM token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecret } from '../../src/main/cli/secret-input';
import { Pkcs11Library } from '../../src/main/token/pkcs11-library';
import { pinBytes } from '../../src/main/token/pin-bytes';
import { LocalTokenService } from '../../src/main/token/token-service';
import type { TokenSupervisor } from '../../src/main/token/token-supervisor';
import { AppError } from '../../src/shared/errors';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { TokenFactory } from '../fixtures/softhsm';
import { sourceTokenSupervisor } from '../support/token-process';

// Long and distinctive, so that finding them in memory cannot be a coincidence.
const userPin = '73591482640317';
const wrongPin = '58204619375028';

let pki: TestPki;
let factory: TokenFactory;
let library: Pkcs11Library;
let slotId: string;
let supervisor: TokenSupervisor;

/** The PIN in a zero-filled buffer of its own, as the CLI and the token process hold it. */
function pinBuffer(text: string): Buffer {
  const buffer = Buffer.alloc(text.length);
  buffer.write(text, 'latin1');
  return buffer;
}

const allZero = (bytes: Uint8Array): boolean => bytes.length > 0 && bytes.every((byte) => byte === 0);

beforeAll(async () => {
  pki = await loadTestPki();
  factory = await TokenFactory.create();
  await factory.createToken({ label: 'Главбух', userPin });
  await factory.importIdentity('Главбух', userPin, pki.rsaSigner, { idHex: '01', label: 'RSA' });
  process.env.SOFTHSM2_CONF = factory.confPath;
  library = Pkcs11Library.load(factory.module);
  const token = library.tokens().find((candidate) => candidate.label === 'Главбух');
  if (token === undefined) throw new Error('SoftHSM token missing');
  slotId = token.slotId;
  supervisor = sourceTokenSupervisor(factory.confPath, factory.module, { callTimeoutMs: 15_000, signTimeoutMs: 30_000 });
});

afterAll(async () => {
  await library?.close();
  await supervisor?.close();
});

async function errorOf(action: () => unknown): Promise<AppError> {
  const error = await Promise.resolve().then(action).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('the PIN buffer after C_Login', () => {
  it('is all zeros after a successful login', async () => {
    const pin = pinBuffer(userPin);
    const session = library.openKeySession({ slotId, idHex: '01', pin }, pki.rsaSigner.certDer);
    try {
      expect(allZero(pin)).toBe(true);
    } finally {
      // Logged out with the last session (PKCS#11 §5.6), so the next test's wrong PIN is really tried.
      await session.close();
    }
  });

  it('is all zeros after a wrong PIN', async () => {
    const pin = pinBuffer(wrongPin);
    expect((await errorOf(() => library.openKeySession({ slotId, idHex: '01', pin }, pki.rsaSigner.certDer))).code).toBe('PIN_INCORRECT');
    expect(allZero(pin)).toBe(true);
  });

  it('is all zeros when the call fails after the login (no such key) and before it (no such slot)', async () => {
    const afterLogin = pinBuffer(userPin);
    expect((await errorOf(() => library.openKeySession({ slotId, idHex: 'ee', pin: afterLogin }, pki.rsaSigner.certDer))).code).toBe('CERT_NO_PRIVATE_KEY');
    expect(allZero(afterLogin)).toBe(true);
    const beforeLogin = pinBuffer(userPin);
    await errorOf(() => library.openKeySession({ slotId: '7fffff00', idHex: '01', pin: beforeLogin }, pki.rsaSigner.certDer));
    expect(allZero(beforeLogin)).toBe(true);
  });

  it("leaves no copy of the PIN in Node's shared buffer pool", async () => {
    // Start a fresh pool (three blocks of just under half the pool size always do) and zero it, so
    // whatever holds the PIN afterwards was put there by the login.
    for (let block = 0; block < 3; block += 1) Buffer.allocUnsafe((Buffer.poolSize >>> 1) - 8);
    const poolBefore = Buffer.allocUnsafe(1).buffer;
    new Uint8Array(poolBefore).fill(0);
    const needle = pinBuffer(userPin);
    const pin = pinBuffer(userPin);
    const session = library.openKeySession({ slotId, idHex: '01', pin }, pki.rsaSigner.certDer);
    const poolAfter = Buffer.allocUnsafe(1).buffer;
    try {
      for (const pool of new Set([poolBefore, poolAfter])) expect(Buffer.from(pool).indexOf(needle)).toBe(-1);
    } finally {
      await session.close();
    }
  });

  it('is all zeros after LocalTokenService.openSigner, on success and on a wrong PIN', async () => {
    const service = LocalTokenService.open({ explicit: factory.module });
    try {
      const pin = pinBuffer(userPin);
      const signer = await service.openSigner({ certificate: 'id:01', pin });
      expect(allZero(pin)).toBe(true);
      await signer.close();
      const wrong = pinBuffer(wrongPin);
      expect((await errorOf(() => service.openSigner({ certificate: 'id:01', pin: wrong }))).code).toBe('PIN_INCORRECT');
      expect(allZero(wrong)).toBe(true);
    } finally {
      await service.close();
    }
  });

  it('is all zeros after the supervised token process logged in, on success and on a wrong PIN', async () => {
    const pin = pinBytes(userPin);
    const signer = await supervisor.openSigner({ certificate: 'id:01', pin });
    expect(allZero(pin)).toBe(true);
    await signer.close();
    const wrong = pinBytes(wrongPin);
    expect((await errorOf(() => supervisor.openSigner({ certificate: 'id:01', pin: wrong }))).code).toBe('PIN_INCORRECT');
    expect(allZero(wrong)).toBe(true);
  });
});

describe('where the PIN comes from', () => {
  it('gives the API and the CLI (--pin-env) a buffer of their own, never a slice of the shared pool', async () => {
    const fromApi = pinBytes(userPin);
    expect(fromApi.buffer.byteLength).toBe(fromApi.byteLength);
    process.env.NEDRADESK_TEST_PIN = userPin;
    try {
      const fromEnvironment = await readSecret({ env: 'NEDRADESK_TEST_PIN' }, 'PIN-код токена: ');
      expect(fromEnvironment.toString('latin1')).toBe(userPin);
      expect(fromEnvironment.buffer.byteLength).toBe(fromEnvironment.byteLength);
    } finally {
      delete process.env.NEDRADESK_TEST_PIN;
    }
  });
});

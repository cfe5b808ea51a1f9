/**
 * One PKCS#11 library driven through pkcs11js, as the design asks: loaded once, initialised with
 * CKF_OS_LOCKING_OK (the library may be called from libuv's worker threads by the Async calls),
 * CKR_CRYPTOKI_ALREADY_INITIALIZED tolerated, finalised on close; signing through C_SignAsync so
 * a slow token never blocks the event loop; one operation per session at a time (a queue per
 * key session); no C_WaitForSlotEvent (callers poll the slot list).
 */
import pkcs11js from 'pkcs11js';
import { AppError } from '../../shared/errors';
import type { TokenCertificate, TokenDescription } from '../../shared/tokens';
import { pkcs11Mechanisms, pssParameters, signatureAlgorithms, type SignatureAlgorithm, type SignatureAlgorithmId } from '../core/crypto/algorithms';
import { digestInfo, digestOf, encodeSignatureValue } from '../core/crypto/signature-value';
import { certificateStatus, summarizeCertificate } from '../core/crypto/x509';
import { ckr, ckrOf, toTokenError } from './pkcs11-errors';
import {
  CKK_GOSTR3410_512,
  CKM_GOSTR3410,
  CKM_GOSTR3410_512,
  CKM_GOSTR3410_WITH_GOSTR3411_12_256,
  CKM_GOSTR3410_WITH_GOSTR3411_12_512,
  isGostKeyType,
} from '../core/crypto/pkcs11-gost';

type Handle = Buffer;

/** Decodes PIN bytes (UTF-8, as PKCS#11 v2.40 §5.6 takes CK_UTF8CHAR) without an intermediate Buffer. */
const pinDecoder = new TextDecoder('utf-8');

/** Largest signature any supported key produces (RSA-4096 = 512 bytes), with room to spare. */
const signatureBufferSize = 1024;
/** Below this average (software tokens), a signature is cheaper to wait for than to hand to the thread pool; hardware tokens take 50-500 ms and stay async. */
const quickSignMs = 5;

/** What a key session is asked to produce. */
export interface KeySessionRequest {
  slotId: string;
  idHex: string;
  /** PIN bytes; zeroed before `openKeySession` returns or throws, whatever happened. */
  pin: Uint8Array;
  /** For RSA keys: PKCS#1 v1.5 (default) or PSS. EC keys always use ECDSA. */
  rsaPadding?: 'pkcs1' | 'pss';
  /** Sessions to sign in parallel (batches); more than the token allows are not opened. */
  sessions?: number;
}

/** Whether the token's output needs a local digest first, and which mechanism to call. */
interface MechanismPlan {
  algorithm: SignatureAlgorithm;
  mechanism: pkcs11js.Mechanism;
  /** What the token is given: the data itself, its digest (Streebog for GOST keys), or a DigestInfo over it. */
  input: 'data' | 'digest' | 'digest-info';
}

/** One PKCS#11 session and the queue of operations waiting for it. */
interface Lane {
  session: Handle;
  queue: Promise<unknown>;
  pending: number;
}

/**
 * Logged-in sessions bound to one private key. Operations on one session never overlap (PKCS#11
 * §5.2: one active operation per session); a batch may open several sessions — they share the
 * login (PKCS#11 §5.6) — so that a multi-threaded token signs on several cores at once.
 */
export class KeySession {
  readonly certificate: Uint8Array;
  readonly algorithm: SignatureAlgorithm;
  private readonly lanes: Lane[];
  private closed = false;
  /**
   * Moving average of a signature's duration. Starts high, so the first calls go through
   * C_SignAsync (libuv's pool: a slow token or a PIN pad never blocks the event loop); with a
   * single session, a token that answers within a few milliseconds (software tokens) is then
   * called synchronously, because the hop to the pool would cost more than the signature itself.
   */
  private averageSignMs = Number.POSITIVE_INFINITY;
  private readonly output = Buffer.alloc(signatureBufferSize);

  constructor(
    private readonly library: Pkcs11Library,
    sessions: readonly Handle[],
    private readonly key: Handle,
    private readonly plan: MechanismPlan,
    certificate: Uint8Array,
  ) {
    this.certificate = certificate;
    this.algorithm = plan.algorithm;
    this.lanes = sessions.map((session) => ({ session, queue: Promise.resolve(), pending: 0 }));
  }

  /** Number of sessions signing in parallel. */
  get parallelism(): number {
    return this.lanes.length;
  }

  /** Signs `data`; calls are spread over the sessions and serialised within each. */
  sign(data: Uint8Array): Promise<Uint8Array> {
    const lane = this.lanes.reduce((best, candidate) => (candidate.pending < best.pending ? candidate : best));
    if (lane.pending === 0 && this.lanes.length === 1 && this.averageSignMs < quickSignMs && !this.closed) {
      // Fast path for a quick token with nothing queued: no promise chain around a synchronous call.
      try {
        return Promise.resolve(this.signNow(lane, this.tokenInput(data)));
      } catch (error) {
        return Promise.reject(this.tokenError(error));
      }
    }
    const run = async (): Promise<Uint8Array> => {
      if (this.closed) throw new AppError('SESSION_CLOSED');
      const input = this.tokenInput(data);
      try {
        this.library.api.C_SignInit(lane.session, this.plan.mechanism, this.key);
        const started = performance.now();
        const raw =
          this.lanes.length === 1 && this.averageSignMs < quickSignMs
            ? this.library.api.C_Sign(lane.session, Buffer.from(input), this.output)
            : await this.library.api.C_SignAsync(lane.session, Buffer.from(input), Buffer.alloc(signatureBufferSize));
        const elapsed = performance.now() - started;
        this.averageSignMs = Number.isFinite(this.averageSignMs) ? 0.8 * this.averageSignMs + 0.2 * elapsed : elapsed;
        return encodeSignatureValue(this.algorithm, new Uint8Array(raw));
      } catch (error) {
        throw this.tokenError(error);
      } finally {
        lane.pending -= 1;
      }
    };
    lane.pending += 1;
    const result = lane.queue.then(run, run);
    lane.queue = result.catch(() => undefined);
    return result;
  }

  /** A signing failure as the user's error; a token gone marks the module for re-initialisation. */
  private tokenError(error: unknown): AppError {
    const mapped = toTokenError(error, 'C_Sign');
    this.library.noteTokenError(mapped);
    return mapped;
  }

  /** Marks the session closed without calling the module: its initialisation is being replaced. */
  abandon(): void {
    this.closed = true;
  }

  /** What the token is given for `data`: the data, its digest, or a DigestInfo. */
  private tokenInput(data: Uint8Array): Uint8Array {
    if (this.plan.input === 'data') return data;
    const digest = digestOf(this.algorithm.digest, data);
    return this.plan.input === 'digest' ? digest : digestInfo(this.algorithm.digest, digest);
  }

  /** One synchronous signature on an idle session. */
  private signNow(lane: Lane, input: Uint8Array): Uint8Array {
    this.library.api.C_SignInit(lane.session, this.plan.mechanism, this.key);
    const started = performance.now();
    const raw = this.library.api.C_Sign(lane.session, Buffer.from(input.buffer, input.byteOffset, input.byteLength), this.output);
    this.averageSignMs = 0.8 * this.averageSignMs + 0.2 * (performance.now() - started);
    return encodeSignatureValue(this.algorithm, new Uint8Array(raw));
  }

  /** Closes the sessions; the token logs out when its last session closes (PKCS#11 §5.6). */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(this.lanes.map((lane) => lane.queue));
    this.closed = true;
    this.library.forget(this);
    for (const lane of this.lanes) {
      try {
        this.library.api.C_CloseSession(lane.session);
      } catch {
        // The token may be gone already; the session is dead either way.
      }
    }
  }
}

/** A loaded and initialised PKCS#11 library. */
export class Pkcs11Library {
  readonly path: string;
  readonly api: pkcs11js.PKCS11;
  private readonly sessions = new Set<KeySession>();
  private finalized = false;
  /**
   * Set when a token went away (an empty slot list, a slot whose token cannot be read,
   * CKR_DEVICE_REMOVED / CKR_TOKEN_NOT_PRESENT): many modules, SoftHSM among them, build their
   * slot table in C_Initialize and never see a token that comes back, so the next listing
   * finalises and initialises the module again (PKCS#11 v2.40 §5.4).
   */
  private stale = false;

  private constructor(path: string, api: pkcs11js.PKCS11) {
    this.path = path;
    this.api = api;
  }

  /** Loads and initialises a library; a file that is not one gives MODULE_LOAD_FAILED with the system's reason. */
  static load(path: string): Pkcs11Library {
    const api = new pkcs11js.PKCS11();
    try {
      api.load(path);
    } catch (error) {
      throw new AppError('MODULE_LOAD_FAILED', { path, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
    try {
      api.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (error) {
      if (ckrOf(error) !== ckr.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        const mapped = toTokenError(error, 'C_Initialize');
        throw new AppError('MODULE_LOAD_FAILED', { path, reason: mapped.details?.ckr ?? mapped.message }, { cause: error });
      }
    }
    return new Pkcs11Library(path, api);
  }

  /** Tokens present now; after a token went away, the module is initialised afresh first. */
  tokens(): TokenDescription[] {
    if (this.stale) {
      try {
        this.reinitialize();
      } catch {
        // A module that cannot start without its device (SoftHSM without its token folder)
        // has no token to offer: nothing is present, and the next listing tries again.
        return [];
      }
    }
    const slots = this.call('C_GetSlotList', () => this.api.C_GetSlotList(true));
    const tokens: TokenDescription[] = [];
    let unreadable = false;
    for (const slot of slots) {
      let info: pkcs11js.TokenInfo;
      try {
        info = this.api.C_GetTokenInfo(slot);
      } catch {
        unreadable = true;
        continue; // removed between the two calls
      }
      const flags = info.flags;
      if (!(flags & pkcs11js.CKF_TOKEN_INITIALIZED)) continue;
      tokens.push({
        slotId: slot.toString('hex'),
        label: info.label.trim(),
        serial: info.serialNumber.trim(),
        manufacturer: info.manufacturerID.trim(),
        model: info.model.trim(),
        module: this.path,
        loginRequired: (flags & pkcs11js.CKF_LOGIN_REQUIRED) !== 0,
        pinPad: (flags & pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0,
        pinCountLow: (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) !== 0,
        pinFinalTry: (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) !== 0,
        pinLocked: (flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0,
        pinToBeChanged: (flags & pkcs11js.CKF_USER_PIN_TO_BE_CHANGED) !== 0,
        initialized: true,
      });
    }
    // Nothing present, or a token that can no longer be read while nobody signs: look afresh next time.
    if (tokens.length === 0 || (unreadable && this.sessions.size === 0)) this.stale = true;
    return tokens;
  }

  /** Marks the module for a fresh C_Initialize when a call says the token is gone. */
  noteTokenError(error: AppError): void {
    if (error.code === 'TOKEN_REMOVED' || error.code === 'TOKEN_NOT_PRESENT') this.stale = true;
  }

  /** C_Finalize then C_Initialize: key sessions of the old initialisation are closed for good. */
  private reinitialize(): void {
    this.stale = false;
    for (const session of [...this.sessions]) session.abandon();
    this.sessions.clear();
    try {
      this.api.C_Finalize();
    } catch {
      // Not initialised or the device is gone: initialising again is what matters.
    }
    try {
      this.api.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (error) {
      if (ckrOf(error) !== ckr.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        this.stale = true;
        throw toTokenError(error, 'C_Initialize');
      }
    }
  }

  /** Every X.509 certificate on the token in `slotId`, paired with its key by CKA_ID. */
  certificates(token: TokenDescription, now: Date = new Date()): TokenCertificate[] {
    const slot = Buffer.from(token.slotId, 'hex');
    const session = this.call('C_OpenSession', () => this.api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION));
    try {
      const certificates = this.findObjects(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      ]);
      // Private keys are usually private objects, invisible before login; vendors create a public
      // key object with the same CKA_ID, so either one marks the pair. Signing confirms it.
      const keyIds = new Set<string>();
      for (const keyClass of [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_PUBLIC_KEY]) {
        for (const handle of this.findObjects(session, [{ type: pkcs11js.CKA_CLASS, value: keyClass }])) {
          keyIds.add(this.attribute(session, handle, pkcs11js.CKA_ID).toString('hex'));
        }
      }
      const found: TokenCertificate[] = [];
      for (const handle of certificates) {
        const der = this.attribute(session, handle, pkcs11js.CKA_VALUE);
        const idHex = this.attribute(session, handle, pkcs11js.CKA_ID).toString('hex');
        const label = this.attribute(session, handle, pkcs11js.CKA_LABEL).toString('utf8');
        let summary;
        try {
          summary = summarizeCertificate(der, now);
        } catch {
          continue; // not a parseable X.509 certificate: nothing a person could use
        }
        const hasPrivateKey = keyIds.has(idHex);
        found.push({
          tokenSerial: token.serial,
          tokenLabel: token.label,
          idHex,
          label,
          hasPrivateKey,
          status: certificateStatus(summary, hasPrivateKey, now),
          summary,
          derBase64: der.toString('base64'),
        });
      }
      return found;
    } finally {
      this.closeQuietly(session);
    }
  }

  /** Logs in with the PIN and binds a session to the private key with `idHex`; the PIN bytes are zeroed in every case. */
  openKeySession(request: KeySessionRequest, certificate: Uint8Array): KeySession {
    try {
      return this.openKeySessionWithPin(request, certificate);
    } finally {
      request.pin.fill(0);
    }
  }

  private openKeySessionWithPin(request: KeySessionRequest, certificate: Uint8Array): KeySession {
    const slot = Buffer.from(request.slotId, 'hex');
    const session = this.call('C_OpenSession', () => this.api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION));
    try {
      this.login(slot, session, request.pin);
      const keys = this.findObjects(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(request.idHex, 'hex') },
      ]);
      const key = keys[0];
      if (key === undefined) throw new AppError('CERT_NO_PRIVATE_KEY', { idHex: request.idHex });
      // CK_ULONG in host byte order; key types are small numbers, so the low 32 bits suffice.
      const keyTypeBytes = this.attribute(session, key, pkcs11js.CKA_KEY_TYPE);
      const keyType = keyTypeBytes.length >= 4 ? keyTypeBytes.readUInt32LE(0) : -1;
      const mechanisms = new Set(this.call('C_GetMechanismList', () => this.api.C_GetMechanismList(slot)));
      const plan = planMechanism(keyType, request.rsaPadding ?? 'pkcs1', mechanisms);
      const sessions = [session];
      for (let extra = 1; extra < (request.sessions ?? 1); extra += 1) {
        try {
          sessions.push(this.api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION));
        } catch {
          break; // CKR_SESSION_COUNT: the token allows fewer; sign with what is open
        }
      }
      const keySession = new KeySession(this, sessions, key, plan, certificate);
      this.sessions.add(keySession);
      return keySession;
    } catch (error) {
      this.closeQuietly(session);
      throw toTokenError(error, 'open key session');
    }
  }

  /** Called by a key session when it closes. */
  forget(session: KeySession): void {
    this.sessions.delete(session);
  }

  /** Closes every session and finalises the library. */
  async close(): Promise<void> {
    if (this.finalized) return;
    for (const session of [...this.sessions]) await session.close();
    this.finalized = true;
    try {
      this.api.C_Finalize();
    } catch {
      // Finalising a library whose token vanished may fail; the process is leaving anyway.
    }
  }

  private login(slot: Handle, session: Handle, pin: Uint8Array): void {
    try {
      // pkcs11js takes the PIN only as a string (its C_Login reads a JS string), so one short-lived
      // string is unavoidable; it is decoded straight from the caller's bytes. Buffer.from(pin) would
      // leave a copy in Node's shared buffer pool that nothing ever zeroes.
      this.api.C_Login(session, pkcs11js.CKU_USER, pinDecoder.decode(pin));
    } catch (error) {
      const code = ckrOf(error);
      if (code === ckr.CKR_USER_ALREADY_LOGGED_IN) return;
      const mapped = toTokenError(error, 'C_Login');
      if (mapped.code !== 'PIN_INCORRECT') throw mapped;
      let flags = 0;
      try {
        flags = this.api.C_GetTokenInfo(slot).flags;
      } catch {
        // token gone right after a wrong PIN: report the wrong PIN anyway
      }
      if (flags & pkcs11js.CKF_USER_PIN_LOCKED) throw new AppError('PIN_LOCKED', { operation: 'C_Login' }, { cause: error });
      const finalTry = (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) !== 0;
      throw new AppError(
        'PIN_INCORRECT',
        { operation: 'C_Login', finalTry, countLow: (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) !== 0 },
        finalTry ? { cause: error, message: 'Неверный PIN-код. Осталась последняя попытка: после ещё одной ошибки токен будет заблокирован.' } : { cause: error },
      );
    } finally {
      // After C_Login, whatever it answered (PKCS#11 v2.40 §5.6): the token holds the login now.
      pin.fill(0);
    }
  }

  private findObjects(session: Handle, template: pkcs11js.Template): Handle[] {
    return this.call('C_FindObjects', () => {
      this.api.C_FindObjectsInit(session, template);
      try {
        const handles: Handle[] = [];
        for (;;) {
          const batch = this.api.C_FindObjects(session, 64);
          handles.push(...batch);
          if (batch.length < 64) return handles;
        }
      } finally {
        this.api.C_FindObjectsFinal(session);
      }
    });
  }

  private attribute(session: Handle, handle: Handle, type: number): Buffer {
    const [attribute] = this.call('C_GetAttributeValue', () => this.api.C_GetAttributeValue(session, handle, [{ type }]));
    const value = attribute?.value;
    return Buffer.isBuffer(value) ? value : Buffer.alloc(0);
  }

  private call<T>(operation: string, body: () => T): T {
    if (this.finalized) throw new AppError('TOKEN_SERVICE_FAILED', { operation, reason: 'library finalised' });
    try {
      return body();
    } catch (error) {
      const mapped = toTokenError(error, operation);
      this.noteTokenError(mapped);
      throw mapped;
    }
  }

  private closeQuietly(session: Handle): void {
    try {
      this.api.C_CloseSession(session);
    } catch {
      // already closed or token removed
    }
  }
}

/**
 * Picks the algorithm row and mechanism from the key type and what the token offers
 * (C_GetMechanismList): hashing mechanisms when present, otherwise a local digest.
 */
export function planMechanism(keyType: number, rsaPadding: 'pkcs1' | 'pss', offered: ReadonlySet<number>): MechanismPlan {
  const unsupported = (algorithmId: SignatureAlgorithmId): AppError => new AppError('MECHANISM_NOT_SUPPORTED', { algorithm: algorithmId, keyType });
  if (isGostKeyType(keyType)) {
    // GOST R 34.10-2012 as Рутокен and JaCarta are used: Streebog of the key's size in software,
    // then the raw mechanism (PKCS#11 v2.40 CKM_GOSTR3410 for 256-bit keys, TC26's CKM_GOSTR3410_512
    // for 512-bit ones); the hashing mechanism only where the token lists it and raw is absent.
    // The token's value is s‖r with big-endian halves, the CMS value as is (RFC 9215 §5): checked on
    // SoftHSM-GOST against gost3410 and openssl (test/integration/token/gost-token.test.ts).
    const is512 = keyType === CKK_GOSTR3410_512;
    const algorithm = signatureAlgorithms[is512 ? 'gost2012-512' : 'gost2012-256'];
    const raw = is512 ? CKM_GOSTR3410_512 : CKM_GOSTR3410;
    const hashing = is512 ? CKM_GOSTR3410_WITH_GOSTR3411_12_512 : CKM_GOSTR3410_WITH_GOSTR3411_12_256;
    if (offered.has(raw)) return { algorithm, mechanism: { mechanism: raw }, input: 'digest' };
    if (offered.has(hashing)) return { algorithm, mechanism: { mechanism: hashing }, input: 'data' };
    throw unsupported(algorithm.id);
  }
  if (keyType === pkcs11js.CKK_EC) {
    const algorithm = signatureAlgorithms['ecdsa-sha256'];
    if (!offered.has(pkcs11Mechanisms.CKM_ECDSA)) throw unsupported(algorithm.id);
    return { algorithm, mechanism: { mechanism: pkcs11Mechanisms.CKM_ECDSA }, input: 'digest' };
  }
  if (keyType !== pkcs11js.CKK_RSA) throw new AppError('MECHANISM_NOT_SUPPORTED', { keyType });
  if (rsaPadding === 'pss') {
    const algorithm = signatureAlgorithms['rsa-pss-sha256'];
    if (!offered.has(pkcs11Mechanisms.CKM_SHA256_RSA_PKCS_PSS)) throw unsupported(algorithm.id);
    const parameter: pkcs11js.RsaPSS = {
      type: pkcs11js.CK_PARAMS_RSA_PSS,
      hashAlg: pkcs11Mechanisms.CKM_SHA256,
      mgf: pkcs11Mechanisms.CKG_MGF1_SHA256,
      saltLen: pssParameters.saltLength,
    };
    return { algorithm, mechanism: { mechanism: pkcs11Mechanisms.CKM_SHA256_RSA_PKCS_PSS, parameter }, input: 'data' };
  }
  const algorithm = signatureAlgorithms['rsa-pkcs1-sha256'];
  if (offered.has(pkcs11Mechanisms.CKM_SHA256_RSA_PKCS)) return { algorithm, mechanism: { mechanism: pkcs11Mechanisms.CKM_SHA256_RSA_PKCS }, input: 'data' };
  if (offered.has(pkcs11Mechanisms.CKM_RSA_PKCS)) return { algorithm, mechanism: { mechanism: pkcs11Mechanisms.CKM_RSA_PKCS }, input: 'digest-info' };
  throw unsupported(algorithm.id);
}

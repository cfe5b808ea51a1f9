/**
 * Token bench: signatures per second through NedraDesk's Signer (in-process and through the
 * supervised token process) against raw pkcs11js calls on the same SoftHSM token in the same run.
 * Target (issue 3): the in-process Signer keeps at least 90% of the raw rate.
 * Run: `npm run bench -- token` (writes bench/results/token.json).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { digestInfo } from '../src/main/core/crypto/signature-value';
import { LocalTokenService } from '../src/main/token/token-service';
import { loadTestPki } from '../test/fixtures/pki';
import { TokenFactory } from '../test/fixtures/softhsm';
import { sourceTokenSupervisor } from '../test/support/token-process';

const pin = '112233';
const durationMs = Number(process.env.NEDRADESK_BENCH_SECONDS ?? '2') * 1000;
// What CAdES signs: the DER signed attributes, about 200 bytes.
const payload = Buffer.alloc(210, 0x31);

async function rate(label: string, body: () => Promise<unknown> | unknown): Promise<number> {
  for (let warm = 0; warm < 20; warm += 1) await body();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    await body();
    count += 1;
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  process.stdout.write(`${label.padEnd(48)} ${perSecond.toFixed(0).padStart(7)} /s\n`);
  return perSecond;
}

interface RawToken {
  signRsa(): Buffer;
  signEc(): Buffer;
  close(): void;
}

function openRaw(module: string): RawToken {
  const api = new pkcs11js.PKCS11();
  api.load(module);
  try {
    api.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    if ((error as { code?: number }).code !== 0x191) throw error; // CKR_CRYPTOKI_ALREADY_INITIALIZED
  }
  const slot = api.C_GetSlotList(true).find((candidate) => api.C_GetTokenInfo(candidate).label.trim() === 'Бенчмарк');
  if (slot === undefined) throw new Error('bench token missing');
  const session = api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  api.C_Login(session, pkcs11js.CKU_USER, pin);
  const keyWithId = (idHex: string): Buffer => {
    api.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: Buffer.from(idHex, 'hex') },
    ]);
    const [key] = api.C_FindObjects(session, 1);
    api.C_FindObjectsFinal(session);
    if (key === undefined) throw new Error(`no key ${idHex}`);
    return key;
  };
  const rsaKey = keyWithId('01');
  const ecKey = keyWithId('02');
  const output = Buffer.alloc(1024);
  const hasSha256Rsa = api.C_GetMechanismList(slot).includes(pkcs11js.CKM_SHA256_RSA_PKCS);
  // The raw baseline does the least work possible: the token hashes (RSA), or a digest is given (ECDSA).
  return {
    signRsa: () => {
      if (hasSha256Rsa) api.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, rsaKey);
      else api.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, rsaKey);
      return api.C_Sign(session, hasSha256Rsa ? payload : Buffer.from(digestInfo('sha256', createHash('sha256').update(payload).digest())), output);
    },
    signEc: () => {
      api.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, ecKey);
      return api.C_Sign(session, createHash('sha256').update(payload).digest(), output);
    },
    close: () => {
      api.C_Logout(session);
      api.C_CloseSession(session);
    },
  };
}

/** Best of several interleaved rounds: the machine's noise hits both sides alike. */
async function interleaved(rounds: number, cases: Array<[string, () => Promise<unknown> | unknown]>): Promise<number[]> {
  const best = cases.map(() => 0);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, [label, body]] of cases.entries()) best[index] = Math.max(best[index] ?? 0, await rate(`${label} (round ${round + 1})`, body));
  }
  return best;
}

async function main(): Promise<void> {
  const pki = await loadTestPki();
  const factory = await TokenFactory.create();
  await factory.createToken({ label: 'Бенчмарк', userPin: pin });
  await factory.importIdentity('Бенчмарк', pin, pki.rsaSigner, { idHex: '01', label: 'RSA' });
  await factory.importIdentity('Бенчмарк', pin, pki.ecSigner, { idHex: '02', label: 'EC' });
  process.env.SOFTHSM2_CONF = factory.confPath;

  // One library instance serves both the raw calls and the Signer (pkcs11js tolerates the second
  // C_Initialize of the same module; NedraDesk's service ignores CKR_CRYPTOKI_ALREADY_INITIALIZED).
  const service = LocalTokenService.open({ explicit: factory.module });
  const rawToken = openRaw(factory.module);
  const rsaSigner = await service.openSigner({ certificate: 'id:01', pin: Buffer.from(pin) });
  const ecSigner = await service.openSigner({ certificate: 'id:02', pin: Buffer.from(pin) });
  const rounds = Number(process.env.NEDRADESK_BENCH_ROUNDS ?? '5');
  const [rawRsa = 0, signerRsa = 0] = await interleaved(rounds, [
    ['raw pkcs11js C_Sign, RSA-2048', () => rawToken.signRsa()],
    ['Signer in-process, RSA-2048', () => rsaSigner.sign(payload)],
  ]);
  const [rawEc = 0, signerEc = 0] = await interleaved(rounds, [
    ['raw pkcs11js C_Sign, ECDSA P-256', () => rawToken.signEc()],
    ['Signer in-process, ECDSA P-256', () => ecSigner.sign(payload)],
  ]);
  const raw = { rsa: rawRsa, ec: rawEc };
  rawToken.close();
  await service.close();

  const supervisor = sourceTokenSupervisor(factory.confPath, factory.module);
  const remoteRsa = await supervisor.openSigner({ certificate: 'id:01', pin: Buffer.from(pin) });
  const remoteEc = await supervisor.openSigner({ certificate: 'id:02', pin: Buffer.from(pin) });
  const supervisedRsa = await rate('Signer via token process, RSA-2048', () => remoteRsa.sign(payload));
  const supervisedEc = await rate('Signer via token process, ECDSA P-256', () => remoteEc.sign(payload));
  // Several requests in flight hide the IPC round trip behind the token's work.
  const pipelined = async (signer: typeof remoteRsa): Promise<number> => {
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < durationMs) {
      await Promise.all(Array.from({ length: 8 }, () => signer.sign(payload)));
      count += 8;
    }
    return count / ((performance.now() - started) / 1000);
  };
  const pipelinedRsa = await pipelined(remoteRsa);
  const pipelinedEc = await pipelined(remoteEc);
  process.stdout.write(`${'Signer via token process, 8 in flight, RSA'.padEnd(48)} ${pipelinedRsa.toFixed(0).padStart(7)} /s\n`);
  process.stdout.write(`${'Signer via token process, 8 in flight, ECDSA'.padEnd(48)} ${pipelinedEc.toFixed(0).padStart(7)} /s\n`);
  await supervisor.close();

  const results = {
    at: new Date().toISOString(),
    secondsPerMeasure: durationMs / 1000,
    perSecond: {
      rawRsa: Math.round(raw.rsa),
      rawEc: Math.round(raw.ec),
      signerRsa: Math.round(signerRsa),
      signerEc: Math.round(signerEc),
      supervisedRsa: Math.round(supervisedRsa),
      supervisedEc: Math.round(supervisedEc),
      supervisedPipelinedRsa: Math.round(pipelinedRsa),
      supervisedPipelinedEc: Math.round(pipelinedEc),
    },
    ratios: {
      signerToRawRsa: Number((signerRsa / raw.rsa).toFixed(3)),
      signerToRawEc: Number((signerEc / raw.ec).toFixed(3)),
      supervisedPipelinedToRawRsa: Number((pipelinedRsa / raw.rsa).toFixed(3)),
      supervisedPipelinedToRawEc: Number((pipelinedEc / raw.ec).toFixed(3)),
    },
    targets: { signerToRaw: 0.9 },
  };
  writeFileSync(path.join(process.cwd(), 'bench/results/token.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`ratios: ${JSON.stringify(results.ratios)}\n`);
  const met = results.ratios.signerToRawRsa >= 0.9 && results.ratios.signerToRawEc >= 0.9;
  if (!met) process.stdout.write('target not met: the in-process Signer is below 90% of the raw rate\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

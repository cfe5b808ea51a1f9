/**
 * CAdES bench (issue 4), RSA-2048 on SoftHSM, everything in the same run on the same machine:
 *  1. detached signature of a 1 GiB file with `nedradesk sign` against `openssl dgst -sha256` and
 *     against `openssl cms -sign -binary -cades` through OpenSSL's PKCS#11 engine; peak RSS;
 *  2. 1,000 files of 10 KB signed with one login, against the raw token rate and a loop of
 *     `openssl cms -sign` over the same files;
 *  3. verification of 1,000 small signed files in-process.
 * Needs the built CLI (`npm run build`). Size override: NEDRADESK_BENCH_BIG_MB (default 1024).
 * Run: `npm run bench -- cades` (writes bench/results/cades.json).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { writeRandomFile } from './big-file';
import { withChain } from '../src/main/core/crypto/chain';
import { verifyCades } from '../src/main/core/crypto/verify';
import { signFiles, verifySignatureFile } from '../src/main/services/signatures';
import { LocalTokenService } from '../src/main/token/token-service';
import { loadTestPki } from '../test/fixtures/pki';
import { TokenFactory } from '../test/fixtures/softhsm';

const pin = '135790';
const bigMegabytes = Number(process.env.NEDRADESK_BENCH_BIG_MB ?? '1024');
const cli = path.join(process.cwd(), 'dist/cli/nedradesk.cjs');

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Wall seconds and peak RSS (MB) of a command, best of `runs`, via /usr/bin/time. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv, runs = 3): { seconds: number; peakMb: number } {
  let best = { seconds: Number.POSITIVE_INFINITY, peakMb: 0 };
  for (let run = 0; run < runs; run += 1) {
    const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
    const match = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
    if (result.status !== 0 || match === null) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
    const seconds = Number(match[1]);
    const peakMb = Number(match[2]) / 1024;
    if (seconds < best.seconds) best = { seconds, peakMb: Math.max(best.peakMb, peakMb) };
    else best.peakMb = Math.max(best.peakMb, peakMb);
  }
  return best;
}

function rawTokenRate(module: string, seconds: number): number {
  const api = new pkcs11js.PKCS11();
  api.load(module);
  try {
    api.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    if ((error as { code?: number }).code !== 0x191) throw error;
  }
  const slot = api.C_GetSlotList(true).find((candidate) => api.C_GetTokenInfo(candidate).label.trim() === 'bench');
  if (slot === undefined) throw new Error('bench token missing');
  const session = api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  api.C_Login(session, pkcs11js.CKU_USER, pin);
  api.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
  const [key] = api.C_FindObjects(session, 1);
  api.C_FindObjectsFinal(session);
  if (key === undefined) throw new Error('no key');
  const payload = Buffer.alloc(210, 7);
  const output = Buffer.alloc(1024);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    api.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
    api.C_Sign(session, payload, output);
    count += 1;
  }
  const rate = count / ((performance.now() - started) / 1000);
  api.C_Logout(session);
  api.C_CloseSession(session);
  return rate;
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('build first: npm run build');
  const pki = await loadTestPki();
  const factory = await TokenFactory.create();
  await factory.createToken({ label: 'bench', userPin: pin });
  await factory.importIdentity('bench', pin, pki.rsaSigner, { idHex: '01', label: 'signer' });
  const work = mkdtempSync(path.join(tmpdir(), 'nedradesk-cades-bench-'));
  const env = { SOFTHSM2_CONF: factory.confPath, NEDRADESK_PKCS11_MODULE: factory.module, BENCH_PIN: pin, PKCS11_MODULE_PATH: factory.module };
  process.env.SOFTHSM2_CONF = factory.confPath;
  const results: Record<string, unknown> = { at: new Date().toISOString(), bigFileMegabytes: bigMegabytes };

  // 1. One big file.
  const big = path.join(work, 'big.bin');
  writeRandomFile(big, bigMegabytes);
  spawnSync('openssl', ['dgst', '-sha256', big]); // page cache warm for everyone
  const dgst = timed('openssl', ['dgst', '-sha256', big], {});
  log(`openssl dgst -sha256, ${bigMegabytes} MiB: ${dgst.seconds.toFixed(2)} s`);
  const ours = timed(process.execPath, [cli, 'sign', big, '--cert', 'id:01', '--pin-env', 'BENCH_PIN', '--chain', pki.intermediatePath], env);
  log(`nedradesk sign, ${bigMegabytes} MiB: ${ours.seconds.toFixed(2)} s, peak RSS ${ours.peakMb.toFixed(0)} MB`);
  const pinFile = path.join(work, 'pin.txt');
  writeFileSync(pinFile, pin, { mode: 0o600 });
  let engine: { seconds: number; peakMb: number } | undefined;
  try {
    engine = timed(
      'openssl',
      ['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-engine', 'pkcs11', '-keyform', 'engine', '-inkey', `pkcs11:token=bench;object=signer;type=private?pin-source=${pinFile}`, '-signer', pki.rsaSigner.certPath, '-in', big, '-outform', 'DER', '-out', path.join(work, 'big.openssl.sig')],
      env,
    );
    log(`openssl cms -sign -cades via PKCS#11 engine: ${engine.seconds.toFixed(2)} s, peak RSS ${engine.peakMb.toFixed(0)} MB`);
  } catch (error) {
    log(`openssl cms through the PKCS#11 engine could not run: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const bigVerify = spawnSync(process.execPath, [cli, 'verify', `${big}.sig`, '--trust', pki.rootPath, '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  results.bigFile = {
    opensslDgstSeconds: dgst.seconds,
    nedradeskSignSeconds: ours.seconds,
    nedradeskPeakRssMb: Math.round(ours.peakMb),
    opensslCmsEngineSeconds: engine?.seconds,
    opensslCmsEnginePeakRssMb: engine && Math.round(engine.peakMb),
    ratioToDgst: Number((ours.seconds / dgst.seconds).toFixed(3)),
    ratioToOpensslCms: engine && Number((ours.seconds / engine.seconds).toFixed(3)),
    signatureVerifies: bigVerify.status === 0,
    targets: { ratioToDgst: 1.15, ratioToOpensslCms: 1.0, peakRssMb: 150 },
  };
  rmSync(big, { force: true });

  // 2. 1,000 small files, one login.
  const smallDir = path.join(work, 'small');
  mkdirSync(smallDir);
  const files = Array.from({ length: 1000 }, (_, index) => {
    const file = path.join(smallDir, `doc-${index}.xml`);
    writeFileSync(file, randomFillSync(Buffer.alloc(10 * 1024)));
    return file;
  });
  const rawRate = rawTokenRate(factory.module, 3);
  log(`raw token RSA-2048 signatures: ${rawRate.toFixed(0)} /s`);
  const service = LocalTokenService.open({ explicit: factory.module });
  const signer = await service.openSigner({ certificate: 'id:01', pin: Buffer.from(pin), token: 'bench', sessions: availableParallelism() });
  const started = performance.now();
  await signFiles({ files, signer: withChain(signer, [pki.intermediate.certDer]) });
  const batchSeconds = (performance.now() - started) / 1000;
  await signer.close();
  await service.close();
  const batchRate = files.length / batchSeconds;
  log(`nedradesk: 1,000 files × 10 KB in ${batchSeconds.toFixed(2)} s = ${batchRate.toFixed(0)} files/s`);
  const loopCount = 40;
  const loopStarted = performance.now();
  for (const file of files.slice(0, loopCount)) {
    const result = spawnSync('openssl', ['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-in', file, '-signer', pki.rsaSigner.certPath, '-inkey', pki.rsaSigner.keyPath, '-outform', 'DER', '-out', `${file}.openssl.sig`]);
    if (result.status !== 0) throw new Error('openssl cms -sign failed');
  }
  const opensslLoopRate = loopCount / ((performance.now() - loopStarted) / 1000);
  log(`loop of openssl cms -sign: ${opensslLoopRate.toFixed(1)} files/s`);
  results.batch = {
    files: files.length,
    fileBytes: 10 * 1024,
    seconds: Number(batchSeconds.toFixed(3)),
    filesPerSecond: Math.round(batchRate),
    rawTokenSignaturesPerSecond: Math.round(rawRate),
    opensslLoopFilesPerSecond: Number(opensslLoopRate.toFixed(1)),
    ratioToRawToken: Number((batchRate / rawRate).toFixed(3)),
    ratioToOpensslLoop: Number((batchRate / opensslLoopRate).toFixed(1)),
    targets: { ratioToRawToken: 0.6, ratioToOpensslLoop: 20 },
  };

  // 3. Verification of 1,000 small signed files.
  const anchors = [pki.root.certDer];
  const inMemory = files.map((file) => ({ signature: readFileSync(`${file}.sig`), content: readFileSync(file) }));
  const digests = inMemory.map(({ content }) => new Map([['sha256' as const, new Uint8Array(createHash('sha256').update(content).digest())]]));
  verifyCades(inMemory[0]?.signature ?? Buffer.alloc(0), { contentDigests: digests[0], trustAnchors: anchors });
  const memoryStarted = performance.now();
  let passed = 0;
  inMemory.forEach(({ signature }, index) => {
    if (verifyCades(signature, { contentDigests: digests[index], trustAnchors: anchors, intermediates: [pki.intermediate.certDer] }).indication === 'TOTAL_PASSED') passed += 1;
  });
  const memoryRate = files.length / ((performance.now() - memoryStarted) / 1000);
  const fileStarted = performance.now();
  let filePassed = 0;
  // Sixteen files in flight: reads overlap with the public-key work.
  let nextFile = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (nextFile < files.length) {
        const file = files[nextFile] as string;
        nextFile += 1;
        const report = await verifySignatureFile({ signaturePath: `${file}.sig`, trustAnchors: anchors, crls: [] });
        if (report.indication !== 'TOTAL_PASSED') throw new Error(`unexpected verdict ${report.subIndication}`);
        filePassed += 1;
      }
    }),
  );
  const fileRate = files.length / ((performance.now() - fileStarted) / 1000);
  log(`verification in memory: ${memoryRate.toFixed(0)} /s (${passed} passed); from files: ${fileRate.toFixed(0)} /s`);
  results.verification = {
    files: files.length,
    perSecondInMemory: Math.round(memoryRate),
    perSecondFromFiles: Math.round(fileRate),
    passed,
    filesVerified: filePassed,
    target: 2000,
  };
  rmSync(work, { recursive: true, force: true });
  writeFileSync(path.join(process.cwd(), 'bench/results/cades.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

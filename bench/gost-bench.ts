/**
 * GOST R 34.10-2012 bench (issue 13), everything in the same run on the same machine, one GOST PKI
 * made by OpenSSL with the gost engine (TC26 256-A root, CryptoPro-A 256-bit signer):
 *  1. raw GOST 2012-256 verifications per second (Streebog + s‖r check) in TypeScript;
 *  2. detached CAdES signatures of small files: NedraDesk in-process (`verifySignatureFile`, the
 *     whole verdict, chain included) against a loop of `openssl cms -verify -engine gost` over the
 *     same files (OpenSSL's rate includes its process start, as a script verifying files pays it);
 *  3. the cost per signer without process starts: one file with 100 GOST signers verified by one
 *     `openssl cms -verify` and by NedraDesk, minus a one-signer file.
 * Run: `npm run bench -- gost` (writes bench/results/gost.json). Needs libengine-gost-openssl.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { digestBytes } from '../src/main/core/crypto/algorithms';
import { addCadesSigner } from '../src/main/core/crypto/cades';
import { generateGostKey, gostSign, gostVerify } from '../src/main/core/crypto/gost/gost3410';
import { openKeyFileSigner } from '../src/main/core/crypto/key-file';
import { verifyCades } from '../src/main/core/crypto/verify';
import { signFiles, verifySignatureFile } from '../src/main/services/signatures';
import { extensionSets, OpensslPki } from '../test/fixtures/openssl-pki';
import { findOpensslGost } from '../test/support/openssl-gost';

const fileCount = Number(process.env.NEDRADESK_BENCH_GOST_FILES ?? '200');

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<void> {
  const openssl = findOpensslGost();
  if ('unavailable' in openssl) throw new Error(openssl.unavailable);
  const work = mkdtempSync(path.join(tmpdir(), 'nedradesk-bench-gost-'));
  const pki = new OpensslPki(work, openssl);
  const root = pki.issue('root', { commonName: 'ГОСТ УЦ', extensions: [...extensionSets.root], key: { gost: 'gost2012_256', paramset: 'TCA' } });
  const signer = pki.issue('signer', { commonName: 'Подписант', issuer: root, extensions: [...extensionSets.endEntity], key: { gost: 'gost2012_256', paramset: 'A' } });

  // 1. Raw verifications.
  const key = generateGostKey('1.2.643.2.2.35.1');
  const data = Buffer.alloc(10_000, 0x41);
  const value = gostSign(key, data);
  for (let warm = 0; warm < 20; warm += 1) gostVerify(key.publicKey, data, value);
  const rawCount = 500;
  const rawStarted = performance.now();
  for (let index = 0; index < rawCount; index += 1) if (!gostVerify(key.publicKey, data, value)) throw new Error('raw verification failed');
  const rawRate = rawCount / ((performance.now() - rawStarted) / 1000);
  log(`raw GOST 2012-256 verifications (10 KB, Streebog included): ${rawRate.toFixed(0)} /s`);

  // 2. Small signed files: sign with NedraDesk, verify with NedraDesk and with OpenSSL.
  const files = Array.from({ length: fileCount }, (_, index) => {
    const file = path.join(work, `doc-${index}.txt`);
    writeFileSync(file, `Отчёт ${index}\n`.repeat(500));
    return file;
  });
  const gostSigner = await openKeyFileSigner(readFileSync(signer.keyPath), readFileSync(signer.certPath), () => Promise.reject(new Error('no password')));
  await signFiles({ files, signer: gostSigner });
  const anchors = [root.der];
  await verifySignatureFile({ signaturePath: `${files[0] ?? ''}.sig`, trustAnchors: anchors }); // warm caches
  const ourStarted = performance.now();
  // Sixteen files in flight, as the cades bench: reads overlap with the public-key work.
  let nextFile = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (nextFile < files.length) {
        const file = files[nextFile] as string;
        nextFile += 1;
        const report = await verifySignatureFile({ signaturePath: `${file}.sig`, trustAnchors: anchors });
        if (report.indication !== 'TOTAL_PASSED') throw new Error(`unexpected verdict ${report.subIndication}`);
      }
    }),
  );
  const ourRate = files.length / ((performance.now() - ourStarted) / 1000);
  const opensslVerify = (file: string): void => {
    const result = spawnSync('openssl', ['cms', '-verify', ...openssl.engineArgs, '-binary', '-inform', 'DER', '-in', `${file}.sig`, '-content', file, '-CAfile', root.certPath, '-purpose', 'any', '-out', '/dev/null'], { env: openssl.env });
    if (result.status !== 0) throw new Error('openssl cms -verify failed');
  };
  opensslVerify(files[0] ?? '');
  const opensslStarted = performance.now();
  for (const file of files) opensslVerify(file);
  const opensslRate = files.length / ((performance.now() - opensslStarted) / 1000);
  log(`verification of ${files.length} small GOST-signed files: NedraDesk ${ourRate.toFixed(0)} /s, openssl cms -verify loop ${opensslRate.toFixed(1)} /s`);

  // 3. Per-signature cost without process starts: one signature with many GOST signers (NedraDesk
  // co-signs the same file again and again), verified by one `openssl cms -verify` and by NedraDesk;
  // the difference to a one-signer file divided by the extra signers is each side's cost.
  const many = 100;
  const document = files[0] ?? '';
  const content = readFileSync(document);
  const single = readFileSync(`${document}.sig`);
  let multi: Uint8Array = single;
  for (let index = 1; index < many; index += 1) multi = await addCadesSigner(multi, { signer: gostSigner, contentDigest: digestBytes('streebog256', content) });
  writeFileSync(path.join(work, 'single.sig'), single);
  writeFileSync(path.join(work, 'multi.sig'), multi);
  const opensslOnce = (name: string): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      const result = spawnSync('openssl', ['cms', '-verify', ...openssl.engineArgs, '-binary', '-inform', 'DER', '-in', path.join(work, name), '-content', document, '-CAfile', root.certPath, '-purpose', 'any', '-out', '/dev/null'], { env: openssl.env });
      if (result.status !== 0) throw new Error(`openssl cms -verify ${name} failed`);
      best = Math.min(best, performance.now() - started);
    }
    return best / 1000;
  };
  const opensslPerSignature = (opensslOnce('multi.sig') - opensslOnce('single.sig')) / (many - 1);
  const oursOnce = (signature: Uint8Array): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      const report = verifyCades(signature, { content, trustAnchors: anchors });
      if (report.indication !== 'TOTAL_PASSED' || report.signers.length === 0) throw new Error('multi-signer verdict');
      best = Math.min(best, performance.now() - started);
    }
    return best / 1000;
  };
  const oursPerSignature = (oursOnce(multi) - oursOnce(single)) / (many - 1);
  log(`per GOST 2012-256 signer, no process start: NedraDesk ${(oursPerSignature * 1000).toFixed(2)} ms (${(1 / oursPerSignature).toFixed(0)} /s), openssl cms -verify ${(opensslPerSignature * 1000).toFixed(2)} ms (${(1 / opensslPerSignature).toFixed(0)} /s)`);

  const results = {
    at: new Date().toISOString(),
    rawVerificationsPerSecond: Math.round(rawRate),
    files: files.length,
    nedradeskVerificationsPerSecond: Math.round(ourRate),
    opensslCmsVerifyLoopPerSecond: Number(opensslRate.toFixed(1)),
    ratioToOpensslLoop: Number((ourRate / opensslRate).toFixed(1)),
    signersInOneSignature: many,
    nedradeskPerSignerPerSecond: Math.round(1 / oursPerSignature),
    opensslPerSignerPerSecond: Math.round(1 / opensslPerSignature),
    ratioPerSigner: Number((opensslPerSignature / oursPerSignature).toFixed(2)),
    target: { ratioToOpenssl: 0.5 },
  };
  writeFileSync(path.join(process.cwd(), 'bench/results/gost.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(JSON.stringify(results, null, 2));
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

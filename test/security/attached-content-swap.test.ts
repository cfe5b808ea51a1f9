/**
 * Threat: a hostile sender takes a genuine attached signature of one document (hello.txt) and
 * presents it, renamed, as the signature of another (contract.txt.sig). The verifier, the package
 * inspector (`nedradesk inspect`) and the training stand's push must all refuse it, as OpenSSL's
 * `cms -verify -content` does; the report names the SHA-256 of the document actually checked.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CabinetClient } from '../../src/main/cabinet/cabinet-client';
import { loginWithSignature } from '../../src/main/cabinet/identity-client';
import { createCadesSignature } from '../../src/main/core/crypto/cades';
import { verifyCades } from '../../src/main/core/crypto/verify';
import { buildPackage } from '../../src/main/core/packages/build';
import { inspectPackage } from '../../src/main/core/packages/inspect';
import { verifySignatureFile } from '../../src/main/services/signatures';
import { AppError } from '../../src/shared/errors';
import { startStand, type RunningStand } from '../../src/stand/server';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { runCli } from '../support/cli';
import { rawZip } from '../support/raw-zip';
import { keySignerFor } from '../support/signers';

let pki: TestPki;
let dir: string;
const hello = Buffer.from('Привет! Это письмо, а не договор.\n');
const contract = Buffer.from('Договор уступки права пользования недрами: передать лицензию СЛХ 01234 ТЭ.\n');
const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();
/** A genuine attached signature of hello.txt by Иванова. */
let helloAttached: Uint8Array;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-swap-'));
  helloAttached = await createCadesSignature({ signer: keySignerFor(pki, pki.rsaSigner), contentDigest: sha256(hello), content: hello });
  writeFileSync(path.join(dir, 'hello.txt'), hello);
  writeFileSync(path.join(dir, 'contract.txt'), contract);
  writeFileSync(path.join(dir, 'contract.txt.sig'), helloAttached);
});

const anchors = (): Uint8Array[] => [pki.root.certDer];

function opensslVerify(signaturePath: string, contentPath: string): number | null {
  return spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', signaturePath, '-content', contentPath, '-CAfile', pki.rootPath, '-out', '/dev/null']).status;
}

describe('an attached signature of another document', () => {
  it('fails with HASH_FAILURE when the caller names other content, as OpenSSL -content does', () => {
    expect(opensslVerify(path.join(dir, 'contract.txt.sig'), path.join(dir, 'contract.txt'))).not.toBe(0);
    const report = verifyCades(helloAttached, { content: contract, trustAnchors: anchors() });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    expect(report.reasons.join(' ')).toContain('вложен другой документ');
    expect(report.reasons.join(' ')).toContain(sha256(hello).toString('hex'));
    expect(report.contentSha256).toBe(sha256(contract).toString('hex'));
  });

  it('fails with HASH_FAILURE when the caller names other content by its digest', () => {
    const report = verifyCades(helloAttached, { contentDigests: new Map([['sha256', sha256(contract)]]), trustAnchors: anchors() });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    expect(report.contentSha256).toBe(sha256(contract).toString('hex'));
  });

  it('passes when the named content is exactly the attached content, and names its SHA-256', () => {
    expect(opensslVerify(path.join(dir, 'contract.txt.sig'), path.join(dir, 'hello.txt'))).toBe(0);
    for (const options of [{ content: hello }, { contentDigests: new Map([['sha256' as const, sha256(hello)]]) }, {}]) {
      const report = verifyCades(helloAttached, { ...options, trustAnchors: anchors() });
      expect(report.reasons).toEqual([]);
      expect(report.indication).toBe('TOTAL_PASSED');
      expect(report.contentSha256).toBe(sha256(hello).toString('hex'));
    }
  });

  it('fails in «Проверка подписи» when contract.txt.sig is paired with contract.txt by its name', async () => {
    const report = await verifySignatureFile({ signaturePath: path.join(dir, 'contract.txt.sig'), trustAnchors: anchors() });
    expect(report.contentPath).toBe(path.join(dir, 'contract.txt'));
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    expect(report.contentSha256).toBe(sha256(contract).toString('hex'));
  });

  it('fails `nedradesk verify contract.txt.sig`', async () => {
    const result = await runCli(['verify', path.join(dir, 'contract.txt.sig'), '--trust', pki.rootPath]);
    expect(result.stdout).toContain('Подпись недействительна');
    expect(result.stdout).toContain('HASH_FAILURE');
    expect(result.stdout).toContain(`SHA-256 документа: ${sha256(contract).toString('hex')}`);
    expect(result.status).not.toBe(0);
  });
});

describe('a package whose document signature is an attached signature of another document', () => {
  let forged: string;
  let honest: string;

  beforeAll(async () => {
    // A genuine package of the contract, then its contract.txt.sig swapped for the attached
    // signature of hello.txt: the manifest and its signature stay genuine.
    const built = await buildPackage({
      typeCode: 'report.extraction',
      organisation: { inn: '1101012340' },
      documents: [{ role: 'report-file', fileName: 'contract.txt', bytes: contract }],
      signer: keySignerFor(pki, pki.rsaSigner),
      outPath: path.join(dir, 'genuine.zip'),
    });
    const files = path.join(dir, 'genuine');
    mkdirSync(files);
    expect((await inspectPackage(built.path, { trustAnchors: anchors(), extractTo: files })).indication).toBe('TOTAL_PASSED');
    const entries = readdirSync(files).map((name) => ({ name, data: readFileSync(path.join(files, name)) }));
    forged = path.join(dir, 'forged.zip');
    writeFileSync(forged, rawZip(entries.map((entry) => (entry.name === 'contract.txt.sig' ? { name: entry.name, data: Buffer.from(helloAttached) } : entry))));
    // The same package with an attached signature of exactly the contract is acceptable.
    const contractAttached = await createCadesSignature({ signer: keySignerFor(pki, pki.rsaSigner), contentDigest: sha256(contract), content: contract });
    honest = path.join(dir, 'attached-honest.zip');
    writeFileSync(honest, rawZip(entries.map((entry) => (entry.name === 'contract.txt.sig' ? { name: entry.name, data: Buffer.from(contractAttached) } : entry))));
  });

  it('is refused by the package inspector with SIGNATURE_INVALID', async () => {
    const report = await inspectPackage(forged, { trustAnchors: anchors() });
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.problems.map((problem) => [problem.code, problem.entry])).toEqual([['SIGNATURE_INVALID', 'contract.txt']]);
    expect(report.documents.find((document) => document.fileName === 'contract.txt')?.subIndication).toBe('HASH_FAILURE');
  });

  it('is accepted when the attached content is exactly the document', async () => {
    const report = await inspectPackage(honest, { trustAnchors: anchors() });
    expect(report.problems).toEqual([]);
    expect(report.indication).toBe('TOTAL_PASSED');
  });

  it('fails `nedradesk inspect`', async () => {
    const result = await runCli(['inspect', forged, '--trust', pki.rootPath]);
    expect(result.stdout).toContain('Подпись недействительна');
    expect(result.status).toBe(1);
  });

  describe('pushed to the training stand', () => {
    let stand: RunningStand;

    beforeAll(async () => {
      stand = await startStand({ dataDir: path.join(dir, 'stand'), trustAnchors: anchors(), stepDelayMs: 600_000, log: () => undefined });
    });

    afterAll(async () => {
      await stand?.close();
    });

    it('is refused with FILES_VERIFICATION_FAILED', async () => {
      const session = await loginWithSignature(stand.url, keySignerFor(pki, pki.rsaSigner));
      const client = new CabinetClient({ baseUrl: stand.url, session, organisationOid: '2000001' });
      const order = await client.createOrder({ serviceCode: 'report.extraction', title: 'Договор', idempotencyKey: 'attached-swap-1' });
      const error = await client.push(order.orderId, forged).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('FILES_VERIFICATION_FAILED');
      expect((error as AppError).message).toContain('contract.txt');
    });
  });
});

/**
 * The training stand's CA makes demo certificates for practice; its key sits on the user's machine.
 * It was trusted whatever cabinet was chosen (and if imported into trust/), so «Проверка подписи»
 * said «Подпись действительна» of a demo signature as of a qualified one, and its private key lay
 * in the data folder where `files:read` handed it to the UI. Now it is trusted only while the
 * training stand is the chosen cabinet, every verdict resting on it says «учебный сертификат», and
 * its key lives in the stand's private folder (0700, the key 0600), out of `files:read`'s reach.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate, personName } from '../../src/main/core/crypto/certificate-issuer';
import { certificateIssuerAndSerial } from '../../src/main/core/crypto/cms';
import { KeySigner } from '../../src/main/core/crypto/key-signer';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { signFile, verifySignatureFile } from '../../src/main/services/signatures';
import type { LocalTokenService } from '../../src/main/token/token-service';
import { ensureTrainingCa, trainingCaKeyPath, type TrainingCa } from '../../src/stand/training-ca';
import { testPersons } from '../fixtures/pki';
import { call, failure, makeToken } from '../support/app-workplace';
import { runCli } from '../support/cli';

const day = 86_400_000;
let tokens: LocalTokenService;
let dir: string;
let dataDir: string;
let app: AppServices;
let ca: TrainingCa;
let document: string;
let signature: string;

/** A demo person's certificate from the training CA, as `npm run stand -- demo-token` issues it. */
function demoCertificate(trainingCa: TrainingCa): { der: Uint8Array; key: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issued = issueCertificate({
    subjectName: personName(testPersons.rsaSigner2),
    publicKey,
    privateKey: trainingCa.key,
    issuer: { name: certificateIssuerAndSerial(trainingCa.certificate).subject as Buffer, key: trainingCa.key, keyId: trainingCa.keyId },
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * day),
    ca: false,
    keyUsage: ['digitalSignature', 'nonRepudiation'],
  });
  return { der: issued.der, key: privateKey };
}

const verifyInApp = async () => verifySignatureFile({ signaturePath: signature, contentPath: document, trustAnchors: await app.trustAnchors() });

beforeAll(async () => {
  ({ tokens } = await makeToken());
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-training-ca-'));
  dataDir = path.join(dir, 'data');
  app = createAppServices({ mode: 'browser', version: 'test', dataDir, tokens, emit: () => undefined, cabinet: { syncIntervalMs: 60_000 } });
  // The embedded stand makes its CA in <data>/stand on its first start, as here.
  ca = await ensureTrainingCa(path.join(dataDir, 'stand'));
  const demo = demoCertificate(ca);
  document = path.join(dir, 'заявление.txt');
  writeFileSync(document, 'Учебное заявление');
  signature = (await signFile(document, { signer: new KeySigner(demo.key, demo.der, [ca.certificate]) })).signaturePath;
});

afterAll(async () => {
  await app?.close();
  await tokens?.close();
});

describe('the training CA', () => {
  it('is trusted while the training stand is the chosen cabinet, and the verdict says «учебный сертификат»', async () => {
    expect(app.cabinet.state().profile.kind).toBe('stand');
    const report = await verifyInApp();
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signers[0]?.trainingCertificate).toBe(true);
    expect(report.signers[0]?.warnings.some((warning) => warning.startsWith('Учебный сертификат'))).toBe(true);
  });

  it('is not trusted once a real cabinet is chosen — not even a copy imported into trust/ — and the verdict still names it', async () => {
    await call(app, 'cabinet:set-profile', { kind: 'url', url: 'https://cabinet.nedra.example' });
    mkdirSync(path.join(dataDir, 'trust'), { recursive: true });
    copyFileSync(ca.certificatePath, path.join(dataDir, 'trust', 'training-ca.pem'));
    const report = await verifyInApp();
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect(report.signers[0]?.trainingCertificate).toBe(true);
    // Back to the training stand: trusted again.
    await call(app, 'cabinet:set-profile', { kind: 'stand' });
    expect((await verifyInApp()).indication).toBe('TOTAL_PASSED');
  });

  it('says «учебный сертификат» in the command line’s verdict too', async () => {
    const result = await runCli(['verify', signature, '--content', document, '--trust', ca.certificatePath]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Подпись действительна — учебный сертификат');
    expect(result.stdout).toMatch(/Подпись 1: Подпись действительна — учебный сертификат/);
    expect(result.stdout).toContain('Внимание: Учебный сертификат');
  });

  it('keeps its private key in the stand’s private folder (0700, key 0600), which files:read never hands out', async () => {
    const keyPath = trainingCaKeyPath(path.join(dataDir, 'stand'));
    expect(path.dirname(keyPath)).toBe(path.join(dataDir, 'stand', 'private'));
    expect(existsSync(path.join(dataDir, 'stand', 'training-ca', 'training-ca.key.pem'))).toBe(false);
    if (process.platform !== 'win32') {
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(keyPath)).mode & 0o777).toBe(0o700);
    }
    for (const file of [keyPath, path.join(dataDir, 'stand', 'training-ca', '..', 'private', 'training-ca.key.pem')]) {
      const refused = await failure(call(app, 'files:read', { path: file }));
      expect(JSON.stringify(refused.details)).not.toContain('PRIVATE KEY');
    }
  });

  it('moves the key an earlier stand kept beside the certificate into the private folder', async () => {
    const standDir = path.join(dir, 'earlier-stand');
    const made = await ensureTrainingCa(standDir);
    // The layout of an earlier stand: the key in training-ca/ next to the certificate.
    renameSync(trainingCaKeyPath(standDir), path.join(standDir, 'training-ca', 'training-ca.key.pem'));
    const loaded = await ensureTrainingCa(standDir);
    expect(loaded.keyId.equals(made.keyId)).toBe(true);
    expect(existsSync(path.join(standDir, 'training-ca', 'training-ca.key.pem'))).toBe(false);
    expect(existsSync(trainingCaKeyPath(standDir))).toBe(true);
    if (process.platform !== 'win32') expect(statSync(trainingCaKeyPath(standDir)).mode & 0o777).toBe(0o600);
  });
});

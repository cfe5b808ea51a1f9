import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explicit, objectIdentifier, sequence, smallInteger, tlv } from '../../../src/main/core/crypto/asn1';
import { createCadesSignature } from '../../../src/main/core/crypto/cades';
import { cmsOids, parseSignedData } from '../../../src/main/core/crypto/cms';
import { verifyCades } from '../../../src/main/core/crypto/verify';
import { loadTestPki, type TestIdentity, type TestPki } from '../../fixtures/pki';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
const content = Buffer.from('Заявление на выдачу разрешения на пользование недрами');
const digest = createHash('sha256').update(content).digest();

beforeAll(async () => {
  pki = await loadTestPki();
});

const sign = (identity: TestIdentity): Promise<Uint8Array> => createCadesSignature({ signer: keySignerFor(pki, identity), contentDigest: digest });
const anchors = (): Uint8Array[] => [pki.root.certDer];

/** Re-assembles a signature with other certificates in its `certificates` field. */
function withCertificates(signature: Uint8Array, certificates: Uint8Array[]): Uint8Array {
  const parsed = parseSignedData(signature);
  const { reader } = parsed;
  const body = sequence(
    smallInteger(1),
    tlv(0x31, ...parsed.digestAlgorithms.map((node) => reader.raw(node))),
    reader.raw(parsed.encapsulatedContentInfo),
    tlv(0xa0, ...certificates),
    tlv(0x31, ...parsed.signerInfos.map((signer) => reader.raw(signer.node))),
  );
  return sequence(objectIdentifier(cmsOids.signedData), explicit(0, body));
}

describe('verification verdicts', () => {
  it('passes a good signature with its chain and reasons empty', async () => {
    const report = verifyCades(await sign(pki.rsaSigner), { content, trustAnchors: anchors(), crls: [readFileSync(pki.crlDerPath)] });
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signers[0]?.chain.map((link) => link.trustAnchor)).toEqual([false, false, true]);
    expect(report.signers[0]?.signer?.snils).toMatch(/^\d{11}$/);
  });

  it('gives HASH_FAILURE for content changed after signing', async () => {
    const report = verifyCades(await sign(pki.rsaSigner), { content: Buffer.from('Заявление на выдачу разрешения на пользование недрами!'), trustAnchors: anchors() });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    expect(report.reasons[0]).toContain('изменён после подписания');
  });

  it('gives SIG_CRYPTO_FAILURE for an altered signature value', async () => {
    const signature = Buffer.from(await sign(pki.rsaSigner));
    signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 0x01;
    const report = verifyCades(signature, { content, trustAnchors: anchors() });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'SIG_CRYPTO_FAILURE']);
  });

  it('gives NO_SIGNING_CERTIFICATE_FOUND when the signer certificate is swapped for another', async () => {
    const swapped = withCertificates(await sign(pki.rsaSigner), [pki.rsaSigner2.certDer, pki.intermediate.certDer]);
    const report = verifyCades(swapped, { content, trustAnchors: anchors() });
    expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND']);
  });

  it('gives EXPIRED and NOT_YET_VALID for certificates outside their validity at signing time', async () => {
    const expired = verifyCades(await sign(pki.expired), { content, trustAnchors: anchors() });
    expect([expired.indication, expired.subIndication]).toEqual(['TOTAL_FAILED', 'EXPIRED']);
    const early = verifyCades(await sign(pki.notYetValid), { content, trustAnchors: anchors() });
    expect([early.indication, early.subIndication]).toEqual(['TOTAL_FAILED', 'NOT_YET_VALID']);
  });

  it('gives REVOKED for a certificate on the CRL, DER or PEM', async () => {
    const signature = await sign(pki.revoked);
    for (const crl of [readFileSync(pki.crlDerPath), readFileSync(pki.crlPemPath)]) {
      const report = verifyCades(signature, { content, trustAnchors: anchors(), crls: [crl] });
      expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'REVOKED']);
    }
    expect(verifyCades(signature, { content, trustAnchors: anchors() }).indication).toBe('TOTAL_PASSED');
  });

  it('gives NO_CERTIFICATE_CHAIN_FOUND without a matching trust anchor', async () => {
    const signature = await sign(pki.ecSigner);
    for (const trustAnchors of [[], [pki.rsaSigner2.certDer]]) {
      const report = verifyCades(signature, { content, trustAnchors });
      expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
    }
  });

  it('gives SIG_CONSTRAINTS_FAILURE for a key without digitalSignature and nonRepudiation', async () => {
    const report = verifyCades(await sign(pki.noDigitalSignature), { content, trustAnchors: anchors() });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'SIG_CONSTRAINTS_FAILURE']);
  });

  it('answers INDETERMINATE/TRY_LATER for unchecked revocation only when revocation is required', async () => {
    const signature = await sign(pki.rsaSigner);
    expect(verifyCades(signature, { content, trustAnchors: anchors() }).indication).toBe('TOTAL_PASSED');
    const required = verifyCades(signature, { content, trustAnchors: anchors(), requireRevocation: true });
    expect([required.indication, required.subIndication]).toEqual(['INDETERMINATE', 'TRY_LATER']);
  });

  it('asks for the document when a detached signature comes without it', async () => {
    const report = verifyCades(await sign(pki.rsaSigner), { trustAnchors: anchors() });
    expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'SIGNED_DATA_NOT_FOUND']);
  });

  it('reads bare base64 as well as DER', async () => {
    const signature = await sign(pki.ecSigner);
    const report = verifyCades(Buffer.from(Buffer.from(signature).toString('base64')), { content, trustAnchors: anchors() });
    expect(report.indication).toBe('TOTAL_PASSED');
  });
});

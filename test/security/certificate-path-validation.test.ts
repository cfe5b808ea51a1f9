/**
 * Threat: a hostile sender builds a certificate path that a careless verifier accepts — an
 * ordinary employee's certificate "issuing" a signer's certificate, a CA going deeper than its
 * pathLenConstraint, a critical extension the verifier does not understand, a signer picked by key
 * identifier bytes found anywhere in a certificate. NedraDesk validates the path as RFC 5280 §6.1
 * says. Every certificate here is made by `openssl ca` (test/fixtures/openssl-pki.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyCades } from '../../src/main/core/crypto/verify';
import { importTrustAnchor } from '../../src/main/services/trust-store';
import { AppError } from '../../src/shared/errors';
import type { VerificationReport } from '../../src/shared/verification';
import { extensionSets, OpensslPki, type OpensslIdentity } from '../fixtures/openssl-pki';

let pki: OpensslPki;
let contentPath: string;
const content = Buffer.from('Отчёт о добыче полезных ископаемых за 2026 год\n');
let root: OpensslIdentity;
let intermediate: OpensslIdentity;

beforeAll(() => {
  pki = new OpensslPki(mkdtempSync(path.join(tmpdir(), 'nedradesk-path-')));
  contentPath = path.join(pki.dir, 'report.txt');
  writeFileSync(contentPath, content);
  root = pki.issue('root', { commonName: 'Path Root', extensions: [...extensionSets.root] });
  intermediate = pki.issue('intermediate', { commonName: 'Path Intermediate CA', issuer: root, extensions: [...extensionSets.ca] });
});

/** A signer issued under `issuer`, signing the report; `chain` goes into the signature. */
function signedBy(name: string, issuer: OpensslIdentity, chain: OpensslIdentity[], extensions: readonly string[] = extensionSets.endEntity): Buffer {
  const signer = pki.issue(name, { commonName: `Signer ${name}`, issuer, key: 'ec', extensions: [...extensions] });
  return pki.sign(contentPath, signer, chain);
}

const verify = (signature: Uint8Array): VerificationReport => verifyCades(signature, { content, trustAnchors: [root.der] });
const verdict = (report: VerificationReport): [string, string | undefined] => [report.indication, report.subIndication];

describe('certificate path validation (RFC 5280 §6.1)', () => {
  it('passes a signer under a CA intermediate (the baseline the other cases break)', () => {
    const report = verify(signedBy('good', intermediate, [intermediate]));
    expect(report.reasons).toEqual([]);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signers[0]?.chain.map((link) => link.owner)).toEqual(['Signer good', 'Path Intermediate CA', 'Path Root']);
  });

  it('refuses a signer "issued" by an end-entity certificate (basicConstraints CA:FALSE, digitalSignature only)', () => {
    const employee = pki.issue('employee', { commonName: 'Employee', issuer: intermediate, extensions: [...extensionSets.endEntity] });
    const report = verify(signedBy('under-employee', employee, [employee, intermediate]));
    expect(verdict(report)).toEqual(['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE']);
    expect(report.reasons.join(' ')).toContain('«Employee» не является сертификатом удостоверяющего центра');
    expect(report.signers[0]?.checks.chain).toBe('indeterminate');
  });

  it('refuses a CA:TRUE certificate whose keyUsage lacks keyCertSign as an issuer', () => {
    const noCertSign = pki.issue('no-cert-sign', { commonName: 'CA Without keyCertSign', issuer: intermediate, extensions: ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, digitalSignature, cRLSign', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid'] });
    const report = verify(signedBy('under-no-cert-sign', noCertSign, [noCertSign, intermediate]));
    expect(verdict(report)).toEqual(['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE']);
    expect(report.reasons.join(' ')).toContain('keyCertSign');
  });

  it('refuses an intermediate without basicConstraints', () => {
    const noBasic = pki.issue('no-basic', { commonName: 'CA Without basicConstraints', issuer: intermediate, extensions: ['keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid'] });
    const report = verify(signedBy('under-no-basic', noBasic, [noBasic, intermediate]));
    expect(verdict(report)).toEqual(['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE']);
  });

  it('refuses a path with more intermediates than a pathLenConstraint allows, and passes one within it', () => {
    const limited = pki.issue('limited', { commonName: 'CA pathlen 0', issuer: root, extensions: [...extensionSets.caPathLenZero] });
    const within = verify(signedBy('within-pathlen', limited, [limited]));
    expect(within.reasons).toEqual([]);
    expect(within.indication).toBe('TOTAL_PASSED');
    const subordinate = pki.issue('below-limited', { commonName: 'CA below pathlen 0', issuer: limited, extensions: [...extensionSets.ca] });
    const report = verify(signedBy('beyond-pathlen', subordinate, [subordinate, limited]));
    expect(verdict(report)).toEqual(['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE']);
    expect(report.reasons.join(' ')).toContain('«CA pathlen 0» допускает не более 0 промежуточных УЦ');
  });

  it('refuses an unknown critical extension in the signer certificate', () => {
    const report = verify(signedBy('unknown-critical-leaf', intermediate, [intermediate], [...extensionSets.endEntity, '1.3.6.1.4.1.55555.1 = critical, ASN1:NULL']));
    expect(verdict(report)).toEqual(['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE']);
    expect(report.reasons.join(' ')).toContain('неизвестное критическое расширение 1.3.6.1.4.1.55555.1');
  });

  it('refuses an unknown critical extension in a CA certificate', () => {
    const strange = pki.issue('unknown-critical-ca', { commonName: 'CA With Unknown Critical', issuer: root, extensions: [...extensionSets.ca, '1.3.6.1.4.1.55555.1 = critical, ASN1:NULL'] });
    const report = verify(signedBy('under-unknown-critical-ca', strange, [strange]));
    expect(verdict(report)).toEqual(['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE']);
  });

  it('refuses a path carrying nameConstraints, which NedraDesk does not enforce', () => {
    const constrained = pki.issue('name-constrained', { commonName: 'CA With nameConstraints', issuer: root, extensions: [...extensionSets.ca, 'nameConstraints = critical, permitted;email:.nedra.test'] });
    const report = verify(signedBy('under-name-constrained', constrained, [constrained]));
    expect(verdict(report)).toEqual(['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE']);
    expect(report.reasons.join(' ')).toContain('nameConstraints');
  });

  it('accepts the critical extensions it knows: extKeyUsage, certificatePolicies, subjectAltName, policy constraints', () => {
    const known = [
      ...extensionSets.endEntity,
      'extendedKeyUsage = critical, emailProtection, 1.2.643.2.2.34.6',
      'certificatePolicies = critical, 1.2.643.100.113.1',
      'subjectAltName = critical, email:signer@nedra.test',
    ];
    const policyCa = pki.issue('policy-ca', { commonName: 'CA With Policy Constraints', issuer: root, extensions: [...extensionSets.ca, 'policyConstraints = critical, inhibitPolicyMapping:0', 'inhibitAnyPolicy = critical, 0', 'certificatePolicies = critical, 1.2.643.100.113.1'] });
    const report = verify(signedBy('known-critical', policyCa, [policyCa], known));
    expect(report.reasons).toEqual([]);
    expect(report.indication).toBe('TOTAL_PASSED');
  });

  it('finds a signer named by subjectKeyIdentifier through the extension, not the same bytes elsewhere in another certificate', () => {
    const victim = pki.issue('victim', { commonName: 'Victim', issuer: intermediate, key: 'ec', extensions: [...extensionSets.endEntity] });
    const victimKeyId = pki.subjectKeyIdentifier(victim);
    expect(victimKeyId).toHaveLength(20);
    // A genuine signature naming its signer by key identifier (openssl cms -sign -keyid) passes.
    const genuine = verify(pki.sign(contentPath, victim, [intermediate], { keyId: true }));
    expect(genuine.reasons).toEqual([]);
    expect(genuine.signers[0]?.signer?.owner).toBe('Victim');
    // The attacker's certificate carries the victim's key identifier as an OCTET STRING in a private
    // extension; the attacker signs and points the (unsigned) sid at the victim's key identifier.
    const attacker = pki.issue('attacker', { commonName: 'Attacker', issuer: intermediate, key: 'ec', extensions: [...extensionSets.endEntity, `1.3.6.1.4.1.55555.2 = ASN1:FORMAT:HEX,OCTETSTRING:${victimKeyId.toString('hex')}`] });
    const signature = pki.sign(contentPath, attacker, [intermediate], { keyId: true });
    const sid = Buffer.concat([Buffer.from([0x80, 0x14]), pki.subjectKeyIdentifier(attacker)]);
    const at = signature.indexOf(sid);
    expect(at).toBeGreaterThan(0);
    victimKeyId.copy(signature, at + 2);
    // No certificate in the signature has that subjectKeyIdentifier (OpenSSL: signer certificate not found).
    const report = verify(signature);
    expect(verdict(report)).toEqual(['INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND']);
  });
});

describe('trust anchors', () => {
  it('refuses to import a basicConstraints CA:TRUE certificate whose keyUsage lacks keyCertSign', async () => {
    const notIssuing = pki.issue('anchor-no-cert-sign', { commonName: 'Anchor Without keyCertSign', extensions: ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, digitalSignature', 'subjectKeyIdentifier = hash'] });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-anchors-'));
    const error = await importTrustAnchor(dataDir, notIssuing.certPath).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('TRUST_ANCHOR_NOT_CA');
    expect((await importTrustAnchor(dataDir, root.certPath)).subject).toContain('Path Root');
  });
});

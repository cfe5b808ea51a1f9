/**
 * Threat: NedraDesk's verifier says «Подпись действительна» where a reference implementation
 * refuses (or the reverse). Each case below is made with the OpenSSL command line (`openssl ca`
 * with extension sections, `openssl cms -sign`, `openssl ca -revoke/-gencrl`), or, where OpenSSL
 * cannot make it, by a small DER edit of an OpenSSL signature (noted in the case). NedraDesk's
 * verdict must agree with `openssl cms -verify` (and, for certificate cases, `openssl verify`):
 * both pass, or both fail. Both sides judge at the same moment (`-attime` and `now`), the moment
 * the signatures were made, so time-based cases compare like with like.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, sign as signBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSignedData } from '../../src/main/core/crypto/cms';
import { verifyCades } from '../../src/main/core/crypto/verify';
import type { SubIndication } from '../../src/shared/verification';
import { extensionSets, OpensslPki, type OpensslIdentity } from '../fixtures/openssl-pki';

const day = 86_400_000;
let pki: OpensslPki;
let root: OpensslIdentity;
let intermediate: OpensslIdentity;
let reportPath: string;
let changedPath: string;
let helloPath: string;

beforeAll(() => {
  pki = new OpensslPki(mkdtempSync(path.join(tmpdir(), 'nedradesk-differential-')));
  root = pki.issue('root', { commonName: 'Diff Root', extensions: [...extensionSets.root] });
  intermediate = pki.issue('intermediate', { commonName: 'Diff Intermediate CA', issuer: root, extensions: [...extensionSets.ca] });
  reportPath = path.join(pki.dir, 'report.xml');
  writeFileSync(reportPath, '<?xml version="1.0" encoding="UTF-8"?><report><volume unit="т">1250.5</volume></report>\n');
  changedPath = path.join(pki.dir, 'report-changed.xml');
  writeFileSync(changedPath, '<?xml version="1.0" encoding="UTF-8"?><report><volume unit="т">9250.5</volume></report>\n');
  helloPath = path.join(pki.dir, 'hello.txt');
  writeFileSync(helloPath, 'Привет! Это письмо, а не отчёт.\n');
});

/** What a case gives both verifiers. */
interface DifferentialInput {
  signature: Buffer;
  /** The document named for the check (`-content`); absent for an attached signature checked alone. */
  contentPath?: string;
  /** For `openssl verify`: the signer's certificate and the CA certificates that are not anchors. */
  signer?: OpensslIdentity;
  untrusted?: OpensslIdentity[];
  crlPath?: string;
}

interface DifferentialCase {
  threat: string;
  /** Both verifiers must pass, or both must fail. */
  outcome: 'pass' | 'fail';
  /** NedraDesk's sub-indication for a failure. */
  subIndication?: SubIndication;
  /**
   * Where OpenSSL is known to be laxer than the standard, the reason; OpenSSL's acceptance is then
   * asserted too, as proof that the input is valid apart from the one defect under test.
   */
  opensslAccepts?: string;
  make: () => DifferentialInput;
}

function endEntity(name: string, issuer: OpensslIdentity, options: { key?: 'rsa' | 'ec'; extensions?: readonly string[]; notBefore?: Date; notAfter?: Date } = {}): OpensslIdentity {
  return pki.issue(name, { commonName: `Signer ${name}`, issuer, key: options.key ?? 'ec', extensions: [...(options.extensions ?? extensionSets.endEntity)], ...(options.notBefore ? { notBefore: options.notBefore } : {}), ...(options.notAfter ? { notAfter: options.notAfter } : {}) });
}

/** A detached signature of the report by a new signer under `issuer`, with `chain` in it. */
function signedReport(signer: OpensslIdentity, chain: OpensslIdentity[]): DifferentialInput {
  return { signature: pki.sign(reportPath, signer, chain), contentPath: reportPath, signer, untrusted: chain };
}

/**
 * Replaces the content-type signed attribute's value (id-data) by id-signedData — same length —
 * and signs the edited attributes again with the signer's key, so that only the attribute is wrong
 * (RFC 5652 §11.1: it must equal eContentType). OpenSSL has no option to write such a signature.
 */
function withWrongContentType(signature: Buffer, signer: OpensslIdentity): Buffer {
  const parsed = parseSignedData(signature);
  const info = parsed.signerInfos[0];
  if (info?.signedAttributesDer === undefined) throw new Error('no signed attributes');
  const idData = Buffer.from('06092a864886f70d010701', 'hex');
  const contentTypeAttribute = Buffer.concat([Buffer.from('06092a864886f70d010903310b', 'hex'), idData]);
  const edited = Buffer.from(signature);
  const at = edited.indexOf(contentTypeAttribute);
  if (at < 0) throw new Error('content-type attribute not found');
  edited[at + contentTypeAttribute.length - 1] = 0x02; // 1.2.840.113549.1.7.2, id-signedData
  const attributes = Buffer.from(parseSignedData(edited).signerInfos[0]?.signedAttributesDer ?? []);
  const value = signBytes('sha256', attributes, createPrivateKey(readFileSync(signer.keyPath)));
  const old = Buffer.from(info.signature);
  if (value.length !== old.length) throw new Error('signature length changed');
  value.copy(edited, edited.indexOf(old));
  return edited;
}

const cases: DifferentialCase[] = [
  { threat: 'good: RSA, detached, with an intermediate CA', outcome: 'pass', make: () => signedReport(endEntity('good-rsa-detached', intermediate, { key: 'rsa' }), [intermediate]) },
  {
    threat: 'good: ECDSA P-256, attached, with an intermediate CA',
    outcome: 'pass',
    make: () => {
      const signer = endEntity('good-ec-attached', intermediate);
      return { signature: pki.sign(reportPath, signer, [intermediate], { attached: true }), signer, untrusted: [intermediate] };
    },
  },
  {
    threat: 'good: RSA, attached, checked against the same document',
    outcome: 'pass',
    make: () => {
      const signer = endEntity('good-rsa-attached', intermediate, { key: 'rsa' });
      return { signature: pki.sign(reportPath, signer, [intermediate], { attached: true }), contentPath: reportPath, signer, untrusted: [intermediate] };
    },
  },
  { threat: 'good: ECDSA P-256, detached, with an intermediate CA', outcome: 'pass', make: () => signedReport(endEntity('good-ec-detached', intermediate), [intermediate]) },
  {
    threat: 'an end-entity certificate acting as a CA',
    outcome: 'fail',
    subIndication: 'CHAIN_CONSTRAINTS_FAILURE',
    make: () => {
      const employee = endEntity('employee', intermediate);
      return signedReport(endEntity('issued-by-employee', employee), [employee, intermediate]);
    },
  },
  {
    threat: 'a path longer than pathLenConstraint allows',
    outcome: 'fail',
    subIndication: 'CHAIN_CONSTRAINTS_FAILURE',
    make: () => {
      const limited = pki.issue('pathlen-zero', { commonName: 'Diff CA pathlen 0', issuer: root, key: 'ec', extensions: [...extensionSets.caPathLenZero] });
      const below = pki.issue('below-pathlen-zero', { commonName: 'Diff CA below pathlen 0', issuer: limited, key: 'ec', extensions: [...extensionSets.ca] });
      return signedReport(endEntity('beyond-pathlen', below), [below, limited]);
    },
  },
  {
    threat: 'a certificate issued by another key under the intermediate CA’s name',
    outcome: 'fail',
    subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    make: () => {
      // Self-signed, with exactly the intermediate's subject name but its own key.
      const impostor = pki.issue('impostor', { commonName: 'Diff Intermediate CA', key: 'ec', extensions: [...extensionSets.ca] });
      return signedReport(endEntity('issued-by-impostor', impostor), [intermediate]);
    },
  },
  {
    threat: 'an expired intermediate CA',
    outcome: 'fail',
    subIndication: 'EXPIRED',
    make: () => {
      const expired = pki.issue('expired-ca', { commonName: 'Diff Expired CA', issuer: root, key: 'ec', extensions: [...extensionSets.ca], notBefore: new Date(Date.now() - 400 * day), notAfter: new Date(Date.now() - 30 * day) });
      return signedReport(endEntity('under-expired-ca', expired), [expired]);
    },
  },
  {
    threat: 'a signer certificate not yet valid',
    outcome: 'fail',
    subIndication: 'NOT_YET_VALID',
    make: () => signedReport(endEntity('not-yet-valid', intermediate, { notBefore: new Date(Date.now() + 30 * day), notAfter: new Date(Date.now() + 400 * day) }), [intermediate]),
  },
  {
    threat: 'a revoked signer certificate, with the CRL given',
    outcome: 'fail',
    subIndication: 'REVOKED',
    make: () => {
      // A CA of its own, so that its CRL lists only this certificate.
      const revoking = pki.issue('revoking-ca', { commonName: 'Diff Revoking CA', issuer: root, key: 'ec', extensions: [...extensionSets.ca] });
      const signer = endEntity('revoked', revoking);
      const input = signedReport(signer, [revoking]);
      pki.revoke(revoking, signer);
      return { ...input, crlPath: pki.crl(revoking) };
    },
  },
  {
    threat: 'an attached signature of another document presented for this one',
    outcome: 'fail',
    subIndication: 'HASH_FAILURE',
    make: () => {
      const signer = endEntity('attached-swap', intermediate);
      return { signature: pki.sign(helloPath, signer, [intermediate], { attached: true }), contentPath: reportPath, signer, untrusted: [intermediate] };
    },
  },
  {
    threat: 'a document changed after signing (digest mismatch)',
    outcome: 'fail',
    subIndication: 'HASH_FAILURE',
    make: () => ({ ...signedReport(endEntity('digest-mismatch', intermediate), [intermediate]), contentPath: changedPath }),
  },
  {
    threat: 'a signature value with a flipped bit',
    outcome: 'fail',
    subIndication: 'SIG_CRYPTO_FAILURE',
    make: () => {
      const input = signedReport(endEntity('flipped', intermediate, { key: 'rsa' }), [intermediate]);
      // OpenSSL writes no unsigned attributes: the RSA signature value ends the DER.
      const signature = Buffer.from(input.signature);
      signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 0x01;
      return { ...input, signature };
    },
  },
  {
    threat: 'a content-type attribute that differs from the encapsulated content type (DER edit, re-signed)',
    outcome: 'fail',
    subIndication: 'FORMAT_FAILURE',
    opensslAccepts: 'OpenSSL 3.0 does not compare the content-type attribute with eContentType; RFC 5652 §5.3 and §11.1 require them to match',
    make: () => {
      const signer = endEntity('wrong-content-type', intermediate, { key: 'rsa' });
      const input = signedReport(signer, [intermediate]);
      return { ...input, signature: withWrongContentType(input.signature, signer) };
    },
  },
  {
    threat: 'an unknown critical extension in the signer certificate',
    outcome: 'fail',
    subIndication: 'CHAIN_CONSTRAINTS_FAILURE',
    make: () => signedReport(endEntity('unknown-critical', intermediate, { extensions: [...extensionSets.endEntity, '1.3.6.1.4.1.55555.1 = critical, ASN1:NULL'] }), [intermediate]),
  },
];

function openssl(args: string[]): { passed: boolean; output: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { passed: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

describe('NedraDesk and OpenSSL agree on every verdict', () => {
  for (const testCase of cases) {
    const title = testCase.outcome === 'pass' ? 'both pass' : testCase.opensslAccepts !== undefined ? 'NedraDesk refuses where OpenSSL 3.0 is lax' : 'both refuse';
    it(`${title}: ${testCase.threat}`, () => {
      const input = testCase.make();
      const at = new Date();
      const attime = String(Math.floor(at.getTime() / 1000));
      const signaturePath = path.join(pki.dir, `case-${cases.indexOf(testCase)}.p7s`);
      writeFileSync(signaturePath, input.signature);
      const crlArgs = input.crlPath === undefined ? [] : ['-crl_check', '-CRLfile', input.crlPath];

      const cmsArgs = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', signaturePath, '-CAfile', root.certPath, '-purpose', 'any', '-attime', attime, '-out', path.join(pki.dir, 'out.bin'), ...crlArgs];
      if (input.contentPath !== undefined) cmsArgs.push('-content', input.contentPath);
      const cms = openssl(cmsArgs);

      const report = verifyCades(input.signature, {
        content: input.contentPath === undefined ? undefined : readFileSync(input.contentPath),
        trustAnchors: [root.der],
        crls: input.crlPath === undefined ? [] : [readFileSync(input.crlPath)],
        now: at,
      });
      const nedradeskPassed = report.indication === 'TOTAL_PASSED';

      const summary = `OpenSSL cms: ${cms.output.trim()}\nNedraDesk: ${report.indication} ${report.subIndication ?? ''} ${report.reasons.join(' ')}`;
      expect(cms.passed, summary).toBe(testCase.outcome === 'pass' || testCase.opensslAccepts !== undefined);
      expect(nedradeskPassed, summary).toBe(testCase.outcome === 'pass');
      if (testCase.subIndication !== undefined) expect(report.subIndication, summary).toBe(testCase.subIndication);

      // Certificate cases: the path alone, as `openssl verify` judges it, agrees as well.
      if (testCase.outcome === 'pass' || testCase.subIndication === 'CHAIN_CONSTRAINTS_FAILURE' || testCase.subIndication === 'NO_CERTIFICATE_CHAIN_FOUND' || testCase.subIndication === 'EXPIRED' || testCase.subIndication === 'NOT_YET_VALID' || testCase.subIndication === 'REVOKED') {
        const signer = input.signer as OpensslIdentity;
        const verifyArgs = ['verify', '-CAfile', root.certPath, '-purpose', 'any', '-attime', attime, ...crlArgs];
        if (input.untrusted !== undefined && input.untrusted.length > 0) verifyArgs.push('-untrusted', pki.bundle(`untrusted-${cases.indexOf(testCase)}`, input.untrusted));
        const pathCheck = openssl([...verifyArgs, signer.certPath]);
        expect(pathCheck.passed, `OpenSSL verify: ${pathCheck.output.trim()}\n${summary}`).toBe(testCase.outcome === 'pass');
      }
    });
  }
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';
import { runCli } from '../../support/cli';

const userPin = '246810';
let pki: TestPki;
let factory: TokenFactory;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  pki = await loadTestPki();
  factory = await TokenFactory.create();
  await factory.createToken({ label: 'Главбух', userPin });
  await factory.importIdentity('Главбух', userPin, pki.rsaSigner, { idHex: 'a1', label: 'Иванова' });
  await factory.createToken({ label: 'Директор', userPin });
  await factory.importIdentity('Директор', userPin, pki.ecSigner, { idHex: 'b2', label: 'Петров' });
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cli-'));
  writeFileSync(path.join(dir, 'report.xml'), '<?xml version="1.0" encoding="UTF-8"?><report>добыча</report>');
  writeFileSync(path.join(dir, 'license.pdf'), '%PDF-1.7\nлицензия\n%%EOF\n');
  env = { SOFTHSM2_CONF: factory.confPath, NEDRADESK_PKCS11_MODULE: factory.module, TOKEN_PIN: userPin, WRONG_PIN: '999999' };
});

function opensslVerify(signature: string, content: string): number | null {
  return spawnSync('openssl', ['cms', '-verify', '-cades', '-binary', '-inform', 'DER', '-in', signature, '-content', content, '-CAfile', pki.rootPath, '-out', '/dev/null']).status;
}

describe('nedradesk command line', () => {
  it('lists tokens and certificates as JSON', async () => {
    const tokens = await runCli(['tokens', '--json'], env);
    expect(tokens.status).toBe(0);
    expect((JSON.parse(tokens.stdout) as Array<{ label: string }>).map((token) => token.label).sort()).toEqual(['Главбух', 'Директор']);
    const certs = await runCli(['certs', '--token', 'Директор', '--json'], env);
    expect(certs.status).toBe(0);
    const listed = JSON.parse(certs.stdout) as Array<{ idHex: string; summary: { owner: string } }>;
    expect(listed.map((item) => [item.idHex, item.summary.owner])).toEqual([['b2', pki.ecSigner.subject.commonName]]);
  });

  it('signs two files in one login, writing FILE.sig that OpenSSL and verify accept', async () => {
    const files = ['report.xml', 'license.pdf'].map((name) => path.join(dir, name));
    const signed = await runCli(['sign', ...files, '--cert', 'label:Иванова', '--pin-env', 'TOKEN_PIN', '--chain', pki.chainPath], env);
    expect(signed.stderr).toBe('');
    expect(signed.status).toBe(0);
    for (const file of files) {
      expect(opensslVerify(`${file}.sig`, file)).toBe(0);
      const verified = await runCli(['verify', `${file}.sig`, '--trust', pki.rootPath], env);
      expect(verified.stdout).toContain('Подпись действительна');
      expect(verified.stdout).toContain('Иванова Мария Петровна');
      expect(verified.status).toBe(0);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('co-signs with another token, keeping both signatures valid for OpenSSL', async () => {
    const file = path.join(dir, 'report.xml');
    const cosigned = await runCli(['cosign', `${file}.sig`, '--content', file, '--cert', 'id:b2', '--token', 'Директор', '--pin-env', 'TOKEN_PIN', '--chain', pki.intermediatePath, '--out', `${file}.2.sig`], env);
    expect(cosigned.status).toBe(0);
    expect(opensslVerify(`${file}.2.sig`, file)).toBe(0);
    const report = await runCli(['verify', `${file}.2.sig`, '--content', file, '--trust', pki.rootPath, '--json'], env);
    const parsed = JSON.parse(report.stdout) as { indication: string; signers: Array<{ signer: { owner: string } }> };
    const pdf = path.join(dir, 'протокол.pdf');
    expect((await runCli(['verify', `${file}.2.sig`, '--content', file, '--trust', pki.rootPath, '--pdf-report', pdf], env)).status).toBe(0);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Протокол проверки электронной подписи');
    expect(text).toContain('Результат: Подпись действительна');
    expect(text).toContain(`Владелец сертификата: ${pki.rsaSigner.subject.commonName}`);
    expect(text).toContain(`Владелец сертификата: ${pki.ecSigner.subject.commonName}`);
    expect(text).toContain('Цепочка до доверенного УЦ: пройдена');
    expect(parsed.indication).toBe('TOTAL_PASSED');
    expect(parsed.signers.map((signer) => signer.signer.owner)).toEqual([pki.rsaSigner.subject.commonName, pki.ecSigner.subject.commonName]);
  });

  it('makes attached PEM signatures into an output folder', async () => {
    const outDir = path.join(dir, 'out');
    const file = path.join(dir, 'report.xml');
    const signed = await runCli(['sign', file, '--cert', 'label:Петров', '--pin-env', 'TOKEN_PIN', '--attached', '--pem', '--chain', pki.intermediatePath, '--out-dir', outDir], env);
    expect(signed.status).toBe(0);
    const signature = path.join(outDir, 'report.xml.sig');
    expect(readFileSync(signature, 'utf8')).toMatch(/^-----BEGIN CMS-----/);
    const verified = await runCli(['verify', signature, '--trust', pki.rootPath, '--json'], env);
    expect(verified.status).toBe(0);
    expect((JSON.parse(verified.stdout) as { attached: boolean }).attached).toBe(true);
  });

  it('exits 1 for changed content, 2 without a trust anchor, 65 for a missing file, 64 for wrong usage', async () => {
    const file = path.join(dir, 'license.pdf');
    const tampered = path.join(dir, 'tampered.pdf');
    writeFileSync(tampered, '%PDF-1.7\nдругая лицензия\n%%EOF\n');
    const failed = await runCli(['verify', `${file}.sig`, '--content', tampered, '--trust', pki.rootPath], env);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('HASH_FAILURE');
    expect((await runCli(['verify', `${file}.sig`], env)).status).toBe(2);
    const missing = await runCli(['verify', path.join(dir, 'нет.sig')], env);
    expect(missing.status).toBe(65);
    expect(missing.stderr).toContain('Файл не найден');
    expect((await runCli(['verify'], env)).status).toBe(64);
    expect((await runCli(['sign', file, '--cert', 'что-то', '--pin-env', 'TOKEN_PIN'], env)).status).toBe(64);
    // Five CLI starts in one test: a bound for a busy 2-core machine, not a wait.
  }, 120_000);

  it('refuses a wrong PIN with status 77 and writes no signature', async () => {
    const file = path.join(dir, 'fresh.txt');
    writeFileSync(file, 'новый документ');
    const result = await runCli(['sign', file, '--cert', 'label:Иванова', '--pin-env', 'WRONG_PIN'], env);
    expect(result.status).toBe(77);
    expect(result.stderr).toContain('Неверный PIN-код');
    expect(result.stderr).not.toContain('999999');
    expect(existsSync(`${file}.sig`)).toBe(false);
  });

  it('signs with a PKCS#12 file instead of a token', async () => {
    const file = path.join(dir, 'fresh.txt');
    const result = await runCli(['sign', file, '--p12', pki.ecSigner.p12Path, '--pin-env', 'P12_PASSWORD'], { ...env, P12_PASSWORD: 'nedra-p12' });
    expect(result.status).toBe(0);
    expect(opensslVerify(`${file}.sig`, file)).toBe(0);
  });
});

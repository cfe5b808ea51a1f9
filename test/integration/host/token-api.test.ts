import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';
import { startBuiltWebHost, type RunningWebHost } from '../../support/web-host-process';

// Runs against the built bundle (npm test builds first), as the browser UI talks to it.
const userPin = '408163';
let pki: TestPki;
let factory: TokenFactory;
let host: RunningWebHost;
let cookie: string;
let dir: string;
const logs: string[] = [];

async function call<T>(method: string, input: unknown): Promise<{ ok: boolean; value?: T; error?: { code: string; message: string } }> {
  const response = await fetch(new URL(`/api/call/${method}`, host.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(input),
  });
  return (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
}

beforeAll(async () => {
  pki = await loadTestPki();
  factory = await TokenFactory.create();
  await factory.createToken({ label: 'Бухгалтерия', userPin });
  await factory.importIdentity('Бухгалтерия', userPin, pki.rsaSigner, { idHex: '01', label: 'Иванова' });
  host = await startBuiltWebHost({ SOFTHSM2_CONF: factory.confPath, NEDRADESK_PKCS11_MODULE: factory.module, NEDRADESK_LOG_LEVEL: 'debug' });
  host.process.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  host.process.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  cookie = await host.cookieHeader();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-api-'));
});

afterAll(async () => {
  await host?.stop();
});

describe('token and signature calls over the browser-mode host', () => {
  it('lists the token and its certificate through the token process', async () => {
    const tokens = await call<Array<{ label: string }>>('tokens:list', {});
    expect(tokens.value?.map((token) => token.label)).toEqual(['Бухгалтерия']);
    const certificates = await call<Array<{ idHex: string; status: string; summary: { owner: string } }>>('certificates:list', {});
    expect(certificates.value?.map((item) => [item.idHex, item.status, item.summary.owner])).toEqual([['01', 'valid', 'Иванова Мария Петровна']]);
  });

  it('signs a staged file with the PIN, verifies it with a PDF report, and maps a wrong PIN', async () => {
    const file = path.join(dir, 'отчёт.xml');
    writeFileSync(file, '<report>добыча</report>');
    // Files reach the app as the browser stages a dropped file: bytes in, a handle back.
    const stage = async (source: string): Promise<string> => (await call<{ fileId: string }>('files:stage', { name: path.basename(source), contentBase64: readFileSync(source).toString('base64') })).value?.fileId ?? '';
    const staged = await stage(file);
    const wrong = await call('signatures:sign', { files: [staged], certificate: 'id:01', pin: '000000' });
    expect(wrong.error?.code).toBe('PIN_INCORRECT');
    const signed = await call<Array<{ name: string; signatureFileId: string; signatureName: string }>>('signatures:sign', { files: [staged], certificate: 'id:01', pin: userPin });
    expect(signed.value?.[0]).toMatchObject({ name: 'отчёт.xml', signatureName: 'отчёт.xml.sig' });
    const signatureFileId = signed.value?.[0]?.signatureFileId ?? '';
    const root = await stage(pki.rootPath);
    const verified = await call<{ indication: string; subIndication?: string; pdfReportFileId?: string }>('signatures:verify', { signatureFileId, contentFileId: staged, trustAnchorFileIds: [root], pdfReport: true });
    // The token holds no CA certificates, so the chain ends at the signer: the verdict says so.
    expect([verified.value?.indication, verified.value?.subIndication]).toEqual(['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
    const withChain = await call<{ indication: string }>('signatures:verify', { signatureFileId, contentFileId: staged, trustAnchorFileIds: [root, await stage(pki.intermediatePath)] });
    expect(withChain.value?.indication).toBe('TOTAL_PASSED');
    const report = await call<{ name: string; contentBase64: string }>('files:read', { fileId: verified.value?.pdfReportFileId ?? '' });
    const pdfReportPath = path.join(dir, report.value?.name ?? 'протокол.pdf');
    writeFileSync(pdfReportPath, Buffer.from(report.value?.contentBase64 ?? '', 'base64'));
    expect(spawnSync('pdftotext', [pdfReportPath, '-'], { encoding: 'utf8' }).stdout).toContain('Протокол проверки электронной подписи');
  });

  it('never writes the PIN to the host log', () => {
    expect(logs.join('')).not.toContain(userPin);
  });
  it('pushes tokens:changed with an empty list when the token is pulled out', async () => {
    const controller = new AbortController();
    const response = await fetch(new URL('/api/events', host.url), { headers: { cookie }, signal: controller.signal });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no event stream');
    // SoftHSM's token folder gone is what a pulled USB token looks like to the poll.
    rmSync(factory.tokenDir, { recursive: true, force: true });
    let text = '';
    const deadline = Date.now() + 8_000;
    let pending = reader.read();
    while (!/event: tokens:changed\ndata: \{"tokens":\[\]\}/.test(text) && Date.now() < deadline) {
      const chunk = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
      if (chunk === undefined) continue; // the read stays pending; never start a second one
      if (chunk.value !== undefined) text += new TextDecoder().decode(chunk.value);
      pending = reader.read();
    }
    pending.catch(() => undefined); // the last read ends with the abort below
    controller.abort();
    expect(text).toContain('event: tokens:changed\ndata: {"tokens":[]}');
    const tokens = await call<unknown[]>('tokens:list', {});
    expect(tokens.value).toEqual([]);
  });
});

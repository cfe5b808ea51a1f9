/**
 * Threat: a body cap that does not match the document rules. Too small, and browser mode refuses a
 * licence copy the rules allow (a 7 MB scan got FILE_TOO_LARGE although the rule says 10 MB), which
 * pushes users to worse channels; unbounded, and one request can fill the host's memory. The cap is
 * the largest file a document rule admits, as base64 in its JSON envelope, and nothing more.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentRoles } from '../../src/main/core/catalog/document-roles';
import { errorMessages } from '../../src/shared/errors';
import { startBuiltWebHost, type RunningWebHost } from '../support/web-host-process';

// Runs against the built bundle (npm test builds first), as the browser UI talks to it.
let host: RunningWebHost;
let cookie: string;

const licenceCopyBytes = documentRoles.licenseCopy.rule.maxBytes;
const largestRuleBytes = Math.max(...Object.values(documentRoles).map((role) => ('maxBytes' in role.rule ? role.rule.maxBytes : 0)));

/** A PDF-looking file of exactly `size` bytes with random content (nothing compresses or repeats). */
function fileOf(size: number): Buffer {
  const bytes = randomBytes(size);
  Buffer.from('%PDF-1.7\n').copy(bytes, 0);
  return bytes;
}

interface StageAnswer {
  status: number;
  body: { ok: boolean; value?: { path?: string }; error?: { code: string; message: string } };
}

/**
 * POSTs `files:stage` on a connection of its own (no keep-alive reuse between the long calls here),
 * with a declared length, or chunked as a streamed upload without one.
 */
function stage(name: string, bytes: Buffer, options: { chunked?: boolean } = {}): Promise<StageAnswer> {
  const parts = [Buffer.from(`{"name":${JSON.stringify(name)},"contentBase64":"`), Buffer.from(bytes.toString('base64')), Buffer.from('"}')];
  const { port } = new URL(host.url);
  const headers: Record<string, string | number> = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', cookie };
  if (options.chunked !== true) headers['content-length'] = parts.reduce((sum, part) => sum + part.length, 0);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: Number(port), path: '/api/call/files:stage', method: 'POST', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as StageAnswer['body'] }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    for (const part of parts) outgoing.write(part);
    outgoing.end();
  });
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-upload-cap-'));
  host = await startBuiltWebHost({}, ['--data-dir', path.join(dir, 'data')]);
  cookie = await host.cookieHeader();
});

afterAll(async () => {
  await host?.stop();
});

describe('the browser-mode body cap follows the document rules', () => {
  it('stages a licence copy of the full 10 MB the rule allows, with the longest file name, byte for byte', async () => {
    expect(licenceCopyBytes).toBe(10 * 1024 * 1024);
    const scan = fileOf(licenceCopyBytes);
    // 255 characters, the most the contract takes, in Cyrillic (two bytes each in UTF-8).
    const name = `${'Копия лицензии ВЛГ 01234 НЭ '.repeat(10)}`.slice(0, 251) + '.pdf';
    const staged = await stage(name, scan);
    expect(staged.body.error).toBeUndefined();
    expect([staged.status, staged.body.ok]).toEqual([200, true]);
    const stagedPath = staged.body.value?.path;
    if (stagedPath !== undefined) expect(createHash('sha256').update(readFileSync(stagedPath)).digest('hex')).toBe(createHash('sha256').update(scan).digest('hex'));
  });

  it('refuses a file over the largest rule with FILE_TOO_LARGE and the Russian message', async () => {
    const tooBig = fileOf(largestRuleBytes + 64 * 1024);
    const refused = await stage('Копия лицензии.pdf', tooBig);
    expect(refused.status).toBe(413);
    expect(refused.body.ok).toBe(false);
    expect(refused.body.error?.code).toBe('FILE_TOO_LARGE');
    expect(refused.body.error?.message).toBe(errorMessages.FILE_TOO_LARGE);
    // The same body streamed without a declared length is cut off at the cap just the same.
    const streamed = await stage('Копия лицензии.pdf', tooBig, { chunked: true });
    expect([streamed.status, streamed.body.error?.code]).toEqual([413, 'FILE_TOO_LARGE']);
    // The host is still there for the next call.
    const after = await stage('опись.xml', Buffer.from('<опись/>'));
    expect(after.body.ok).toBe(true);
  });
});

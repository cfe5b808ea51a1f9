import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStand, type RunningStand } from '../../../src/stand/server';

let stand: RunningStand;

beforeAll(async () => {
  // Test mode: the description covers /training/sms, which exists only then.
  stand = await startStand({ dataDir: mkdtempSync(path.join(tmpdir(), 'nedradesk-openapi-')), testMode: true, log: () => undefined });
});

afterAll(async () => {
  await stand?.close();
});

/** Paths and methods documented in docs/cabinet-api.yaml (two-space indented path keys). */
function documentedOperations(text: string): Array<{ method: string; url: string }> {
  const operations: Array<{ method: string; url: string }> = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const pathMatch = /^ {2}(\/[^:\s]+):\s*$/.exec(line);
    if (pathMatch !== null) current = pathMatch[1];
    else if (/^\S/.test(line)) current = undefined;
    const methodMatch = /^ {4}(get|post|patch|delete|put):/.exec(line);
    if (methodMatch !== null && current !== undefined) operations.push({ method: (methodMatch[1] as string).toUpperCase(), url: current.replace(/\{(\w+)\}/g, ':$1') });
  }
  return operations;
}

describe('the cabinet API description', () => {
  it('is served by the stand and documents every operation the stand implements', async () => {
    const served = await (await fetch(new URL('/docs/cabinet-api.yaml', stand.url))).text();
    expect(served).toBe(readFileSync(path.join(process.cwd(), 'docs/cabinet-api.yaml'), 'utf8'));
    const operations = documentedOperations(served);
    expect(operations.length).toBeGreaterThan(25);
    const missing = operations.filter((operation) => !stand.app.hasRoute({ method: operation.method as 'GET', url: operation.url }));
    expect(missing).toEqual([]);
    // The operations the cabinet, identity and roles APIs are known by are among them.
    for (const [method, url] of [['POST', '/api/v1/orders'], ['POST', '/idp/token'], ['GET', '/rs/prns/:oid']] as const) {
      expect(stand.app.hasRoute({ method, url })).toBe(true);
      expect(operations).toContainEqual({ method, url });
    }
  });
});

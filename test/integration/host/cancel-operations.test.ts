import { existsSync, mkdtempSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../src/main/services/app-services';
import type { LocalTokenService } from '../../../src/main/token/token-service';
import type { ApiEvents } from '../../../src/shared/api';
import { loadTestPki } from '../../fixtures/pki';
import { makeToken, stage } from '../../support/app-workplace';

const pin = '482915';
let tokens: LocalTokenService;
let app: AppServices;
let dir: string;
let dataDir: string;
const progress: Array<ApiEvents['progress']> = [];
let onProgress: ((event: ApiEvents['progress']) => void) | undefined;

beforeAll(async () => {
  const pki = await loadTestPki();
  ({ tokens } = await makeToken({ label: 'Бухгалтерия', pin, identities: [{ identity: pki.rsaSigner, idHex: '01', label: 'Иванова' }] }));
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cancel-'));
  app = createAppServices({
    mode: 'browser',
    version: 'test',
    dataDir: (dataDir = path.join(dir, 'data')),
    tokens,
    emit: (event, payload) => {
      if (event !== 'progress') return;
      progress.push(payload as ApiEvents['progress']);
      onProgress?.(payload as ApiEvents['progress']);
    },
  });
});

afterAll(async () => {
  await app?.close();
  await tokens?.close();
});

describe('cancelling long work', () => {
  it('stops signing a large batch at its next safe point: OPERATION_CANCELLED, no .sig written, the token usable again', async () => {
    const big = path.join(dir, 'геологический-отчёт.pdf');
    writeFileSync(big, '%PDF-1.7\n');
    // As large as staging takes in one piece (files:stage), so that signing it takes a while.
    truncateSync(big, 48 * 1024 * 1024);
    const small = path.join(dir, 'опись.xml');
    writeFileSync(small, '<опись/>');
    onProgress = (event) => {
      // The first progress of this operation: the user presses «Отменить».
      if (event.operationId === 'batch-1' && event.done > 0) void app.dispatch('operations:cancel', { operationId: 'batch-1' });
    };
    const files = [await stage(app, big), await stage(app, small)];
    const signatures = () => (existsSync(path.join(dataDir, 'signatures')) ? readdirSync(path.join(dataDir, 'signatures'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.sig')) : []);
    const result = await app.dispatch('signatures:sign', { files, certificate: 'id:01', pin, operationId: 'batch-1' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('OPERATION_CANCELLED');
      expect(result.error.message).toBe('Операция отменена.');
    }
    expect(progress.some((event) => event.operationId === 'batch-1')).toBe(true);
    expect(signatures()).toEqual([]);

    onProgress = undefined;
    const again = await app.dispatch('signatures:sign', { files: [files[1]], certificate: 'id:01', pin, operationId: 'batch-2' });
    expect(again.ok).toBe(true);
    expect(signatures().map((name) => path.basename(name))).toEqual(['опись.xml.sig']);
  });

  it('ignores a cancel for an operation that is not running', async () => {
    expect(await app.dispatch('operations:cancel', { operationId: 'nothing-here' })).toEqual({ ok: true, value: null });
  });
});

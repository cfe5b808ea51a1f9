import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../src/main/services/app-services';
import type { LocalTokenService } from '../../../src/main/token/token-service';
import { call, makeToken } from '../../support/app-workplace';

let app: AppServices;
let tokens: LocalTokenService;
let dataDir: string;

beforeAll(async () => {
  // No token at all: dropped files need none.
  ({ tokens } = await makeToken());
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'nedradesk-documents-')), 'data');
  app = createAppServices({ mode: 'browser', version: 'test', dataDir, tokens, emit: () => undefined });
});

afterAll(async () => {
  await app?.close();
  await tokens?.close();
});

describe('dropped files in the content-addressed document store', () => {
  it('keeps a dropped file once by its SHA-256, with its name and type in the database, and inspects it by the name given', async () => {
    const scan = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const first = await call(app, 'files:stage', { name: 'Копия лицензии.pdf', contentBase64: scan.toString('base64') });
    const again = await call(app, 'files:stage', { name: 'лицензия (2).pdf', contentBase64: scan.toString('base64') });
    // The UI gets handles, never paths; each staging is its own handle, the bytes are kept once.
    expect(first.fileId).toMatch(/^stg_[A-Za-z0-9_-]{22}$/);
    expect(again.fileId).not.toBe(first.fileId);
    expect(JSON.stringify([first, again])).not.toContain(dataDir);
    const sha256 = createHash('sha256').update(scan).digest('hex');
    const stored = path.join(dataDir, 'documents', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    expect(readFileSync(stored).equals(scan)).toBe(true);

    const database = new Database(path.join(dataDir, 'nedradesk.db'), { readonly: true });
    try {
      const rows = database.prepare('SELECT sha256, size, media_type, original_name FROM documents').all();
      expect(rows).toEqual([{ sha256, size: scan.length, media_type: 'application/pdf', original_name: 'Копия лицензии.pdf' }]);
      const handles = database.prepare('SELECT id, path, name FROM file_handles ORDER BY name').all();
      expect(handles).toEqual([
        { id: first.fileId, path: stored, name: 'Копия лицензии.pdf' },
        { id: again.fileId, path: stored, name: 'лицензия (2).pdf' },
      ]);
    } finally {
      database.close();
    }
    const inspection = await call(app, 'documents:inspect', { fileId: first.fileId, fileName: 'Копия лицензии.pdf' });
    expect(inspection).toMatchObject({ fileName: 'Копия лицензии.pdf', declaredFormat: 'pdf', detectedFormat: 'pdf' });
    // The handle's own name when the call names none.
    expect(await call(app, 'documents:inspect', { fileId: again.fileId })).toMatchObject({ fileName: 'лицензия (2).pdf' });
    expect(await call(app, 'files:read', { fileId: again.fileId })).toEqual({ name: 'лицензия (2).pdf', mediaType: 'application/pdf', contentBase64: scan.toString('base64') });
    expect(existsSync(path.join(dataDir, 'staged'))).toBe(false);
  });
});

/**
 * A compromised renderer must not make main read or write a file it names. The API contract takes
 * no paths: files are named by handles main gave out (`stg_…` staged, `out_…` written by main).
 * The first part walks every method of the contract's schema object (a method added later is
 * walked too) and feeds path strings into every string field; the second replays the attacks that
 * worked before through the real dispatcher of the app's services.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { openStore } from '../../src/main/store/database';
import { migrations } from '../../src/main/store/migrations';
import { putDocument, saveDraft } from '../../src/main/store/repositories';
import type { LocalTokenService } from '../../src/main/token/token-service';
import { apiInputs, fileIdPattern, type ApiMethod } from '../../src/shared/api';
import type { ErrorData } from '../../src/shared/errors';
import { loadTestPki } from '../fixtures/pki';
import { call, makeToken, stage } from '../support/app-workplace';

const hostilePaths = ['/etc/shadow', '../../x', 'C:\\Windows\\win.ini'];

/**
 * Fields that take the user's free text and that main never uses as a path: each with why. Every
 * other string field must refuse the hostile paths by its format.
 */
const freeText: Record<string, string> = {
  'signatures:sign.pin': 'the PIN: to C_Login only',
  'packages:build.pin': 'the PIN: to C_Login only',
  'cabinet:login-signature.pin': 'the PIN: to C_Login only',
  'files:stage.contentBase64': "the file's bytes, written into the document store under their SHA-256",
  'packages:build.title': 'a title shown in lists and the manifest',
  'drafts:save.title': 'a title shown in lists',
  'outbox:submit.title': 'a title shown in lists and sent to the cabinet',
  'packages:list.search': 'a search text compared with titles and numbers in SQL parameters',
  'forms:validate.data': "the form's fields: text printed into the PDF and XML",
  'forms:render.data': "the form's fields: text printed into the PDF and XML",
  'packages:build.data': "the form's fields: text printed into the PDF and XML",
  'drafts:save.data': "the form's fields: text printed into the PDF and XML",
};

interface Field {
  method: ApiMethod;
  /** Where the field is in an input, an array element as 0. */
  at: Array<string | number>;
  kind: 'string' | 'record';
}

/** Every string (and record) field of a schema; an unknown kind of schema fails the test rather than being skipped. */
function fieldsOf(method: ApiMethod, schema: z.ZodType, at: Array<string | number>, found: Field[]): Field[] {
  const def = schema.def as unknown as { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType };
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def.shape ?? {})) fieldsOf(method, child, [...at, key], found);
      break;
    case 'optional':
    case 'default':
    case 'nullable':
      fieldsOf(method, def.innerType as z.ZodType, at, found);
      break;
    case 'array':
      fieldsOf(method, def.element as z.ZodType, [...at, 0], found);
      break;
    case 'string':
      found.push({ method, at, kind: 'string' });
      break;
    case 'record':
      found.push({ method, at, kind: 'record' });
      break;
    case 'number':
    case 'boolean':
    case 'enum':
      break;
    default:
      throw new Error(`${method}: a ${def.type} schema at ${at.join('.')} — teach this test what it may carry`);
  }
  return found;
}

/** An input with only `value` at `at` (arrays as one element). */
function inputWith(at: Array<string | number>, value: unknown): unknown {
  const [head, ...rest] = at;
  if (head === undefined) return value;
  const inner = inputWith(rest, value);
  return typeof head === 'number' ? [inner] : { [head]: inner };
}

const fields = (Object.entries(apiInputs) as Array<[ApiMethod, z.ZodType]>).flatMap(([method, schema]) => fieldsOf(method, schema, [], []));
const nameOf = (field: Field) => `${field.method}.${field.at.filter((part) => typeof part === 'string').join('.')}`;

describe('the API contract accepts no free path', () => {
  it('walks every method of the contract', () => {
    expect(fields.length).toBeGreaterThan(40);
    expect(new Set(fields.map((field) => field.method)).size).toBeGreaterThan(20);
  });

  it.each(fields.filter((field) => freeText[nameOf(field)] === undefined).map((field) => [nameOf(field), field] as const))('%s refuses a path by its format', (_name, field) => {
    expect(field.kind, `${nameOf(field)} is a record of free keys: list it as free text with the reason, or give it a format`).toBe('string');
    for (const hostile of hostilePaths) {
      const parsed = apiInputs[field.method].safeParse(inputWith(field.at, hostile));
      expect(parsed.success).toBe(false);
      const issuePaths = parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
      expect(issuePaths, `${nameOf(field)} accepted ${hostile}`).toContain(field.at.join('.'));
    }
  });

  it('lists as free text only fields that exist and are not named like a file, a path, a folder or a module', () => {
    const names = new Set(fields.map(nameOf));
    for (const [name, reason] of Object.entries(freeText)) {
      expect(names.has(name), `${name} (${reason}) is no field of the contract`).toBe(true);
      expect(name.split('.').at(-1)).not.toMatch(/path|file|dir|folder|module|anchor|crl/i);
    }
  });

  it('takes files by handles whose format spells no path', () => {
    for (const handle of ['stg_AAAAAAAAAAAAAAAAAAAAAA', `out_${'-_'.repeat(11)}`]) expect(fileIdPattern.test(handle), handle).toBe(true);
    for (const forged of ['stg_../../../etc/shadow', 'stg_/etc/shadow', 'out_AAAAAAAAAAAAAAAAAAAAA/', 'tmp_AAAAAAAAAAAAAAAAAAAAAA', ...hostilePaths]) expect(fileIdPattern.test(forged)).toBe(false);
  });
});

describe('the attacks that read or wrote files outside the data folder now get a typed error', () => {
  const pin = '529413';
  let app: AppServices;
  let tokens: LocalTokenService;
  let root: string;
  let dataDir: string;
  let secretFile: string;
  let victim: string;
  const secret = 'root:$6$не-для-чужих-глаз:19000:0:99999:7:::';

  const failureOf = async (method: ApiMethod, input: unknown): Promise<ErrorData> => {
    const result = await app.dispatch(method, input);
    expect(result.ok, `${method} succeeded`).toBe(false);
    if (result.ok) throw new Error('unreachable');
    // Whatever the answer, it never carries the outside file.
    expect(JSON.stringify(result)).not.toContain('не-для-чужих-глаз');
    return result.error;
  };

  beforeAll(async () => {
    const pki = await loadTestPki();
    ({ tokens } = await makeToken({ label: 'Бухгалтерия', pin, identities: [{ identity: pki.rsaSigner, idHex: '01', label: 'Иванова' }] }));
    root = mkdtempSync(path.join(tmpdir(), 'nedradesk-free-paths-'));
    dataDir = path.join(root, 'data');
    // Stand-ins for /etc/shadow and ~/.bashrc: files outside the data folder the user never chose.
    secretFile = path.join(root, 'shadow');
    writeFileSync(secretFile, secret, { mode: 0o600 });
    victim = path.join(root, '.bashrc');
    writeFileSync(victim, 'export PATH=$HOME/bin:$PATH\n');
    app = createAppServices({ mode: 'browser', version: 'test', dataDir, tokens, emit: () => undefined, cabinet: { startStand: () => Promise.reject(new Error('no stand in this test')) } });
  });

  afterAll(async () => {
    await app?.close();
    await tokens?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('signatures:verify does not write its PDF report over a file outside the data folder', async () => {
    const document = path.join(root, 'отчёт.xml');
    writeFileSync(document, '<report/>');
    const staged = await stage(app, document);
    const [signed] = await call(app, 'signatures:sign', { files: [staged], certificate: 'id:01', pin });
    const signatureFileId = signed?.signatureFileId ?? '';
    const before = readFileSync(victim);
    const refused = await failureOf('signatures:verify', { signatureFileId, contentFileId: staged, pdfReportPath: victim });
    expect(refused.code).toBe('INVALID_INPUT');
    expect((await failureOf('signatures:verify', { signaturePath: victim, pdfReport: true })).code).toBe('INVALID_INPUT');
    expect(readFileSync(victim).equals(before)).toBe(true);
    // The report the UI asks for goes into the data folder and comes back as a handle.
    const verified = await call(app, 'signatures:verify', { signatureFileId, contentFileId: staged, pdfReport: true });
    expect(verified.pdfReportFileId).toMatch(/^out_/);
    expect(JSON.stringify(verified)).not.toContain(root);
    expect(Buffer.from((await call(app, 'files:read', { fileId: verified.pdfReportFileId ?? '' })).contentBase64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('signatures:sign of a file outside the data folder, then files:read, returns nothing of it', async () => {
    expect((await failureOf('signatures:sign', { files: [secretFile], certificate: 'id:01', pin, outDir: dataDir })).code).toBe('INVALID_INPUT');
    expect((await failureOf('signatures:sign', { files: [secretFile], certificate: 'id:01', pin })).code).toBe('INVALID_INPUT');
    expect(existsSync(`${secretFile}.sig`)).toBe(false);
    expect((await failureOf('files:read', { path: secretFile })).code).toBe('INVALID_INPUT');
    expect((await failureOf('files:read', { fileId: secretFile })).code).toBe('INVALID_INPUT');
    // A handle main never gave out — guessed, or made up to look like one — stands for nothing.
    const guessed = await failureOf('files:read', { fileId: 'stg_AAAAAAAAAAAAAAAAAAAAAA' });
    expect(guessed.code).toBe('FILE_HANDLE_UNKNOWN');
    expect(guessed.message).toMatch(/Выберите или перетащите файл заново/);
  });

  it('documents:inspect tells nothing about a file outside the data folder', async () => {
    const refused = await failureOf('documents:inspect', { path: secretFile, fileName: 'shadow' });
    expect(refused.code).toBe('INVALID_INPUT');
    expect(JSON.stringify(refused)).not.toContain(String(secret.length));
    expect((await failureOf('documents:inspect', { fileId: secretFile })).code).toBe('INVALID_INPUT');
    // An output handle is no staged document either.
    expect((await failureOf('documents:inspect', { fileId: 'out_AAAAAAAAAAAAAAAAAAAAAA' })).code).toBe('INVALID_INPUT');
    expect((await failureOf('documents:inspect', { fileId: 'stg_AAAAAAAAAAAAAAAAAAAAAA' })).code).toBe('FILE_HANDLE_UNKNOWN');
  });

  it('outbox:submit, trust:import and packages:inspect take no path either', async () => {
    expect((await failureOf('outbox:submit', { packagePath: secretFile, typeCode: 'report.extraction', title: 'x' })).code).toBe('INVALID_INPUT');
    expect((await failureOf('trust:import', { path: secretFile })).code).toBe('INVALID_INPUT');
    expect((await failureOf('packages:inspect', { path: secretFile })).code).toBe('INVALID_INPUT');
    expect((await failureOf('settings:set', { pkcs11Modules: [secretFile] })).code).toBe('INVALID_INPUT');
  });
});

describe('attachments an earlier version kept as paths', () => {
  it('become handles on the first start when inside the data folder, and are dropped when outside it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'nedradesk-handles-migration-'));
    const dataDir = path.join(root, 'data');
    const outside = path.join(root, 'shadow');
    writeFileSync(outside, 'root:$6$не-для-чужих-глаз', { mode: 0o600 });
    // The database as version 4 left it: a draft whose attachments are paths (one planted from outside).
    const earlier = openStore({ dataDir, migrations: migrations.filter((migration) => migration.version <= 4) });
    const scan = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const stored = await putDocument(earlier, dataDir, scan, { originalName: 'Копия лицензии.pdf', mediaType: 'application/pdf' });
    saveDraft(earlier, {
      id: 'draft-1',
      organisationOid: null,
      typeCode: 'report.extraction',
      title: 'Отчёт',
      formData: {},
      attachments: [
        { role: 'license-copy', path: stored.path, fileName: 'Копия лицензии.pdf' },
        { role: 'report-file', path: outside, fileName: 'отчёт.xml' },
        { role: 'report-file', path: path.join(dataDir, '..', 'shadow') },
      ],
      replacesPackageId: null,
    });
    earlier.close();

    const app = createAppServices({ mode: 'browser', version: 'test', dataDir, emit: () => undefined, launchTokenProcess: () => { throw new Error('no token process in this test'); }, cabinet: { startStand: () => Promise.reject(new Error('no stand in this test')) } });
    try {
      const draft = await call(app, 'drafts:get', { id: 'draft-1' });
      expect(draft.files).toHaveLength(1);
      expect(draft.files[0]).toMatchObject({ role: 'license-copy', fileName: 'Копия лицензии.pdf' });
      expect(draft.files[0]?.fileId).toMatch(/^stg_/);
      expect(JSON.stringify(draft)).not.toContain(root);
      expect(await call(app, 'files:read', { fileId: draft.files[0]?.fileId ?? '' })).toMatchObject({ name: 'Копия лицензии.pdf', mediaType: 'application/pdf', contentBase64: scan.toString('base64') });
    } finally {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

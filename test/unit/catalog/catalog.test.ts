import { describe, expect, it } from 'vitest';
import { catalog, findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { validateForm } from '../../../src/main/core/forms/validate-form';
import { brokenValues, sampleAttachment, sampleAttachments, sampleData, today } from './sample-forms';

describe('catalog contents', () => {
  it('holds every application and report type of design §4 with unique stable ASCII codes', () => {
    const codes = catalog.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^(application|report)\.[a-z][a-z0-9-]*$/);
    expect(codes).toEqual(
      expect.arrayContaining([
        'application.subsoil-permit',
        'application.permit-change',
        'application.suspension',
        'application.works-information',
        'application.results-registration',
        'application.appeal',
        'application.deadline-extension',
        'application.extraction-project',
        'application.license-renewal',
        'application.license-change',
        'application.nature-water-use',
        'application.nature-forest-felling',
        'application.nature-mineral-extraction',
        'report.extraction',
        'report.development-plans',
        'report.financial',
        'report.environmental-compliance',
        'report.rosgeology-transfer',
        'report.nature-annual',
        'report.nature-quarterly',
        'report.nature-fish-catch',
      ]),
    );
    expect(catalog).toHaveLength(21);
  });

  it('uses the seed titles in Russian and a kind and domain that match the code', () => {
    expect(findCatalogEntry('report.extraction')?.title).toBe('Отчёт о добыче');
    expect(findCatalogEntry('application.subsoil-permit')?.title).toBe('Заявление о выдаче разрешения на пользование недрами');
    for (const entry of catalog) {
      expect(entry.title).toMatch(/[А-Яа-яЁё]/);
      expect(entry.code.startsWith(`${entry.kind}.`)).toBe(true);
      expect(entry.code.includes('nature')).toBe(entry.domain === 'nature');
    }
  });

  it('requires license number, period, volumes and dates of works in every report (seed 001)', () => {
    for (const entry of catalog.filter((item) => item.kind === 'report')) {
      const required = entry.fields.filter((field) => field.required);
      expect(required.some((field) => field.type === 'license-number'), entry.code).toBe(true);
      expect(required.some((field) => field.type === 'period'), entry.code).toBe(true);
      expect(required.some((field) => field.type === 'volume'), entry.code).toBe(true);
      expect(required.filter((field) => field.type === 'date').map((field) => field.key), entry.code).toEqual(['worksStart', 'worksEnd']);
      expect(entry.documents.find((document) => document.role.code === 'report-file')?.required, entry.code).toBe(true);
    }
  });

  it('asks for the documents the seeds list for applications and nature-use permits', () => {
    const permit = findCatalogEntry('application.subsoil-permit');
    expect(permit?.documents.filter((document) => document.required).map((document) => document.role.code)).toEqual(
      expect.arrayContaining(['license-copy', 'technical-maps', 'no-tax-debt-certificate', 'rights-registration', 'personal-data-consent']),
    );
    expect(permit?.documents.find((document) => document.role.code === 'lease-contracts')).toMatchObject({ required: false, condition: 'если есть' });
    const water = findCatalogEntry('application.nature-water-use');
    expect(water?.documents.map((document) => document.role.code)).toEqual(
      expect.arrayContaining(['registration-certificate', 'technical-documentation', 'environmental-review', 'land-lease']),
    );
  });

  it('carries the document rules of the seed table: formats, size limits, dpi, freshness, validity', () => {
    const permit = findCatalogEntry('application.subsoil-permit');
    const role = (code: string) => permit?.documents.find((document) => document.role.code === code)?.role.rule;
    expect(role('rights-registration')).toMatchObject({ formats: ['pdf'], maxBytes: 5 * 1024 * 1024, maxAgeDays: 30, mustBeSigned: true });
    expect(role('license-copy')).toMatchObject({ formats: ['pdf', 'jpeg'], maxBytes: 10 * 1024 * 1024, minDpi: 300 });
    expect(role('personal-data-consent')).toMatchObject({ validityDays: 365 });
    expect(role('ownership-documents')).toMatchObject({ maxBytes: 8 * 1024 * 1024, multiple: true });
    const report = findCatalogEntry('report.nature-fish-catch');
    expect(report?.documents[0]?.role.rule).toMatchObject({ formats: ['pdf', 'xml'], maxBytes: 10 * 1024 * 1024 });
  });

  it('is plain data that crosses the IPC boundary unchanged', () => {
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
  });

  it('gives every field a Russian label and every volume field its units', () => {
    for (const entry of catalog) {
      const keys = entry.fields.map((field) => field.key);
      expect(new Set(keys).size, entry.code).toBe(keys.length);
      for (const field of entry.fields) {
        expect(field.label, `${entry.code}.${field.key}`).toMatch(/[А-Яа-яЁё]/);
        expect(field.key).toMatch(/^[a-z][A-Za-z0-9]*$/);
        if (field.type === 'volume') expect(field.units?.length, `${entry.code}.${field.key}`).toBeGreaterThan(0);
        if (field.type === 'enum') expect(field.options?.length, `${entry.code}.${field.key}`).toBeGreaterThan(1);
      }
      for (const constraint of entry.constraints ?? []) {
        expect(keys, entry.code).toContain(constraint.first);
        expect(keys, entry.code).toContain(constraint.second);
      }
    }
  });
});

describe.each(catalog.map((entry) => [entry.code, entry] as const))('%s round-trips', (_code, entry) => {
  it('accepts valid data with all required documents and reports no problems', () => {
    expect(validateForm(entry, sampleData(entry), sampleAttachments(entry), { today })).toEqual([]);
  });

  it('accepts data with only the required fields filled in', () => {
    const data = Object.fromEntries(Object.entries(sampleData(entry)).filter(([key]) => entry.fields.find((field) => field.key === key)?.required));
    expect(validateForm(entry, data, sampleAttachments(entry), { today })).toEqual([]);
  });

  it('accepts every optional document when it is attached correctly', () => {
    const attachments = entry.documents.map((document) => sampleAttachment(document.role));
    expect(validateForm(entry, sampleData(entry), attachments, { today })).toEqual([]);
  });

  const requiredFields = entry.fields.filter((field) => field.required);
  it.each(requiredFields.map((field) => [field.key]))('reports exactly REQUIRED when %s is missing', (key) => {
    const data = sampleData(entry);
    data[key] = key.length % 2 === 0 ? '' : undefined;
    const problems = validateForm(entry, data, sampleAttachments(entry), { today });
    expect(problems.map((problem) => [problem.target, problem.rule])).toEqual([[key, 'REQUIRED']]);
    expect(problems[0]?.message).toContain('Заполните обязательное поле');
  });

  const broken = entry.fields.flatMap((field) => brokenValues(field).map((item) => [field.key, JSON.stringify(item.value).slice(0, 40), item.rule, item.value] as const));
  it.each(broken)('reports exactly one problem for %s = %s: %s', (key, _shown, rule, value) => {
    const data = { ...sampleData(entry), [key]: value };
    const problems = validateForm(entry, data, sampleAttachments(entry), { today });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ target: key, rule });
    expect(problems[0]?.message).toMatch(/[А-Яа-я]/);
  });

  const requiredDocuments = entry.documents.filter((document) => document.required);
  it.each(requiredDocuments.map((document) => [document.role.code, document.role.title]))('reports exactly DOCUMENT_REQUIRED when «%s» is missing', (role, title) => {
    const attachments = sampleAttachments(entry).filter((attachment) => attachment.role !== role);
    const problems = validateForm(entry, sampleData(entry), attachments, { today });
    expect(problems).toEqual([{ target: `documents.${role}`, rule: 'DOCUMENT_REQUIRED', message: expect.stringContaining(`«${title}»`) }]);
  });

  for (const constraint of entry.constraints ?? []) {
    it(`reports FIELD_ORDER when ${constraint.second} is before ${constraint.first}`, () => {
      const data = { ...sampleData(entry), [constraint.first]: '2026-03-20', [constraint.second]: '2026-03-10' };
      const problems = validateForm(entry, data, sampleAttachments(entry), { today });
      expect(problems.map((problem) => [problem.target, problem.rule])).toEqual([[constraint.second, 'FIELD_ORDER']]);
    });
  }
});

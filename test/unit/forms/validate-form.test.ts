import { describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { validateForm } from '../../../src/main/core/forms/validate-form';
import type { AttachmentInput, CatalogEntry } from '../../../src/shared/catalog-types';
import { AppError } from '../../../src/shared/errors';
import { sampleAttachments, sampleData, sampleInspection, today } from '../catalog/sample-forms';

function entry(code: string): CatalogEntry {
  const found = findCatalogEntry(code);
  if (found === undefined) throw new Error(`no catalog entry ${code}`);
  return found;
}

const permit = entry('application.subsoil-permit');
const megabyte = 1024 * 1024;

/** The valid attachments of the permit with the one for `role` replaced. */
function withAttachment(role: string, replacement: Partial<AttachmentInput> & { inspection: AttachmentInput['inspection'] }): AttachmentInput[] {
  return [...sampleAttachments(permit).filter((attachment) => attachment.role !== role), { role, ...replacement }];
}

function problemsFor(attachments: AttachmentInput[]) {
  return validateForm(permit, sampleData(permit), attachments, { today });
}

describe('validateForm document rules', () => {
  const cases: Array<{ name: string; attachments: AttachmentInput[]; target: string; rule: string; message: RegExp }> = [
    {
      name: 'a licence copy scanned at 150 dpi',
      attachments: withAttachment('license-copy', { inspection: { ...sampleInspection('jpeg', 'license.jpg'), image: { width: 1240, height: 1754, dpiX: 150, dpiY: 150 } } }),
      target: 'documents.license-copy/license.jpg',
      rule: 'DPI_TOO_LOW',
      message: /имеет разрешение 150 dpi, а нужно не менее 300 dpi\. Отсканируйте документ заново с разрешением 300 dpi\./,
    },
    {
      name: 'a licence copy whose scan does not record its resolution',
      attachments: withAttachment('license-copy', { inspection: { ...sampleInspection('jpeg', 'license.jpg'), image: { width: 1240, height: 1754 } } }),
      target: 'documents.license-copy/license.jpg',
      rule: 'DPI_UNKNOWN',
      message: /не записано разрешение/,
    },
    {
      name: 'a rights registration of 6 MB where 5 MB is the limit',
      attachments: withAttachment('rights-registration', { documentDate: '2026-11-10', inspection: sampleInspection('pdf', 'rights.pdf', 6 * megabyte) }),
      target: 'documents.rights-registration/rights.pdf',
      rule: 'FILE_TOO_LARGE',
      message: /весит 6 МБ, а для документа «Заявление о регистрации прав» допускается не более 5 МБ/,
    },
    {
      name: 'a licence copy in DOCX',
      attachments: withAttachment('license-copy', { inspection: sampleInspection('docx', 'license.docx') }),
      target: 'documents.license-copy/license.docx',
      rule: 'FORMAT_NOT_ALLOWED',
      message: /принимается только в формате PDF или JPEG/,
    },
    {
      name: 'a password-protected PDF',
      attachments: withAttachment('technical-maps', { inspection: { ...sampleInspection('pdf', 'maps.pdf'), pdf: { version: '1.6', encrypted: true } } }),
      target: 'documents.technical-maps/maps.pdf',
      rule: 'ENCRYPTED_PDF',
      message: /защищён паролем\. Снимите пароль/,
    },
    {
      name: 'a damaged PDF',
      attachments: withAttachment('technical-maps', { inspection: { ...sampleInspection('pdf', 'maps.pdf'), pdf: { version: '1.4', encrypted: false, damaged: 'нет маркера конца файла %%EOF' } } }),
      target: 'documents.technical-maps/maps.pdf',
      rule: 'PDF_DAMAGED',
      message: /повреждён и не открывается как PDF/,
    },
    {
      name: 'an XML tax certificate that is not well-formed',
      attachments: withAttachment('no-tax-debt-certificate', {
        documentDate: '2026-11-10',
        inspection: { ...sampleInspection('xml', 'tax.xml'), xml: { wellFormed: false, error: 'не закрыт элемент <debt>', line: 3, column: 7 } },
      }),
      target: 'documents.no-tax-debt-certificate/tax.xml',
      rule: 'XML_MALFORMED',
      message: /не является правильным XML \(строка 3, позиция 7\): не закрыт элемент <debt>/,
    },
    {
      name: 'a JPEG named plan.pdf',
      attachments: withAttachment('technical-maps', { inspection: { ...sampleInspection('jpeg', 'plan.pdf'), declaredFormat: 'pdf' } }),
      target: 'documents.technical-maps/plan.pdf',
      rule: 'CONTENT_MISMATCH',
      message: /Файл plan\.pdf на самом деле является изображением JPEG, хотя имя указывает на PDF\. Переименуйте файл, указав расширение \.jpg\./,
    },
    {
      name: 'a rights registration dated 45 days ago',
      attachments: withAttachment('rights-registration', { documentDate: '2026-10-06', inspection: sampleInspection('pdf', 'rights.pdf') }),
      target: 'documents.rights-registration/rights.pdf',
      rule: 'DOCUMENT_TOO_OLD',
      message: /датирован 06\.10\.2026 — это 45 дн\. назад, а допускается не старше 30 дней/,
    },
    {
      name: 'a rights registration without its date',
      attachments: withAttachment('rights-registration', { inspection: sampleInspection('pdf', 'rights.pdf') }),
      target: 'documents.rights-registration/rights.pdf',
      rule: 'DOCUMENT_DATE_REQUIRED',
      message: /Укажите дату документа rights\.pdf/,
    },
    {
      name: 'a rights registration dated tomorrow',
      attachments: withAttachment('rights-registration', { documentDate: '2026-11-21', inspection: sampleInspection('pdf', 'rights.pdf') }),
      target: 'documents.rights-registration/rights.pdf',
      rule: 'DOCUMENT_DATE_IN_FUTURE',
      message: /ещё не наступила/,
    },
    {
      name: 'a personal-data consent signed more than a year ago',
      attachments: withAttachment('personal-data-consent', { documentDate: '2025-11-01', inspection: sampleInspection('pdf', 'consent.pdf') }),
      target: 'documents.personal-data-consent/consent.pdf',
      rule: 'DOCUMENT_EXPIRED',
      message: /Срок действия документа consent\.pdf .* истёк: он действует не более 365 дней/,
    },
    {
      name: 'an empty file',
      attachments: withAttachment('technical-maps', { inspection: { fileName: 'maps.pdf', size: 0, declaredFormat: 'pdf' } }),
      target: 'documents.technical-maps/maps.pdf',
      rule: 'FILE_EMPTY',
      message: /пустой \(0 байт\)/,
    },
    {
      name: 'a file whose content is not recognised',
      attachments: withAttachment('technical-maps', { inspection: { fileName: 'maps.pdf', size: 500, declaredFormat: 'pdf' } }),
      target: 'documents.technical-maps/maps.pdf',
      rule: 'CONTENT_MISMATCH',
      message: /по содержимому не является документом PDF/,
    },
    {
      name: 'an unknown file type with an unknown extension',
      attachments: withAttachment('technical-maps', { inspection: { fileName: 'maps.dwg', size: 500 } }),
      target: 'documents.technical-maps/maps.dwg',
      rule: 'FORMAT_UNKNOWN',
      message: /не распознан/,
    },
    {
      name: 'a second licence copy where one is expected',
      attachments: [...sampleAttachments(permit), { role: 'license-copy', inspection: sampleInspection('pdf', 'license-2.pdf') }],
      target: 'documents.license-copy',
      rule: 'DOCUMENT_DUPLICATE',
      message: /приложено 2 файла, а нужен один/,
    },
    {
      name: 'a file attached under a role the form does not take',
      attachments: [...sampleAttachments(permit), { role: 'report-file', inspection: sampleInspection('xml', 'report.xml') }],
      target: 'documents.report-file/report.xml',
      rule: 'DOCUMENT_ROLE_UNKNOWN',
      message: /не принимает/,
    },
  ];

  it.each(cases.map((item) => [item.name, item] as const))('reports exactly one problem for %s', (_name, item) => {
    const problems = problemsFor(item.attachments);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ target: item.target, rule: item.rule });
    expect(problems[0]?.message).toMatch(item.message);
  });

  it('accepts several files for a role that takes many (ownership documents)', () => {
    const attachments = [
      ...sampleAttachments(permit),
      { role: 'ownership-documents', inspection: sampleInspection('pdf', 'deed-1.pdf') },
      { role: 'ownership-documents', inspection: sampleInspection('jpeg', 'deed-2.jpg') },
    ];
    expect(problemsFor(attachments)).toEqual([]);
  });

  it('reports a damaged office file', () => {
    const project = entry('application.extraction-project');
    const attachments = sampleAttachments(project).map((attachment) =>
      attachment.role === 'extraction-project' ? { ...attachment, inspection: { ...sampleInspection('docx', 'project.docx'), office: { valid: false, error: 'в документе нет обязательной части [Content_Types].xml' } } } : attachment,
    );
    const problems = validateForm(project, sampleData(project), attachments, { today });
    expect(problems).toEqual([{ target: 'documents.extraction-project/project.docx', rule: 'OFFICE_DAMAGED', message: expect.stringContaining('[Content_Types].xml') }]);
  });
});

describe('validateForm collects every problem at once', () => {
  it('returns field and document problems together, in catalog order', () => {
    const report = entry('report.extraction');
    const data = { ...sampleData(report), licenseNumber: 'СЛХ 1234', extractedVolume: { amount: -5, unit: 'баррель' }, contactSnils: '112-233-445 96', period: undefined, extra: 'x' };
    const attachments = [{ role: 'report-file', inspection: { ...sampleInspection('pdf', 'report.pdf', 12 * megabyte), pdf: { version: '1.7', encrypted: true } } }];
    const problems = validateForm(report, data, attachments, { today });
    expect(problems.map((problem) => `${problem.target}:${problem.rule}`)).toEqual([
      'extra:UNKNOWN_FIELD',
      'licenseNumber:LICENSE_FORMAT',
      'period:REQUIRED',
      'extractedVolume:NUMBER_OUT_OF_RANGE',
      'extractedVolume:UNIT_NOT_ALLOWED',
      'contactSnils:SNILS_CHECKSUM',
      'documents.report-file/report.pdf:FILE_TOO_LARGE',
      'documents.report-file/report.pdf:ENCRYPTED_PDF',
    ]);
    for (const problem of problems) expect(problem.message.length).toBeGreaterThan(20);
  });

  it('points at Latin look-alike letters in a license number', () => {
    const report = entry('report.extraction');
    const [problem] = validateForm(report, { ...sampleData(report), licenseNumber: 'CЛX 01234 TЭ' }, sampleAttachments(report), { today });
    expect(problem?.message).toContain('латинские буквы');
  });

  it('throws CATALOG_TYPE_UNKNOWN for a type that is not in the catalog', () => {
    expect(() => validateForm('report.unknown', {}, [], { today })).toThrowError(AppError);
    try {
      validateForm('report.unknown', {}, [], { today });
    } catch (error) {
      expect((error as AppError).code).toBe('CATALOG_TYPE_UNKNOWN');
    }
  });

  it('accepts a report period that is the current quarter but not one that has not started', () => {
    const report = entry('report.nature-quarterly');
    const current = validateForm(report, { ...sampleData(report), period: { kind: 'quarter', year: 2026, quarter: 4 } }, sampleAttachments(report), { today });
    expect(current).toEqual([]);
    const next = validateForm(report, { ...sampleData(report), period: { kind: 'quarter', year: 2027, quarter: 1 } }, sampleAttachments(report), { today });
    expect(next.map((problem) => problem.rule)).toEqual(['DATE_IN_FUTURE']);
  });
});

/**
 * The machine-readable XML of an application or report: UTF-8, the same data as the printable
 * PDF, stable English element names, the root carrying the type code and form version.
 *
 * <form xmlns="urn:nedradesk:form" type="report.extraction" version="1" kind="report" domain="subsoil" created="…">
 *   <title>…</title>
 *   <organisation><name/><inn/><kpp/><ogrn/><address/></organisation>
 *   <fields><field key="…" type="…" label="…" [unit|kind|year|quarter|month|from|to]="…">value</field>…</fields>
 *   <attachments><attachment role="…" title="…" file="…" size="…" sha256="…" [date]="…"/>…</attachments>
 * </form>
 */
import type { PeriodValue, VolumeValue } from '../../../shared/catalog-types';
import { buildFormDocumentModel, type FormRenderInput, type RenderedField } from './form-document';
import { normaliseLicenseNumber, normaliseSnils } from '../forms/identifiers';

/** Escapes text for XML content and attribute values (XML 1.0 §2.4); drops characters XML 1.0 forbids. */
export function escapeXml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

/** The machine value of a field: numbers with a dot, dates ISO, identifiers normalised. */
function fieldElement(field: RenderedField): string {
  const { definition, value } = field;
  const base = { key: definition.key, type: definition.type, label: definition.label };
  switch (definition.type) {
    case 'volume': {
      const volume = value as VolumeValue;
      return `<field${attributes({ ...base, unit: volume.unit })}>${volume.amount}</field>`;
    }
    case 'number':
      return `<field${attributes({ ...base, unit: definition.unit })}>${Number(value)}</field>`;
    case 'money': {
      const amount = typeof value === 'number' ? value : Number(String(value).replace(/\s/g, '').replace(',', '.'));
      return `<field${attributes({ ...base, currency: 'RUB' })}>${amount.toFixed(2)}</field>`;
    }
    case 'period': {
      const period = value as PeriodValue;
      const parts = period.kind === 'range' ? { from: period.from, to: period.to } : period.kind === 'quarter' ? { year: period.year, quarter: period.quarter } : period.kind === 'month' ? { year: period.year, month: period.month } : { year: period.year };
      return `<field${attributes({ ...base, kind: period.kind, ...parts })}>${escapeXml(field.text)}</field>`;
    }
    case 'license-number':
      return `<field${attributes(base)}>${escapeXml(normaliseLicenseNumber(String(value)) ?? String(value))}</field>`;
    case 'snils':
      return `<field${attributes(base)}>${escapeXml(normaliseSnils(String(value)) ?? String(value))}</field>`;
    case 'enum':
      return `<field${attributes({ ...base, text: field.text })}>${escapeXml(String(value))}</field>`;
    default:
      return `<field${attributes(base)}>${escapeXml(String(value))}</field>`;
  }
}

/** Renders the XML of an application or report (UTF-8 bytes, deterministic for the same input). */
export function renderFormXml(input: FormRenderInput): Uint8Array {
  const model = buildFormDocumentModel(input);
  const { entry, organisation } = model;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<form${attributes({ xmlns: 'urn:nedradesk:form', type: entry.code, version: entry.version, kind: entry.kind, domain: entry.domain, created: model.createdAt.toISOString(), generator: model.generator })}>`,
    `  <title>${escapeXml(entry.title)}</title>`,
    '  <organisation>',
    `    <name>${escapeXml(organisation.name)}</name>`,
    `    <inn>${escapeXml(organisation.inn)}</inn>`,
    ...(organisation.kpp === undefined ? [] : [`    <kpp>${escapeXml(organisation.kpp)}</kpp>`]),
    ...(organisation.ogrn === undefined ? [] : [`    <ogrn>${escapeXml(organisation.ogrn)}</ogrn>`]),
    ...(organisation.address === undefined ? [] : [`    <address>${escapeXml(organisation.address)}</address>`]),
    '  </organisation>',
    '  <fields>',
    ...model.fields.map((field) => `    ${fieldElement(field)}`),
    '  </fields>',
    '  <attachments>',
    ...model.attachments.map(
      (attachment) =>
        `    <attachment${attributes({ role: attachment.role, title: attachment.roleTitle, file: attachment.fileName, size: attachment.size, sha256: attachment.sha256.toLowerCase(), date: attachment.documentDate })}/>`,
    ),
    '  </attachments>',
    '</form>',
    '',
  ];
  return new TextEncoder().encode(lines.join('\n'));
}

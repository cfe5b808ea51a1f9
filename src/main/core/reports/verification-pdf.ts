/**
 * The one-page signature verification report as a PDF (pdf-lib, DejaVu Sans embedded for
 * Cyrillic): what was checked, the verdict, every signer and every check, in plain Russian.
 * Deterministic for the same report (dates come from the report, not the clock).
 */
import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { indicationTexts, type CheckName, type Indication, type VerificationReport } from '../../../shared/verification';
import { resourcePath } from '../resources';

const checkTexts: Record<CheckName, string> = {
  format: 'Формат подписи',
  digest: 'Целостность документа (хеш)',
  signature: 'Значение подписи',
  signingCertificate: 'Сертификат подписанта в подписи',
  validity: 'Срок действия сертификата',
  keyUsage: 'Назначение ключа',
  chain: 'Цепочка до доверенного УЦ',
  revocation: 'Отзыв сертификата (CRL)',
};

const outcomeTexts = { passed: 'пройдена', failed: 'НЕ ПРОЙДЕНА', indeterminate: 'не установлено', 'not-checked': 'не проверялась' } as const;

const colours: Record<Indication, RGB> = {
  TOTAL_PASSED: rgb(0.1, 0.5, 0.2),
  INDETERMINATE: rgb(0.75, 0.45, 0),
  TOTAL_FAILED: rgb(0.75, 0.1, 0.1),
};

export interface VerificationPdfInput {
  report: VerificationReport;
  documentName?: string | undefined;
  signatureName?: string | undefined;
  generator: string;
}

class Writer {
  y: number;
  constructor(
    private page: PDFPage,
    private readonly document: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.y = page.getHeight() - 56;
  }

  line(text: string, options: { size?: number; bold?: boolean; colour?: RGB; indent?: number } = {}): void {
    const size = options.size ?? 10;
    const font = options.bold === true ? this.bold : this.regular;
    const width = this.page.getWidth() - 112 - (options.indent ?? 0);
    for (const piece of wrap(text, font, size, width)) {
      if (this.y < 56) {
        this.page = this.document.addPage([595.28, 841.89]);
        this.y = this.page.getHeight() - 56;
      }
      this.page.drawText(piece, { x: 56 + (options.indent ?? 0), y: this.y, size, font, color: options.colour ?? rgb(0.1, 0.1, 0.1) });
      this.y -= size * 1.4;
    }
  }

  gap(points = 6): void {
    this.y -= points;
  }

  rule(): void {
    this.page.drawLine({ start: { x: 56, y: this.y + 4 }, end: { x: this.page.getWidth() - 56, y: this.y + 4 }, thickness: 0.5, color: rgb(0.7, 0.7, 0.7) });
    this.gap(8);
  }
}

/** Splits text into lines that fit `width` at `size`. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (font.widthOfTextAtSize(candidate, size) <= width || current === '') current = candidate;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

function formatDate(iso: string): string {
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)} ${iso.slice(11, 16)} UTC`;
}

/** Renders the report as PDF bytes. */
export async function renderVerificationPdf(input: VerificationPdfInput): Promise<Uint8Array> {
  const { report } = input;
  const document = await PDFDocument.create();
  document.registerFontkit(fontkit);
  const regular = await document.embedFont(readFileSync(resourcePath('fonts', 'DejaVuSans.ttf')), { subset: true });
  const bold = await document.embedFont(readFileSync(resourcePath('fonts', 'DejaVuSans-Bold.ttf')), { subset: true });
  const checkedAt = new Date(report.checkedAt);
  document.setTitle('Протокол проверки электронной подписи');
  document.setProducer(input.generator);
  document.setCreator(input.generator);
  document.setCreationDate(checkedAt);
  document.setModificationDate(checkedAt);
  const writer = new Writer(document.addPage([595.28, 841.89]), document, regular, bold);

  writer.line('Протокол проверки электронной подписи', { size: 16, bold: true });
  writer.gap(4);
  writer.line(`Дата проверки: ${formatDate(report.checkedAt)}`);
  if (input.documentName !== undefined) writer.line(`Документ: ${input.documentName}`);
  else if (report.attached) writer.line('Документ: содержится в подписи (присоединённая подпись)');
  if (input.signatureName !== undefined) writer.line(`Файл подписи: ${input.signatureName}`);
  if (report.contentSha256 !== undefined) writer.line(`SHA-256 документа: ${report.contentSha256}`, { size: 8 });
  writer.gap(8);
  writer.line(`Результат: ${indicationTexts[report.indication]}`, { size: 14, bold: true, colour: colours[report.indication] });
  if (report.subIndication !== undefined) writer.line(`Код: ${report.indication} / ${report.subIndication}`, { size: 8 });
  if (report.signers.length === 0) for (const reason of report.reasons) writer.line(reason);
  writer.gap(6);
  for (const signer of report.signers) {
    writer.rule();
    writer.line(`Подпись ${signer.index + 1}: ${indicationTexts[signer.indication]}`, { size: 12, bold: true, colour: colours[signer.indication] });
    const who = signer.signer;
    if (who !== undefined) {
      writer.line(`Владелец сертификата: ${who.owner}`);
      if (who.title !== undefined || who.organization !== undefined) writer.line([who.title, who.organization].filter(Boolean).join(', '));
      const numbers = [who.snils && `СНИЛС ${who.snils}`, who.inn && `ИНН ${who.inn}`, who.innLe && `ИНН ЮЛ ${who.innLe}`, who.ogrn && `ОГРН ${who.ogrn}`, who.ogrnip && `ОГРНИП ${who.ogrnip}`].filter(Boolean);
      if (numbers.length > 0) writer.line(numbers.join(', '));
      writer.line(`Сертификат № ${who.serialHex}, действует с ${formatDate(who.notBefore)} по ${formatDate(who.notAfter)}`);
      writer.line(`Издатель: ${who.issuer}`, { size: 9 });
    }
    if (signer.signingTime !== undefined) writer.line(`Время подписания (по данным подписи): ${formatDate(signer.signingTime)}`);
    writer.gap(4);
    for (const [name, outcome] of Object.entries(signer.checks) as Array<[CheckName, keyof typeof outcomeTexts]>) {
      const mark = outcome === 'passed' ? '✓' : outcome === 'failed' ? '✗' : '–';
      writer.line(`${mark} ${checkTexts[name]}: ${outcomeTexts[outcome]}`, { indent: 12, colour: outcome === 'failed' ? colours.TOTAL_FAILED : undefined });
    }
    for (const reason of signer.reasons) writer.line(`Причина: ${reason}`, { indent: 12, colour: colours[signer.indication] });
    for (const warning of signer.warnings) writer.line(`Внимание: ${warning}`, { indent: 12, size: 9 });
    if (signer.chain.length > 1) writer.line(`Цепочка: ${signer.chain.map((link) => link.owner).join(' → ')}`, { size: 9, indent: 12 });
  }
  writer.gap(10);
  writer.line(`Сформировано: ${input.generator}. Проверка по профилю CAdES-BES (ETSI EN 319 122-1).`, { size: 8, colour: rgb(0.4, 0.4, 0.4) });
  return document.save({ useObjectStreams: false });
}

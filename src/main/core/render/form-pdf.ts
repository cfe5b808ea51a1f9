/**
 * The printable PDF of an application or report (pdf-lib + embedded DejaVu Sans for Cyrillic):
 * title, the organisation's requisites, every filled-in field with its label and value (with
 * units), the list of attachments (role, file, size, short SHA-256), the date; A4 with GOST R
 * 7.0.97-2016 margins (left 20 mm, others ≥ 10 mm), wrapped long text, page breaks and page numbers.
 * The bottom of the last page is kept free for the visible signature mark (see signature-mark.ts).
 *
 * Deterministic: the same input gives the same bytes (dates come from the input, fixed font
 * subset tags, no random ids), so packages built from it are reproducible.
 */
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { buildFormDocumentModel, type FormDocumentModel, type FormRenderInput } from './form-document';
import { a4, embedFonts, millimetre, wrapText, type EmbeddedFonts } from './pdf-text';

/** Page margins in points. */
export const formPageMargins = { left: 20 * millimetre, right: 15 * millimetre, top: 18 * millimetre, bottom: 20 * millimetre } as const;

/** Height kept free at the bottom of the last page for the signature mark. */
export const signatureMarkArea = { width: 80 * millimetre, height: 25 * millimetre } as const;

const ink = rgb(0.1, 0.1, 0.12);
const muted = rgb(0.38, 0.4, 0.44);
const ruleColour = rgb(0.78, 0.8, 0.83);
const bandColour = rgb(0.94, 0.95, 0.97);

interface TextOptions {
  size?: number;
  bold?: boolean;
  colour?: RGB;
  x?: number;
  width?: number;
  align?: 'left' | 'center';
  lineHeight?: number;
}

/** Lays content out top to bottom, starting new pages when the current one is full. */
class PageWriter {
  page: PDFPage;
  y: number;
  readonly pages: PDFPage[] = [];

  constructor(
    private readonly document: PDFDocument,
    readonly fonts: EmbeddedFonts,
  ) {
    this.page = this.newPage();
    this.y = this.top;
  }

  get top(): number {
    return a4.height - formPageMargins.top;
  }

  get left(): number {
    return formPageMargins.left;
  }

  get width(): number {
    return a4.width - formPageMargins.left - formPageMargins.right;
  }

  private newPage(): PDFPage {
    const page = this.document.addPage([a4.width, a4.height]);
    this.pages.push(page);
    return page;
  }

  breakPage(): void {
    this.page = this.newPage();
    this.y = this.top;
  }

  /** Makes sure `height` points fit above the bottom margin, or starts a new page. */
  ensure(height: number): void {
    if (this.y - height < formPageMargins.bottom) this.breakPage();
  }

  font(bold = false): PDFFont {
    return bold ? this.fonts.bold : this.fonts.regular;
  }

  text(text: string, options: TextOptions = {}): void {
    const size = options.size ?? 10;
    const font = this.font(options.bold);
    const x = options.x ?? this.left;
    const width = options.width ?? this.width;
    const lineHeight = options.lineHeight ?? size * 1.35;
    for (const line of wrapText(text, font, size, width)) {
      this.ensure(lineHeight);
      const offset = options.align === 'center' ? (width - font.widthOfTextAtSize(line, size)) / 2 : 0;
      this.page.drawText(line, { x: x + offset, y: this.y - size, size, font, color: options.colour ?? ink });
      this.y -= lineHeight;
    }
  }

  gap(points: number): void {
    this.y -= points;
  }

  heading(text: string): void {
    this.ensure(40);
    this.gap(8);
    this.text(text, { size: 11.5, bold: true });
    this.page.drawLine({ start: { x: this.left, y: this.y + 1 }, end: { x: this.left + this.width, y: this.y + 1 }, thickness: 0.8, color: ink });
    this.gap(4);
  }

  /**
   * A row of cells with wrapped text and a thin rule below. A row taller than what is left of
   * the page continues on the next one, so very long values never run off the page.
   */
  row(cells: Array<{ text: string; width: number; bold?: boolean; colour?: RGB; size?: number }>, options: { band?: boolean } = {}): void {
    const padding = 3.5;
    const wrapped = cells.map((cell) => {
      const size = cell.size ?? 9.5;
      return { ...cell, size, lineHeight: size * 1.32, lines: wrapText(cell.text, this.font(cell.bold), size, cell.width - 2 * padding) };
    });
    let offset = 0;
    const longest = Math.max(...wrapped.map((cell) => cell.lines.length));
    while (offset < longest) {
      const lineHeight = Math.max(...wrapped.map((cell) => cell.lineHeight));
      const fits = Math.floor((this.y - formPageMargins.bottom - 2 * padding) / lineHeight);
      if (fits < 1 || (offset === 0 && fits < Math.min(longest, 3))) {
        this.breakPage();
        continue;
      }
      const count = Math.min(fits, longest - offset);
      const height = count * lineHeight + 2 * padding;
      if (options.band === true) {
        this.page.drawRectangle({ x: this.left, y: this.y - height, width: this.width, height, color: bandColour });
      }
      let x = this.left;
      for (const cell of wrapped) {
        cell.lines.slice(offset, offset + count).forEach((line, index) => {
          this.page.drawText(line, { x: x + padding, y: this.y - padding - cell.size - index * cell.lineHeight + 1, size: cell.size, font: this.font(cell.bold), color: cell.colour ?? ink });
        });
        x += cell.width;
      }
      this.y -= height;
      this.page.drawLine({ start: { x: this.left, y: this.y }, end: { x: this.left + this.width, y: this.y }, thickness: 0.4, color: ruleColour });
      offset += count;
    }
  }
}

function formatTimestamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)} ${iso.slice(11, 16)} UTC`;
}

function drawRequisites(writer: PageWriter, model: FormDocumentModel): void {
  const { organisation } = model;
  const labelWidth = writer.width * 0.36;
  const valueWidth = writer.width - labelWidth;
  const ogrnLabel = organisation.ogrn?.length === 15 ? 'ОГРНИП' : 'ОГРН';
  const rows: Array<[string, string | undefined]> = [
    ['Наименование', organisation.name],
    ['ИНН', organisation.inn],
    ['КПП', organisation.kpp],
    [ogrnLabel, organisation.ogrn],
    ['Адрес', organisation.address],
  ];
  for (const [label, value] of rows) {
    if (value === undefined || value.trim() === '') continue;
    writer.row([
      { text: label, width: labelWidth, colour: muted },
      { text: value, width: valueWidth, bold: label === 'Наименование' },
    ]);
  }
}

function drawFields(writer: PageWriter, model: FormDocumentModel): void {
  const labelWidth = writer.width * 0.36;
  const valueWidth = writer.width - labelWidth;
  if (model.fields.length === 0) writer.text('Поля не заполнены.', { colour: muted });
  for (const field of model.fields) {
    writer.row([
      { text: field.definition.label, width: labelWidth, colour: muted },
      { text: field.text, width: valueWidth },
    ]);
  }
}

function drawAttachments(writer: PageWriter, model: FormDocumentModel): void {
  if (model.attachments.length === 0) {
    writer.text('Приложений нет.', { colour: muted });
    return;
  }
  const widths = [0.05, 0.3, 0.34, 0.1, 0.21].map((share) => share * writer.width) as [number, number, number, number, number];
  writer.row(
    [
      { text: '№', width: widths[0], bold: true, size: 8.5 },
      { text: 'Документ', width: widths[1], bold: true, size: 8.5 },
      { text: 'Файл', width: widths[2], bold: true, size: 8.5 },
      { text: 'Размер', width: widths[3], bold: true, size: 8.5 },
      { text: 'SHA-256 (начало)', width: widths[4], bold: true, size: 8.5 },
    ],
    { band: true },
  );
  model.attachments.forEach((attachment, index) => {
    writer.row([
      { text: `${index + 1}`, width: widths[0], size: 9 },
      { text: attachment.roleTitle, width: widths[1], size: 9 },
      { text: attachment.fileName, width: widths[2], size: 9 },
      { text: attachment.sizeText, width: widths[3], size: 9 },
      { text: `${attachment.sha256.slice(0, 16).toLowerCase()}…`, width: widths[4], size: 8.5, colour: muted },
    ]);
  });
}

function drawFooters(writer: PageWriter, model: FormDocumentModel): void {
  const font = writer.fonts.regular;
  const total = writer.pages.length;
  writer.pages.forEach((page, index) => {
    const left = `${model.generator} · ${model.entry.code}, версия формы ${model.entry.version}`;
    const right = `Страница ${index + 1} из ${total}`;
    const y = 10 * millimetre;
    page.drawText(left, { x: formPageMargins.left, y, size: 7.5, font, color: muted });
    page.drawText(right, { x: a4.width - formPageMargins.right - font.widthOfTextAtSize(right, 7.5), y, size: 7.5, font, color: muted });
  });
}

/** Renders the printable PDF of an application or report. */
export async function renderFormPdf(input: FormRenderInput): Promise<Uint8Array> {
  const model = buildFormDocumentModel(input);
  const document = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(document);
  document.setTitle(model.entry.title, { showInWindowTitleBar: true });
  document.setSubject(`${model.entry.code} v${model.entry.version}`);
  document.setAuthor(model.organisation.name);
  document.setCreator(model.generator);
  document.setProducer(model.generator);
  document.setLanguage('ru-RU');
  document.setCreationDate(model.createdAt);
  document.setModificationDate(model.createdAt);

  const writer = new PageWriter(document, fonts);
  writer.text(model.entry.kind === 'application' ? 'ЗАЯВЛЕНИЕ' : 'ОТЧЁТ', { size: 9, colour: muted, align: 'center' });
  writer.gap(2);
  writer.text(model.entry.title, { size: 15, bold: true, align: 'center', lineHeight: 19 });
  writer.gap(2);
  writer.text(`Сформировано ${formatTimestamp(model.createdAt)}`, { size: 9, colour: muted, align: 'center' });
  writer.gap(6);

  writer.heading(`1. Сведения ${model.entry.kind === 'application' ? 'о заявителе' : 'об организации'}`);
  drawRequisites(writer, model);
  writer.heading(model.entry.kind === 'application' ? '2. Содержание заявления' : '2. Показатели отчёта');
  drawFields(writer, model);
  writer.heading('3. Приложения');
  drawAttachments(writer, model);

  // The signature block: the bottom of the last page, date on the left, the right part kept free
  // for the signature mark stamped after signing (signature-mark.ts draws it there).
  writer.gap(12);
  writer.ensure(signatureMarkArea.height);
  writer.y = formPageMargins.bottom + signatureMarkArea.height;
  const blockWidth = writer.width - signatureMarkArea.width - 12;
  writer.text(`Дата формирования: ${formatTimestamp(model.createdAt).slice(0, 10)}`, { size: 10, width: blockWidth });
  writer.gap(2);
  writer.text('Документ подписывается электронной подписью уполномоченного лица.', { size: 8.5, colour: muted, width: blockWidth });

  drawFooters(writer, model);
  return document.save({ useObjectStreams: false });
}

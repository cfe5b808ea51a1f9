/**
 * The visible mark of an electronic signature on a printable copy, as GOST R 7.0.97-2016 practice
 * shows it (§5.23 and its appendix on electronic documents): a framed box at the bottom of the
 * last page with «Документ подписан электронной подписью», the certificate serial, the owner, the
 * certificate's validity period and the signing time. The mark is only a picture of the signature;
 * the legal force is in the detached .sig next to the document.
 */
import { PDFDocument, rgb } from 'pdf-lib';
import { AppError } from '../../../shared/errors';
import { signatureMarkArea, formPageMargins } from './form-pdf';
import { embedFonts, millimetre, wrapText } from './pdf-text';

/** What the mark says. Times are ISO 8601 strings or Dates. */
export interface SignatureMarkInput {
  /** Certificate serial number in hex, as certificate viewers show it. */
  certificateSerial: string;
  /** Certificate owner (ФИО, and organisation if wanted). */
  owner: string;
  validFrom: string | Date;
  validTo: string | Date;
  signingTime: string | Date;
}

const frameColour = rgb(0.12, 0.27, 0.55);

function toDate(value: string | Date, name: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new AppError('INVALID_INPUT', { [name]: String(value) });
  return date;
}

function day(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
}

/** The serial in upper-case hex pairs without separators, as Russian certificate viewers print it. */
function formatSerial(serial: string): string {
  return serial.replace(/[\s:]/g, '').toUpperCase();
}

/** Returns a copy of `pdfBytes` with the signature mark drawn at the bottom of the last page. */
export async function stampSignatureMark(pdfBytes: Uint8Array, mark: SignatureMarkInput): Promise<Uint8Array> {
  const validFrom = toDate(mark.validFrom, 'validFrom');
  const validTo = toDate(mark.validTo, 'validTo');
  const signingTime = toDate(mark.signingTime, 'signingTime');
  let document: PDFDocument;
  try {
    document = await PDFDocument.load(pdfBytes, { updateMetadata: false });
  } catch (error) {
    throw new AppError('PDF_INVALID', undefined, { cause: error });
  }
  if (document.isEncrypted) throw new AppError('PDF_INVALID', { reason: 'encrypted' });
  const { regular, bold } = await embedFonts(document);
  const pages = document.getPages();
  const page = pages[pages.length - 1];
  if (page === undefined) throw new AppError('PDF_INVALID', { reason: 'no pages' });

  const { width: pageWidth } = page.getSize();
  const boxWidth = signatureMarkArea.width;
  const padding = 3 * millimetre;
  const textWidth = boxWidth - 2 * padding;
  const size = 7.5;
  const lineHeight = size * 1.3;
  const lines: Array<{ text: string; bold: boolean; size: number }> = [];
  // The heading stays on one line: shrink it to the box rather than wrap it.
  const heading = 'ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ';
  let headingSize = 8.5;
  while (headingSize > 5 && bold.widthOfTextAtSize(heading, headingSize) > textWidth) headingSize -= 0.25;
  lines.push({ text: heading, bold: true, size: headingSize });
  const details = [
    `Сертификат: ${formatSerial(mark.certificateSerial)}`,
    `Владелец: ${mark.owner}`,
    `Действителен: с ${day(validFrom)} по ${day(validTo)}`,
    `Дата подписания: ${day(signingTime)} ${signingTime.toISOString().slice(11, 16)} UTC`,
  ];
  for (const detail of details) for (const text of wrapText(detail, regular, size, textWidth)) lines.push({ text, bold: false, size });
  const boxHeight = Math.max(signatureMarkArea.height, 2 * padding + 4 + lines.length * lineHeight);
  const x = pageWidth - formPageMargins.right - boxWidth;
  const y = formPageMargins.bottom;

  // A white fill first, so the mark stays legible on pages whose content reaches the bottom.
  page.drawRectangle({ x, y, width: boxWidth, height: boxHeight, color: rgb(1, 1, 1), borderColor: frameColour, borderWidth: 1.2 });
  page.drawRectangle({ x: x + 2, y: y + 2, width: boxWidth - 4, height: boxHeight - 4, borderColor: frameColour, borderWidth: 0.4 });
  let cursor = y + boxHeight - padding;
  lines.forEach((line, index) => {
    const font = line.bold ? bold : regular;
    const offset = line.bold ? (textWidth - font.widthOfTextAtSize(line.text, line.size)) / 2 : 0;
    cursor -= index === 0 ? line.size : lineHeight;
    if (index === 1) cursor -= 4;
    page.drawText(line.text, { x: x + padding + offset, y: cursor, size: line.size, font, color: frameColour });
  });
  document.setModificationDate(signingTime);
  return document.save({ useObjectStreams: false });
}

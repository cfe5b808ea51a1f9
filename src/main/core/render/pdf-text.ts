/**
 * Text drawing shared by the form PDF and the signature mark: the embedded DejaVu Sans fonts
 * (Cyrillic) and line wrapping that also breaks words longer than a line (hashes, file names).
 */
import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { resourcePath } from '../resources';

/** A4 in PDF points (ISO 216: 210 × 297 mm). */
export const a4 = { width: 595.28, height: 841.89 } as const;

/** Points per millimetre. */
export const millimetre = 72 / 25.4;

/** The regular and bold faces embedded in a document. */
export interface EmbeddedFonts {
  regular: PDFFont;
  bold: PDFFont;
}

/**
 * Embeds DejaVu Sans (subset). The subset tag is fixed (ISO 32000-1 §9.6.4 only asks for six
 * upper-case letters) because pdf-lib's default is random and packages must be reproducible.
 */
export async function embedFonts(document: PDFDocument): Promise<EmbeddedFonts> {
  document.registerFontkit(fontkit);
  const regular = await document.embedFont(readFileSync(resourcePath('fonts', 'DejaVuSans.ttf')), { subset: true, customName: 'NDRDSK+DejaVuSans' });
  const bold = await document.embedFont(readFileSync(resourcePath('fonts', 'DejaVuSans-Bold.ttf')), { subset: true, customName: 'NDRDSB+DejaVuSans-Bold' });
  return { regular, bold };
}

function splitLongWord(word: string, font: PDFFont, size: number, width: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const character of word) {
    if (current !== '' && font.widthOfTextAtSize(current + character, size) > width) {
      pieces.push(current);
      current = character;
    } else current += character;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/** Splits text into lines no wider than `width` at `size`; explicit line breaks are kept. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let current = '';
    for (const word of paragraph.split(/[ \t]+/).filter((part) => part !== '')) {
      const pieces = font.widthOfTextAtSize(word, size) > width ? splitLongWord(word, font, size, width) : [word];
      for (const piece of pieces) {
        const candidate = current === '' ? piece : `${current} ${piece}`;
        if (font.widthOfTextAtSize(candidate, size) <= width) current = candidate;
        else {
          lines.push(current);
          current = piece;
        }
      }
    }
    lines.push(current);
  }
  return lines;
}

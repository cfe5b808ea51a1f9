/**
 * Labels NedraDesk writes on a token. PKCS#11 v2.40 §3.2 (CK_TOKEN_INFO) gives a token's label 32
 * bytes of UTF-8, padded with blanks and not NUL-terminated, and C_InitToken reads exactly 32 bytes
 * from the label it is given. A longer text is cut on a character boundary (a whole grapheme, so an
 * emoji or a letter with its accent is never split into invalid or half characters), never inside a
 * multi-byte sequence: «Учебный токен 1000001» is 33 bytes and becomes «Учебный токен 100000».
 * Object labels (CKA_LABEL) are cut the same way, as many tokens keep no more.
 */

/** The length of CK_TOKEN_INFO.label in bytes. */
export const tokenLabelBytes = 32;

const graphemes = new Intl.Segmenter('ru', { granularity: 'grapheme' });

/** The text cut to at most `maxBytes` bytes of UTF-8 on a character boundary, without trailing blanks (a blank-padded label loses them anyway). */
export function cutLabel(text: string, maxBytes: number = tokenLabelBytes): string {
  let cut = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = Buffer.byteLength(segment, 'utf8');
    if (bytes + size > maxBytes) break;
    cut += segment;
    bytes += size;
  }
  return cut.trimEnd();
}

/** The label as C_InitToken takes it: cut, then blank-padded to exactly 32 bytes of UTF-8. */
export function paddedTokenLabel(text: string): string {
  const cut = cutLabel(text);
  return cut + ' '.repeat(tokenLabelBytes - Buffer.byteLength(cut, 'utf8'));
}

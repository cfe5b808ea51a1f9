import { describe, expect, it } from 'vitest';
import { cutLabel, paddedTokenLabel, tokenLabelBytes } from '../../../src/main/token/token-label';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('token and object labels (PKCS#11 CK_TOKEN_INFO.label: 32 bytes of UTF-8)', () => {
  it('cuts Cyrillic on a character boundary: «Учебный токен 1000001» is 33 bytes', () => {
    expect(bytes('Учебный токен 1000001')).toBe(33);
    expect(cutLabel('Учебный токен 1000001')).toBe('Учебный токен 100000');
    // 16 two-byte letters are 32 bytes; a 17th does not fit and is not split.
    expect(cutLabel('АБВГДЕЖЗИКЛМНОПР')).toBe('АБВГДЕЖЗИКЛМНОПР');
    expect(cutLabel('АБВГДЕЖЗИКЛМНОПРС')).toBe('АБВГДЕЖЗИКЛМНОПР');
    expect(cutLabel('1АБВГДЕЖЗИКЛМНОПР')).toBe('1АБВГДЕЖЗИКЛМНОП');
    expect(bytes(cutLabel('1АБВГДЕЖЗИКЛМНОПР'))).toBe(31);
  });

  it('never splits an emoji, even one made of several code points', () => {
    // 🔑 is 4 bytes; 28 ASCII + 🔑 = 32, 29 ASCII + 🔑 = 33.
    expect(cutLabel(`${'a'.repeat(28)}🔑`)).toBe(`${'a'.repeat(28)}🔑`);
    expect(cutLabel(`${'a'.repeat(29)}🔑`)).toBe('a'.repeat(29));
    // 👩‍💻 (woman, ZWJ, laptop) is 11 bytes: cut whole, not to a lone 👩.
    expect(bytes('👩‍💻')).toBe(11);
    expect(cutLabel(`${'a'.repeat(25)}👩‍💻`)).toBe('a'.repeat(25));
    expect(cutLabel(`${'a'.repeat(21)}👩‍💻`)).toBe(`${'a'.repeat(21)}👩‍💻`);
    for (let prefix = 0; prefix < 40; prefix += 1) {
      const cut = cutLabel(`${'я'.repeat(prefix % 7)}${'x'.repeat(prefix)}🔑👩‍💻ёЁ`);
      expect(bytes(cut)).toBeLessThanOrEqual(tokenLabelBytes);
      expect(cut).not.toContain('\uFFFD');
      expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
    }
  });

  it('keeps a label of exactly 32 bytes whole and pads a shorter one with blanks to exactly 32 bytes', () => {
    const exact = 'Токен Ивановой 1234'; // 32 bytes
    expect(bytes(exact)).toBe(32);
    expect(cutLabel(exact)).toBe(exact);
    expect(paddedTokenLabel(exact)).toBe(exact);
    expect(bytes(paddedTokenLabel('Учебный 1000001'))).toBe(32);
    expect(paddedTokenLabel('Учебный 1000001')).toBe(`Учебный 1000001${' '.repeat(32 - bytes('Учебный 1000001'))}`);
    expect(bytes(paddedTokenLabel('Учебный токен 1000001'))).toBe(32);
    expect(paddedTokenLabel('Учебный токен 1000001').trimEnd()).toBe('Учебный токен 100000');
  });
});

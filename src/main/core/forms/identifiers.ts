/**
 * Russian identifiers with check digits: ИНН, ОГРН/ОГРНИП, СНИЛС, and the subsoil license number.
 * Each function answers `null` when the value is valid or the rule it breaks.
 */
import type { ProblemRule } from '../../../shared/catalog-types';

function digitsOf(value: string): number[] {
  return [...value].map(Number);
}

function weightedSum(digits: number[], weights: number[]): number {
  return weights.reduce((sum, weight, index) => sum + weight * (digits[index] ?? 0), 0);
}

/**
 * ИНН: 10 digits for an organisation, 12 for a person or sole trader (order of the Federal Tax
 * Service, check digits: weighted sum mod 11 mod 10).
 */
export function checkInn(value: string, subject: 'legal' | 'individual' | 'any' = 'any'): ProblemRule | null {
  const lengths = subject === 'legal' ? [10] : subject === 'individual' ? [12] : [10, 12];
  if (!/^\d+$/.test(value) || !lengths.includes(value.length)) return 'INN_FORMAT';
  const digits = digitsOf(value);
  if (value.length === 10) {
    const check = (weightedSum(digits, [2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11) % 10;
    return check === digits[9] ? null : 'INN_CHECKSUM';
  }
  const first = (weightedSum(digits, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11) % 10;
  const second = (weightedSum(digits, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11) % 10;
  return first === digits[10] && second === digits[11] ? null : 'INN_CHECKSUM';
}

/**
 * ОГРН (13 digits: first 12 mod 11, last digit of the remainder) or ОГРНИП (15 digits: first 14
 * mod 13, last digit of the remainder).
 */
export function checkOgrn(value: string, subject: 'legal' | 'individual' | 'any' = 'any'): ProblemRule | null {
  const lengths = subject === 'legal' ? [13] : subject === 'individual' ? [15] : [13, 15];
  if (!/^\d+$/.test(value) || !lengths.includes(value.length)) return 'OGRN_FORMAT';
  const divisor = value.length === 13 ? 11n : 13n;
  const body = BigInt(value.slice(0, -1));
  const check = Number((body % divisor) % 10n);
  return check === Number(value.slice(-1)) ? null : 'OGRN_CHECKSUM';
}

/** The 11 digits of a СНИЛС given as «123-456-789 01» or «12345678901», or undefined. */
export function normaliseSnils(value: string): string | undefined {
  const match = /^(\d{3})-?(\d{3})-?(\d{3})[ -]?(\d{2})$/.exec(value.trim());
  return match === null ? undefined : match.slice(1).join('');
}

/**
 * СНИЛС: 9 digits and a 2-digit check number (Pension Fund rules): sum of digit × (9 − position);
 * below 100 it is the check number, 100 and 101 give 00, above that take mod 101 (100 → 00).
 * Numbers up to 001-001-998 were issued before check numbers and are not checked.
 */
export function checkSnils(value: string): ProblemRule | null {
  const digits = normaliseSnils(value);
  if (digits === undefined) return 'SNILS_FORMAT';
  const body = digits.slice(0, 9);
  if (Number(body) <= 1001998) return null;
  const sum = weightedSum(digitsOf(body), [9, 8, 7, 6, 5, 4, 3, 2, 1]);
  let check = sum < 100 ? sum : sum % 101;
  if (check === 100) check = 0;
  return check === Number(digits.slice(9)) ? null : 'SNILS_CHECKSUM';
}

const licensePattern = /^([А-ЯЁ]{3}) ?(\d{5}) ?([А-ЯЁ]{2})$/;

/** The license number in its canonical spelling «СЛХ 01234 ТЭ», or undefined if it is malformed. */
export function normaliseLicenseNumber(value: string): string | undefined {
  const match = licensePattern.exec(value.trim().toUpperCase());
  return match === null ? undefined : `${match[1]} ${match[2]} ${match[3]}`;
}

/**
 * A subsoil license number: series of three Cyrillic letters (region), five-digit number and two
 * Cyrillic letters for the kind of works (ТЭ, ТР, НЭ, БП…), e.g. «СЛХ 01234 ТЭ».
 */
export function checkLicenseNumber(value: string): ProblemRule | null {
  return normaliseLicenseNumber(value) === undefined ? 'LICENSE_FORMAT' : null;
}

/** Whether a string has Latin letters that look like Cyrillic ones (a common typo in license numbers). */
export function hasLatinLookalikes(value: string): boolean {
  return /[ABCEHKMOPTXY]/i.test(value);
}

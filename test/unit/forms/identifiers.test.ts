import { describe, expect, it } from 'vitest';
import { checkInn, checkLicenseNumber, checkOgrn, checkSnils, normaliseLicenseNumber, normaliseSnils } from '../../../src/main/core/forms/identifiers';

// Known-good numbers are public registry entries (ПАО Сбербанк: ИНН 7707083893, ОГРН 1027700132195)
// and the textbook examples of the check-digit algorithms.
describe('ИНН', () => {
  it.each([
    ['7707083893', 'legal'],
    ['7736050003', 'legal'],
    ['500100732259', 'individual'],
    ['773400211252', 'individual'],
  ] as const)('accepts the valid ИНН %s', (inn, subject) => {
    expect(checkInn(inn)).toBeNull();
    expect(checkInn(inn, subject)).toBeNull();
  });

  it.each(['7707083894', '7707083883', '500100732258', '500100732269'])('rejects %s whose check digits do not match', (inn) => {
    expect(checkInn(inn)).toBe('INN_CHECKSUM');
  });

  it.each(['770708389', '77070838931', '77070838A3', '', '7707 083893'])('rejects %j with the wrong length or characters', (inn) => {
    expect(checkInn(inn)).toBe('INN_FORMAT');
  });

  it('rejects a personal ИНН where an organisation ИНН is required, and the reverse', () => {
    expect(checkInn('500100732259', 'legal')).toBe('INN_FORMAT');
    expect(checkInn('7707083893', 'individual')).toBe('INN_FORMAT');
  });
});

describe('ОГРН and ОГРНИП', () => {
  it.each(['1027700132195', '1027739609391', '304500116000157', '316861700133226'])('accepts the valid number %s', (ogrn) => {
    expect(checkOgrn(ogrn)).toBeNull();
  });

  it.each(['1027700132196', '1027700132185', '304500116000158'])('rejects %s whose check digit does not match', (ogrn) => {
    expect(checkOgrn(ogrn)).toBe('OGRN_CHECKSUM');
  });

  it.each(['102770013219', '10277001321950', '30450011600015A'])('rejects %s with the wrong length or characters', (ogrn) => {
    expect(checkOgrn(ogrn)).toBe('OGRN_FORMAT');
  });

  it('tells ОГРН and ОГРНИП apart when the subject kind is fixed', () => {
    expect(checkOgrn('304500116000157', 'legal')).toBe('OGRN_FORMAT');
    expect(checkOgrn('1027700132195', 'individual')).toBe('OGRN_FORMAT');
  });
});

describe('СНИЛС', () => {
  it.each(['112-233-445 95', '11223344595', '087-654-303 00', '001-001-998 00'])('accepts the valid СНИЛС %s', (snils) => {
    expect(checkSnils(snils)).toBeNull();
  });

  it('normalises the printed form «123-456-789 01» to 11 digits', () => {
    expect(normaliseSnils('112-233-445 95')).toBe('11223344595');
  });

  it.each(['112-233-445 96', '11223344594', '211-233-445 95'])('rejects %s whose check number does not match', (snils) => {
    expect(checkSnils(snils)).toBe('SNILS_CHECKSUM');
  });

  it.each(['112-233-445', '112 233 445 95 1', 'СНИЛС'])('rejects %j that is not 11 digits', (snils) => {
    expect(checkSnils(snils)).toBe('SNILS_FORMAT');
  });
});

describe('license number', () => {
  it.each(['СЛХ 01234 ТЭ', 'ХМН 12345 НР', 'слх 01234 тэ', 'СЛХ01234ТЭ'])('accepts %s', (license) => {
    expect(checkLicenseNumber(license)).toBeNull();
  });

  it('writes the license number in its canonical spelling', () => {
    expect(normaliseLicenseNumber('слх01234тэ')).toBe('СЛХ 01234 ТЭ');
  });

  // 'CЛХ' starts with a Latin C, the most common typo.
  it.each(['CЛХ 01234 ТЭ', 'СЛХ 1234 ТЭ', 'СЛ 01234 ТЭ', 'СЛХ 01234 Т', 'СЛХ-01234-ТЭ', ''])('rejects %j', (license) => {
    expect(checkLicenseNumber(license)).toBe('LICENSE_FORMAT');
  });
});

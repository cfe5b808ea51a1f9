/**
 * Checks of single field values against their definitions. Every check returns all problems of
 * the field (usually one) with a Russian message that names the field and says how to fix it.
 */
import type { FieldDefinition, FieldValue, FormProblem, PeriodValue, ProblemRule, VolumeValue } from '../../../shared/catalog-types';
import { checkInn, checkLicenseNumber, checkOgrn, checkSnils, hasLatinLookalikes } from './identifiers';

/** A calendar date `YYYY-MM-DD` as a UTC day number, or undefined when it is not a real date. */
export function parseIsoDate(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return time / 86_400_000;
}

/** `YYYY-MM-DD` → «ДД.ММ.ГГГГ». */
export function formatRussianDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value.slice(8, 10)}.${value.slice(5, 7)}.${value.slice(0, 4)}` : value;
}

/** Whether a value counts as not filled in. */
export function isEmptyValue(value: FieldValue | null | undefined): value is null | undefined | '' {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** The first and last day (UTC day numbers) of a period, or a problem. */
export function periodBounds(period: PeriodValue): { start: number; end: number } | ProblemRule {
  const dayOf = (year: number, monthIndex: number, day: number): number => Date.UTC(year, monthIndex, day) / 86_400_000;
  const yearOk = (year: unknown): year is number => Number.isInteger(year) && (year as number) >= 1990 && (year as number) <= 2100;
  switch (period.kind) {
    case 'year':
      return yearOk(period.year) ? { start: dayOf(period.year, 0, 1), end: dayOf(period.year, 11, 31) } : 'PERIOD_INVALID';
    case 'quarter':
      if (!yearOk(period.year) || !Number.isInteger(period.quarter) || period.quarter < 1 || period.quarter > 4) return 'PERIOD_INVALID';
      return { start: dayOf(period.year, (period.quarter - 1) * 3, 1), end: dayOf(period.year, period.quarter * 3, 0) };
    case 'month':
      if (!yearOk(period.year) || !Number.isInteger(period.month) || period.month < 1 || period.month > 12) return 'PERIOD_INVALID';
      return { start: dayOf(period.year, period.month - 1, 1), end: dayOf(period.year, period.month, 0) };
    case 'range': {
      const start = typeof period.from === 'string' ? parseIsoDate(period.from) : undefined;
      const end = typeof period.to === 'string' ? parseIsoDate(period.to) : undefined;
      if (start === undefined || end === undefined) return 'PERIOD_INVALID';
      return start <= end ? { start, end } : 'PERIOD_ORDER';
    }
    default:
      return 'PERIOD_INVALID';
  }
}

const periodKindTexts = { year: 'год', quarter: 'квартал', month: 'месяц', range: 'даты «с — по»' } as const;

function isVolume(value: unknown): value is VolumeValue {
  return typeof value === 'object' && value !== null && 'amount' in value && 'unit' in value;
}

function isPeriod(value: unknown): value is PeriodValue {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

function moneyAmount(value: FieldValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 && Math.round(value * 100) === value * 100 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}([.,]\d{1,2})?$/.test(value.trim().replace(/\s/g, ''))) return Number(value.trim().replace(/\s/g, '').replace(',', '.'));
  return undefined;
}

/** Problems of one filled-in value (the caller handles REQUIRED). `today` is a UTC day number. */
export function checkFieldValue(field: FieldDefinition, value: FieldValue, today: number): FormProblem[] {
  const problem = (rule: ProblemRule, message: string): FormProblem[] => [{ target: field.key, rule, message }];
  const name = `«${field.label}»`;
  const wrongType = (expected: string): FormProblem[] => problem('WRONG_TYPE', `Поле ${name} заполнено неверно: ожидается ${expected}. Введите значение заново.`);

  switch (field.type) {
    case 'text': {
      if (typeof value !== 'string') return wrongType('текст');
      const limit = field.maxLength ?? 4000;
      if (value.length > limit) {
        return problem('TEXT_TOO_LONG', `Поле ${name} длиннее ${limit} символов (сейчас ${value.length}). Сократите текст или вынесите подробности в приложенный документ.`);
      }
      return [];
    }
    case 'enum': {
      const options = field.options ?? [];
      if (typeof value !== 'string' || !options.some((option) => option.value === value)) {
        return problem('ENUM_NOT_ALLOWED', `В поле ${name} выбрано недопустимое значение. Выберите одно из: ${options.map((option) => option.label).join(', ')}.`);
      }
      return [];
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType('число');
      const min = field.min ?? 0;
      if (value < min || (field.max !== undefined && value > field.max)) {
        const range = field.max === undefined ? `не меньше ${min}` : `от ${min} до ${field.max}`;
        return problem('NUMBER_OUT_OF_RANGE', `Значение поля ${name} должно быть ${range}${field.unit === undefined ? '' : ` ${field.unit}`}. Исправьте число.`);
      }
      return [];
    }
    case 'volume': {
      if (!isVolume(value) || typeof value.amount !== 'number' || !Number.isFinite(value.amount)) return wrongType('объём и единица измерения');
      const problems: FormProblem[] = [];
      if (value.amount < 0) problems.push(...problem('NUMBER_OUT_OF_RANGE', `Объём в поле ${name} не может быть отрицательным. Укажите 0, если работ не было.`));
      const units = field.units ?? [];
      if (!units.some((unit) => unit === value.unit)) {
        problems.push(...problem('UNIT_NOT_ALLOWED', `Единица «${value.unit}» не подходит для поля ${name}. Выберите одну из: ${units.join(', ')}.`));
      }
      return problems;
    }
    case 'money': {
      const amount = moneyAmount(value);
      if (amount === undefined) {
        return problem('MONEY_FORMAT', `Сумма в поле ${name} указана неверно. Введите неотрицательную сумму в рублях, не больше двух знаков после запятой, например 125000,50.`);
      }
      return [];
    }
    case 'date': {
      if (typeof value !== 'string') return wrongType('дата');
      const day = parseIsoDate(value);
      if (day === undefined) return problem('DATE_FORMAT', `В поле ${name} нет правильной даты. Выберите дату в календаре (ДД.ММ.ГГГГ).`);
      if (field.notInFuture === true && day > today) {
        return problem('DATE_IN_FUTURE', `Дата в поле ${name} (${formatRussianDate(value)}) ещё не наступила. Укажите дату не позже сегодняшней.`);
      }
      return [];
    }
    case 'period': {
      if (!isPeriod(value)) return wrongType('период');
      const kinds = field.periodKinds ?? ['year', 'quarter', 'month', 'range'];
      if (!kinds.includes(value.kind)) {
        return problem('PERIOD_KIND_NOT_ALLOWED', `Для поля ${name} период задаётся так: ${kinds.map((kind) => periodKindTexts[kind]).join(' или ')}. Выберите период заново.`);
      }
      const bounds = periodBounds(value);
      if (bounds === 'PERIOD_ORDER') return problem('PERIOD_ORDER', `В поле ${name} дата начала позже даты окончания. Поменяйте даты местами или исправьте их.`);
      if (typeof bounds === 'string') return problem('PERIOD_INVALID', `Период в поле ${name} указан неверно (год 1990–2100, квартал 1–4, месяц 1–12, даты ГГГГ-ММ-ДД). Выберите период заново.`);
      if (field.notInFuture === true && bounds.start > today) {
        return problem('DATE_IN_FUTURE', `Период в поле ${name} ещё не начался. Отчитаться можно только за начавшийся период — проверьте год и квартал.`);
      }
      return [];
    }
    case 'inn': {
      if (typeof value !== 'string') return wrongType('ИНН');
      const rule = checkInn(value.trim(), field.subject);
      if (rule === 'INN_FORMAT') {
        const lengths = field.subject === 'legal' ? '10 цифр' : field.subject === 'individual' ? '12 цифр' : '10 цифр для организации или 12 цифр для физического лица и ИП';
        return problem(rule, `ИНН в поле ${name} должен состоять из ${lengths}. Проверьте номер.`);
      }
      if (rule === 'INN_CHECKSUM') return problem(rule, `ИНН ${value.trim()} в поле ${name} не проходит проверку контрольных цифр — в номере опечатка. Сверьте ИНН со свидетельством о постановке на учёт.`);
      return [];
    }
    case 'ogrn': {
      if (typeof value !== 'string') return wrongType('ОГРН');
      const rule = checkOgrn(value.trim(), field.subject);
      if (rule === 'OGRN_FORMAT') return problem(rule, `В поле ${name} ожидается ОГРН из 13 цифр или ОГРНИП из 15 цифр. Проверьте номер.`);
      if (rule === 'OGRN_CHECKSUM') return problem(rule, `ОГРН ${value.trim()} в поле ${name} не проходит проверку контрольной цифры — в номере опечатка. Сверьте его с выпиской из ЕГРЮЛ/ЕГРИП.`);
      return [];
    }
    case 'snils': {
      if (typeof value !== 'string') return wrongType('СНИЛС');
      const rule = checkSnils(value);
      if (rule === 'SNILS_FORMAT') return problem(rule, `СНИЛС в поле ${name} должен содержать 11 цифр, например «123-456-789 01». Проверьте номер.`);
      if (rule === 'SNILS_CHECKSUM') return problem(rule, `СНИЛС ${value.trim()} в поле ${name} не проходит проверку контрольного числа — в номере опечатка. Сверьте его со страховым свидетельством.`);
      return [];
    }
    case 'license-number': {
      if (typeof value !== 'string') return wrongType('номер лицензии');
      if (checkLicenseNumber(value) === null) return [];
      const latin = hasLatinLookalikes(value) ? ' В номере есть латинские буквы — наберите буквы в русской раскладке.' : '';
      return problem('LICENSE_FORMAT', `Номер лицензии «${value}» в поле ${name} записан неверно: нужны три русские буквы, пять цифр и две русские буквы, например «СЛХ 01234 ТЭ».${latin}`);
    }
    default:
      return [];
  }
}

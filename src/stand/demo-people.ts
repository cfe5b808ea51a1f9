/**
 * The demo people as a newcomer reads them: the README's table, the stand's start page and
 * `npm run stand -- --help` are all made from the data the stand seeds its database with
 * (seedPersons, seedOrganisations, demoPassword), so none of them can name a person, phone or role
 * the stand does not have. A test holds the README's table to this one.
 */
import { roles } from '../shared/cabinet';
import { demoPassword, seedOrganisations, seedPersons } from './database';

export interface DemoPerson {
  oid: string;
  name: string;
  phone: string;
  snils: string;
  email: string;
  /** «ООО «Недра Севера» — Администратор», one per organisation. */
  memberships: string[];
}

/** SNILS as people write it: 112-233-445 95. */
export function formatSnils(snils: string): string {
  return /^\d{11}$/.test(snils) ? `${snils.slice(0, 3)}-${snils.slice(3, 6)}-${snils.slice(6, 9)} ${snils.slice(9)}` : snils;
}

/** Every demo person with their organisations and roles. */
export function demoPeople(): DemoPerson[] {
  return seedPersons.map((person) => ({
    oid: person.oid,
    name: `${person.surname} ${person.givenName}`,
    phone: person.phone,
    snils: formatSnils(person.snils),
    email: person.email,
    memberships: person.memberships.map(([organisationOid, role]) => `${seedOrganisations.find((item) => item.oid === organisationOid)?.fullName ?? organisationOid} — ${roles[role]}`),
  }));
}

export { demoPassword };

/** The README's table (between the `demo-people` markers). */
export function demoPeopleMarkdown(): string {
  const rows = demoPeople().map((person) => `| ${person.oid} | ${person.name} | ${person.phone} | ${person.snils} | ${person.email} | ${person.memberships.join('; ')} |`);
  return ['| `--person` | Демо-пользователь | Телефон | СНИЛС | Почта | Организация — роль |', '|---|---|---|---|---|---|', ...rows, '', `Пароль у всех: \`${demoPassword}\`.`].join('\n');
}

/** The lines `npm run stand -- --help` prints. */
export function demoPeopleText(): string {
  return demoPeople()
    .map((person) => `  ${person.oid}  ${person.name}, ${person.phone}, СНИЛС ${person.snils}, ${person.email} — ${person.memberships.join('; ')}`)
    .join('\n');
}

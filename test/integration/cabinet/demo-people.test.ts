/**
 * The demo people a newcomer reads about — the README's table and the stand's start page — are the
 * people the stand seeds its database with: same phone, SNILS, e-mail, organisations and roles, and
 * the password that logs them in. Neither can drift from the seed without this test failing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles } from '../../../src/shared/cabinet';
import { demoPassword, seedOrganisations, seedPersons } from '../../../src/stand/database';
import { demoPeopleMarkdown } from '../../../src/stand/demo-people';
import { startStand, type RunningStand } from '../../../src/stand/server';

let stand: RunningStand;

beforeAll(async () => {
  stand = await startStand({ dataDir: path.join(mkdtempSync(path.join(tmpdir(), 'nedradesk-demo-people-')), 'stand'), log: () => undefined });
});

afterAll(async () => {
  await stand?.close();
});

/** What the stand's own database holds for a person: the seed as it was written, not the seed constant. */
function storedPerson(oid: string): { phone: string; snils: string; email: string; memberships: string[] } {
  const person = stand.database.prepare('SELECT phone, snils, email FROM persons WHERE oid = ?').get(oid) as { phone: string; snils: string; email: string };
  const memberships = (stand.database.prepare('SELECT o.full_name AS name, m.role FROM members m JOIN organisations o ON o.oid = m.organisation_oid WHERE m.person_oid = ?').all(oid) as Array<{ name: string; role: keyof typeof roles }>).map(
    (row) => `${row.name} — ${roles[row.role]}`,
  );
  return { ...person, memberships };
}

describe('the demo people', () => {
  it('the README lists exactly the stand’s seeded people with their phone, SNILS, e-mail, organisations and roles', () => {
    const readme = readFileSync(path.join(process.cwd(), 'README.md'), 'utf8');
    const block = /<!-- demo-people:start[^>]*-->\n([\s\S]*?)\n<!-- demo-people:end -->/.exec(readme)?.[1];
    expect(block, 'README has the demo-people block').toBeDefined();
    expect(block).toBe(demoPeopleMarkdown());
    const rows = (block ?? '').split('\n').filter((line) => /^\| \d{7} \|/.test(line));
    const personCount = (stand.database.prepare('SELECT count(*) AS n FROM persons').get() as { n: number }).n;
    expect(rows).toHaveLength(personCount);
    for (const row of rows) {
      const [oid, name, phone, snils, email, memberships] = row.split('|').slice(1, -1).map((cell) => cell.trim());
      const stored = storedPerson(oid ?? '');
      const seed = seedPersons.find((person) => person.oid === oid);
      expect(name).toBe(`${seed?.surname} ${seed?.givenName}`);
      expect(phone).toBe(stored.phone);
      expect((snils ?? '').replace(/\D/g, '')).toBe(stored.snils);
      expect(email).toBe(stored.email);
      expect((memberships ?? '').split('; ').sort()).toEqual(stored.memberships.sort());
    }
    expect(block).toContain(`\`${demoPassword}\``);
  });

  it('the stand’s start page at / lists the same people, organisations, roles and the password', async () => {
    const response = await fetch(`${stand.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    for (const person of seedPersons) {
      const stored = storedPerson(person.oid);
      for (const text of [`${person.surname} ${person.givenName}`, stored.phone, stored.email, `--person ${person.oid}`]) expect(html).toContain(text);
      expect(html).toContain(`${stored.snils.slice(0, 3)}-${stored.snils.slice(3, 6)}-${stored.snils.slice(6, 9)} ${stored.snils.slice(9)}`);
      for (const membership of stored.memberships) expect(html).toContain(membership);
    }
    for (const organisation of seedOrganisations) expect(html).toContain(organisation.fullName);
    expect(html).toContain(demoPassword);
    expect(html).toContain('npm run stand -- demo-token');
  });
});

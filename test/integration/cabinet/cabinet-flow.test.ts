import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { CabinetService } from '../../../src/main/services/cabinet-service';
import { buildApplicationPackage } from '../../../src/main/services/application-service';
import { LocalTokenService, type TokenSigner } from '../../../src/main/token/token-service';
import { AppError } from '../../../src/shared/errors';
import { startStand, type RunningStand } from '../../../src/stand/server';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';
import { sampleData } from '../../unit/catalog/sample-forms';
import { until } from '../../support/app-workplace';

const pin = '314159';
let pki: TestPki;
let stand: RunningStand;
let tokens: LocalTokenService;
let dir: string;
let reportXml: string;

beforeAll(async () => {
  pki = await loadTestPki();
  const factory = await TokenFactory.create();
  await factory.createToken({ label: 'Организация', userPin: pin });
  await factory.importIdentity('Организация', pin, pki.rsaSigner, { idHex: '01', label: 'Иванова' });
  await factory.importIdentity('Организация', pin, pki.ecP384Signer, { idHex: '02', label: 'Кузнецова' });
  await factory.importIdentity('Организация', pin, pki.expired, { idHex: '03', label: 'Смирнов' });
  // Tokens carry their CA's certificate, so signatures include the chain.
  await factory.importCertificateOnly('Организация', pin, pki.intermediate, { idHex: 'ca', label: 'УЦ' });
  process.env.SOFTHSM2_CONF = factory.confPath;
  tokens = LocalTokenService.open({ explicit: factory.module });
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cabinet-'));
  stand = await startStand({ dataDir: path.join(dir, 'stand'), trustAnchors: [pki.root.certDer], stepDelayMs: 150, log: () => undefined });
  reportXml = path.join(dir, 'report.xml');
  writeFileSync(reportXml, '<?xml version="1.0" encoding="UTF-8"?><report><extracted unit="т">1250.5</extracted></report>');
});

afterAll(async () => {
  await stand?.close();
  await tokens?.close();
});

const signer = (idHex: string, allowInvalidCertificate = false): Promise<TokenSigner> => tokens.openSigner({ certificate: `id:${idHex}`, pin: Buffer.from(pin), allowInvalidCertificate });

function service(name: string): CabinetService {
  return new CabinetService({ dataDir: path.join(dir, name), startStand: async () => ({ url: stand.url, close: async () => undefined }), syncIntervalMs: 200, outboxBaseDelayMs: 50 });
}


async function buildReport(cabinet: CabinetService, signerId: string, name: string) {
  const organisation = cabinet.state().organisation;
  if (organisation === undefined) throw new Error('no organisation');
  const entry = findCatalogEntry('report.extraction');
  if (entry === undefined) throw new Error('catalog entry missing');
  const packageSigner = await signer(signerId);
  try {
    return await buildApplicationPackage({
      typeCode: entry.code,
      title: `Отчёт о добыче (${name})`,
      data: sampleData(entry),
      files: [{ role: 'report-file', path: reportXml, fileName: 'Отчёт о добыче.xml' }],
      organisation: { name: organisation.fullName, inn: organisation.inn, ogrn: organisation.ogrn, address: organisation.address },
      signer: packageSigner,
      dataDir: path.join(dir, name),
      generator: 'NedraDesk test',
    });
  } finally {
    await packageSigner.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('cabinet flow against the training stand', () => {
  it('logs in by signature, submits a report through the outbox, follows it to «Одобрено» and downloads the decision', async () => {
    const cabinet = service('signature');
    const loginSigner = await signer('01');
    const state = await cabinet.loginWithSignature(loginSigner);
    await loginSigner.close();
    expect(state.person?.snils).toBe('11223344595');
    expect(state.organisation?.fullName).toBe('ООО «Недра Севера»');
    expect(state.organisation?.role).toBe('admin');
    const built = await buildReport(cabinet, '01', 'signature');
    const queued = await cabinet.outbox.submit({ packagePath: built.packagePath, packageId: built.manifest.packageId, typeCode: 'report.extraction', title: 'Отчёт о добыче за 2025 год', organisationOid: '2000001' });
    expect(queued.state).toBe('waiting');
    const accepted = await until(async () => cabinet.outbox.list().find((item) => item.id === queued.id && item.state === 'done'));
    expect(accepted.registrationNumber).toMatch(/^РН-\d{4}-\d{6}$/);
    const approved = await until(async () => (await cabinet.listOrders()).find((order) => order.orderId === accepted.orderId && order.status === 'approved'));
    expect(approved.history.map((item) => item.status)).toEqual(['accepted', 'processing', 'approved']);
    const decision = await cabinet.requireClient().file(approved.orderId, 'Решение.pdf');
    const decisionPath = path.join(dir, 'decision.pdf');
    writeFileSync(decisionPath, decision);
    expect(spawnSync('pdftotext', [decisionPath, '-'], { encoding: 'utf8' }).stdout).toContain('Решение по заявлению');
    expect(cabinet.outbox.list().find((item) => item.id === queued.id)?.status).toBe('approved');
    await cabinet.close();
  });

  it('logs in with password and SMS code through the provider page and the loopback redirect', async () => {
    const cabinet = service('password');
    const { authorizationUrl } = await cabinet.startPasswordLogin();
    const finished = cabinet.finishPasswordLogin();
    const loginPage = await (await fetch(authorizationUrl)).text();
    expect(loginPage).toContain('Телефон, почта или СНИЛС');
    const requestId = /name="request" value="([^"]+)"/.exec(loginPage)?.[1] ?? '';
    const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' as const });
    const wrong = await fetch(new URL('/idp/login', stand.url), form({ request: requestId, login: '+7 900 000-00-03', password: 'не тот' }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Неверный логин или пароль');
    const codePage = await (await fetch(new URL('/idp/login', stand.url), form({ request: requestId, login: '+7 900 000-00-03', password: 'Nedra-2026!' }))).text();
    expect(codePage).toContain('Мы отправили код из 6 цифр');
    const attempt = /name="attempt" value="([^"]+)"/.exec(codePage)?.[1] ?? '';
    const code = stand.lastSmsCode('+7 900 000-00-03') ?? '';
    const redirect = await fetch(new URL('/idp/otp', stand.url), form({ attempt, code }));
    expect(redirect.status).toBe(302);
    const done = await fetch(redirect.headers.get('location') ?? '');
    expect(await done.text()).toContain('Вход выполнен');
    const state = await finished;
    expect(`${state.person?.surname} ${state.person?.givenName}`).toBe('Сидоров Алексей Викторович');
    expect(state.organisation?.role).toBe('head');
    await cabinet.close();
  });

  it('locks the attempt after three wrong SMS codes', async () => {
    const cabinet = service('locked');
    const { authorizationUrl } = await cabinet.startPasswordLogin();
    const loginPage = await (await fetch(authorizationUrl)).text();
    const requestId = /name="request" value="([^"]+)"/.exec(loginPage)?.[1] ?? '';
    const post = (url: string, fields: Record<string, string>) => fetch(new URL(url, stand.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
    const codePage = await (await post('/idp/login', { request: requestId, login: 'petrov@nedra-severa.test', password: 'Nedra-2026!' })).text();
    const attempt = /name="attempt" value="([^"]+)"/.exec(codePage)?.[1] ?? '';
    const real = stand.lastSmsCode('petrov@nedra-severa.test') ?? '';
    const wrongCode = real === '000000' ? '111111' : '000000';
    expect(await (await post('/idp/otp', { attempt, code: wrongCode })).text()).toContain('Осталось попыток: 2');
    expect(await (await post('/idp/otp', { attempt, code: wrongCode })).text()).toContain('Осталось попыток: 1');
    const third = await post('/idp/otp', { attempt, code: wrongCode });
    expect(third.status).toBe(403);
    expect(await third.text()).toContain('Код введён неверно 3 раза');
    expect((await post('/idp/otp', { attempt, code: real })).status).toBe(400);
    await cabinet.close();
  });

  it('refuses signature login with an expired certificate and with an untrusted one, in Russian', async () => {
    const cabinet = service('refused');
    const expired = await signer('03', true);
    const error = await rejection(cabinet.loginWithSignature(expired));
    await expired.close();
    expect(error.code).toBe('LOGIN_FAILED');
    expect(error.message).toContain('Сертификат подписи недействителен');
    const untrustingStand = await startStand({ dataDir: path.join(dir, 'untrusting'), trustAnchors: [], log: () => undefined });
    const other = new CabinetService({ dataDir: path.join(dir, 'untrusted'), startStand: async () => ({ url: untrustingStand.url, close: async () => undefined }) });
    const valid = await signer('01');
    const untrusted = await rejection(other.loginWithSignature(valid));
    await valid.close();
    expect(untrusted.message).toContain('удостоверяющим центром, которому стенд не доверяет');
    await other.close();
    await untrustingStand.close();
    await cabinet.close();
  });

  it('refuses an auditor sending, and a package signed by someone outside the organisation', async () => {
    const cabinet = service('auditor');
    const loginSigner = await signer('02');
    const state = await cabinet.loginWithSignature(loginSigner);
    await loginSigner.close();
    expect(state.roles.map((role) => [role.fullName, role.role]).sort()).toEqual([['АО «Уральские недра»', 'employee'], ['ООО «Недра Севера»', 'auditor']]);
    cabinet.chooseOrganisation('2000001');
    const denied = await rejection(cabinet.requireClient().createOrder({ serviceCode: 'report.extraction', title: 'Попытка аудитора', idempotencyKey: 'auditor-1' }));
    expect(denied.code).toBe('PUSH_DENIED');
    expect(denied.message).toContain('Роль «Аудитор» не даёт права');
    // In the Ural organisation Кузнецова may send, but the package is signed by Иванова, who is not a member there.
    cabinet.chooseOrganisation('2000002');
    const stranger = await buildReport(cabinet, '01', 'stranger');
    const client = cabinet.requireClient();
    const order = await client.createOrder({ serviceCode: 'report.extraction', title: 'Чужая подпись', idempotencyKey: 'stranger-1' });
    const refused = await rejection(client.push(order.orderId, stranger.packagePath));
    expect(refused.code).toBe('FILES_VERIFICATION_FAILED');
    expect(refused.message).toContain('подписал человек, который не состоит в организации');
    await cabinet.close();
  });
});

/**
 * The identity provider's pages: plain HTML in Russian, no scripts (the CSP forbids them), large
 * controls, labels on every field. Browsers apply form-action to the redirect that follows a form
 * (CSP3 §6.3.1), and the last one goes to the app's loopback redirect URI (RFC 8252 §7.3):
 * loopback addresses on any port are allowed as form targets, nothing else.
 */
import type { DemoPerson } from './demo-people';

const escape = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*">
<title>${escape(title)} — учебный стенд</title>
<style>
body{font-family:system-ui,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;background:#eef2f6;margin:0;color:#1b2430}
main{max-width:420px;margin:48px auto;background:#fff;border-radius:12px;padding:32px;box-shadow:0 4px 16px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 8px}p{line-height:1.5}.hint{color:#5b6776;font-size:14px}
label{display:block;margin:16px 0 6px;font-weight:600}input{width:100%;box-sizing:border-box;font-size:18px;padding:10px 12px;border:1px solid #b8c2cf;border-radius:8px}
button{margin-top:24px;width:100%;font-size:18px;padding:12px;border:0;border-radius:8px;background:#0d4cd3;color:#fff;cursor:pointer}
.error{background:#fdecec;color:#9b1c1c;padding:10px 12px;border-radius:8px;margin-top:12px}.badge{font-size:12px;color:#0d4cd3;text-transform:uppercase;letter-spacing:.06em}
</style></head><body><main><div class="badge">Учебный стенд NedraDesk</div>${body}</main></body></html>`;
}

/** Login and password form. */
export function loginPage(requestId: string, error?: string, login = ''): string {
  return page(
    'Вход',
    `<h1>Вход в личный кабинет</h1><p class="hint">Войдите с телефоном, почтой или СНИЛС и паролем от учётной записи.</p>
${error ? `<div class="error" role="alert">${escape(error)}</div>` : ''}
<form method="post" action="/idp/login"><input type="hidden" name="request" value="${escape(requestId)}">
<label for="login">Телефон, почта или СНИЛС</label><input id="login" name="login" autocomplete="username" required value="${escape(login)}">
<label for="password">Пароль</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Войти</button></form>`,
  );
}

/** The one-time code form. */
export function codePage(attemptId: string, phone: string | undefined, error?: string): string {
  return page(
    'Код из СМС',
    `<h1>Подтвердите вход</h1><p class="hint">${phone ? `Мы отправили код из 6 цифр на номер ${escape(phone)}.` : 'Введите код из СМС.'} Код действует 5 минут.</p>
${error ? `<div class="error" role="alert">${escape(error)}</div>` : ''}
<form method="post" action="/idp/otp"><input type="hidden" name="attempt" value="${escape(attemptId)}">
<label for="code">Код из СМС</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
<button type="submit">Подтвердить</button></form>`,
  );
}

/** After three wrong codes. */
export function lockedPage(): string {
  return messagePage('Вход заблокирован', 'Код введён неверно 3 раза. Вернитесь в NedraDesk и начните вход заново: придёт новый код.');
}

/** A message with no form. */
export function messagePage(title: string, text: string): string {
  return page(title, `<h1>${escape(title)}</h1><p>${escape(text)}</p>`);
}

/** Shown in the browser after a successful login, on the app's loopback page. */
export function doneHtml(): string {
  return page('Вход выполнен', '<h1>Вход выполнен</h1><p>Вернитесь в NedraDesk — окно можно закрыть.</p>');
}

/**
 * The stand's start page (`/`): what it is, how to get a demo token, and the demo people to log in
 * as — the same list as the README's and `npm run stand -- --help`'s (demo-people.ts), from the
 * stand's seed data. Only training data: demo people and the demo password, no codes, no keys.
 */
export function startPage(people: readonly DemoPerson[], password: string): string {
  const rows = people
    .map((person) => `<tr><td>${escape(person.name)}<br><span class="hint">--person ${escape(person.oid)}</span></td><td>${escape(person.phone)}<br>${escape(person.snils)}<br>${escape(person.email)}</td><td>${person.memberships.map((item) => escape(item)).join('<br>')}</td></tr>`)
    .join('\n');
  return page(
    'Учебный стенд',
    `<h1>Учебный стенд NedraDesk</h1><p>Личный кабинет и вход для практики: данные здесь учебные, настоящих заявлений стенд не принимает.</p>
<p class="hint">Учебный токен: <code>npm run stand -- demo-token --person OID</code> (PIN-код 123456), затем <code>npm start</code> и «Вход по подписи». Вход по паролю: телефон, почта или СНИЛС и пароль <b>${escape(password)}</b>; код из СМС стенд печатает в своём окне.</p>
<table><thead><tr><th>Демо-пользователь</th><th>Телефон, СНИЛС, почта</th><th>Организация — роль</th></tr></thead><tbody>
${rows}
</tbody></table>`,
  ).replace('main{max-width:420px;', 'main{max-width:960px;').replace('</style>', 'table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #dde3ea}</style>');
}

/**
 * Actions the journal records (`journal:list`'s `action` filter), with the Russian names the
 * journal screen and the CSV export show. Details never carry a PIN, password, code or token.
 */
export const journalActions = {
  'login.signature': 'Вход по электронной подписи',
  'login.password': 'Вход по паролю и коду из СМС',
  'organisation.choose': 'Выбор организации',
  logout: 'Выход из кабинета',
  'package.build': 'Формирование и подписание пакета',
  'signature.sign': 'Подписание файлов',
  'signature.verify': 'Проверка подписи',
  'package.submit': 'Постановка пакета в очередь отправки',
  'package.status': 'Изменение статуса пакета',
  'trust.import': 'Добавление корневого сертификата',
  'trust.remove': 'Удаление корневого сертификата',
  'settings.change': 'Изменение настроек',
  'draft.delete': 'Удаление черновика',
} as const;
export type JournalAction = keyof typeof journalActions;

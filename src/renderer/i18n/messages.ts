/** UI texts. Russian is the default; English is switchable. */
export const messages = {
  ru: {
    appTitle: 'NedraDesk',
    appSubtitle: 'Личный кабинет недропользователя и природопользователя',
    welcomeTitle: 'Добро пожаловать в NedraDesk',
    welcomeText:
      'NedraDesk готовит заявления и отчёты, проверяет документы, подписывает их электронной подписью с токена и отправляет в личный кабинет — в том числе без сети: пакет уйдёт, когда связь появится.',
    firstRunSteps: 'Для начала работы понадобится',
    stepCabinet: 'выбрать кабинет — учебный стенд или адрес вашего кабинета;',
    stepToken: 'подключить токен или смарт-карту с сертификатом электронной подписи (Рутокен, JaCarta, eToken и другие PKCS#11-устройства);',
    stepTrust: 'при необходимости импортировать корневые сертификаты удостоверяющего центра.',
    modeBrowser: 'Режим браузера',
    modeElectron: 'Настольное приложение',
    version: 'Версия',
    connecting: 'Подключение к NedraDesk…',
    language: 'English',
  },
  en: {
    appTitle: 'NedraDesk',
    appSubtitle: 'Personal cabinet for subsoil and nature users',
    welcomeTitle: 'Welcome to NedraDesk',
    welcomeText:
      'NedraDesk prepares applications and reports, checks documents, signs them with the electronic signature on your token and sends them to the personal cabinet — offline too: the package leaves when the network is back.',
    firstRunSteps: 'To start you will',
    stepCabinet: 'choose the cabinet — the training stand or your cabinet address;',
    stepToken: 'connect a token or smart card with a signature certificate (Rutoken, JaCarta, eToken and other PKCS#11 devices);',
    stepTrust: 'import your certification authority root certificates if needed.',
    modeBrowser: 'Browser mode',
    modeElectron: 'Desktop app',
    version: 'Version',
    connecting: 'Connecting to NedraDesk…',
    language: 'Русский',
  },
} as const;

export type Locale = keyof typeof messages;
export type MessageKey = keyof (typeof messages)['ru'];

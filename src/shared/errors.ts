/**
 * Error codes that cross process boundaries as data.
 *
 * Every code a user can meet has a Russian message that says what happened and what to do next;
 * the renderer and the CLI show `errorMessage(code)`, never an exception's own text.
 */
export const errorMessages = {
  INVALID_INPUT: 'Неверные входные данные. Проверьте заполненные поля и повторите действие.',
  UNKNOWN_METHOD: 'Неизвестная операция. Обновите NedraDesk до последней версии.',
  INTERNAL_ERROR: 'Внутренняя ошибка NedraDesk. Скопируйте отчёт для поддержки в разделе «Проверка рабочего места».',
  MODULE_NOT_FOUND: 'Не найдена библиотека PKCS#11 для работы с токеном. Установите драйвер токена или укажите путь к библиотеке в настройках.',
  MODULE_UNTRUSTED: 'Библиотека PKCS#11 находится в ненадёжном месте (в папке данных NedraDesk, доступна для изменения другим пользователям или принадлежит другому пользователю) и не загружена. Установите драйвер токена в системную папку и выберите библиотеку оттуда.',
  NATIVE_DIALOG_UNAVAILABLE: 'Выбор файла в окне системы есть только в настольном приложении NedraDesk. В режиме браузера библиотеку PKCS#11 задают при запуске: переменная окружения NEDRADESK_PKCS11_MODULE.',
  MODULE_LOAD_FAILED: 'Не удалось загрузить библиотеку PKCS#11. Проверьте путь к библиотеке и что драйвер токена установлен для этой разрядности системы.',
  TOKEN_NOT_PRESENT: 'Токен не подключён. Вставьте токен или смарт-карту и повторите действие.',
  TOKEN_REMOVED: 'Токен был извлечён во время работы. Вставьте его снова и повторите действие — данные не потеряны.',
  TOKEN_SERVICE_FAILED: 'Служба работы с токенами перезапущена после сбоя драйвера. Повторите действие.',
  TOKEN_TIMEOUT: 'Токен не ответил вовремя. Переподключите токен и повторите действие.',
  PIN_INCORRECT: 'Неверный PIN-код. Проверьте раскладку клавиатуры и Caps Lock.',
  PIN_LOCKED: 'PIN-код заблокирован после неудачных попыток. Разблокируйте токен PIN-кодом администратора или обратитесь в удостоверяющий центр.',
  PIN_LEN_RANGE: 'Длина PIN-кода не подходит для этого токена. Проверьте PIN-код.',
  PIN_EXPIRED: 'Срок действия PIN-кода истёк. Смените PIN-код с помощью утилиты производителя токена.',
  MECHANISM_NOT_SUPPORTED: 'Токен не поддерживает нужный алгоритм подписи. Используйте другой сертификат или токен.',
  CERT_NOT_FOUND: 'Сертификат не найден на подключённых токенах. Проверьте, что вставлен нужный токен.',
  CERT_EXPIRED: 'Срок действия сертификата истёк. Получите новый сертификат в удостоверяющем центре.',
  CERT_NOT_YET_VALID: 'Сертификат ещё не начал действовать. Проверьте дату и время на компьютере.',
  CERT_NO_PRIVATE_KEY: 'Для сертификата нет закрытого ключа на токене. Выберите другой сертификат.',
  CERT_KEY_USAGE: 'Назначение ключа сертификата не допускает подписание документов. Получите сертификат для электронной подписи.',
  CERT_INVALID: 'Файл сертификата повреждён или имеет неизвестный формат. Экспортируйте сертификат заново в формате DER или PEM.',
  CERT_AMBIGUOUS: 'Под описание подходит несколько сертификатов. Укажите сертификат точнее: по отпечатку SHA-1 или SHA-256.',
  SESSION_CLOSED: 'Сеанс работы с токеном завершён. Введите PIN-код ещё раз.',
  CABINET_UNREACHABLE: 'Личный кабинет недоступен: нет связи или сервер не отвечает. Пакет сохранён и будет отправлен, когда связь появится.',
  CABINET_ERROR: 'Личный кабинет вернул ошибку. Повторите действие позже; если ошибка повторяется, передайте её код в поддержку.',
  CABINET_LOGIN_REQUIRED: 'Сеанс в личном кабинете завершён. Войдите снова.',
  LOGIN_FAILED: 'Войти не удалось. Проверьте логин, пароль и код из СМС и повторите вход.',
  CABINET_ADDRESS_REFUSED: 'Адрес кабинета не принят: нужен адрес, начинающийся с https://. Обычный http:// допускается только для учебного стенда на этом компьютере (127.0.0.1, localhost или [::1]).',
  LOGIN_CHALLENGE_INVALID: 'Кабинет прислал неверный запрос на вход по подписи, и NedraDesk ничего не подписал. Проверьте адрес кабинета; если он верный, повторите вход позже.',
  PUSH_DENIED: 'Ваша роль в организации не даёт права отправлять заявления и отчёты. Обратитесь к администратору организации.',
  INVALID_FILES_STRUCTURE: 'Кабинет отклонил пакет: у каждого файла должна быть подпись <имя>.sig. Сформируйте пакет заново.',
  FILES_VERIFICATION_FAILED: 'Кабинет отклонил пакет: подпись файла не прошла проверку. Подпишите файл действующим сертификатом сотрудника организации.',
  FORM_INVALID: 'Заявление заполнено не полностью или с ошибками. Исправьте отмеченные поля и документы и повторите.',
  ORGANISATION_NOT_CHOSEN: 'Выберите организацию, от имени которой работаете.',
  ORGANISATION_MISMATCH: 'Пакет подготовлен для другой организации. Выберите организацию пакета и отправьте его снова.',
  PKCS12_PASSWORD_INCORRECT: 'Неверный пароль к файлу ключа (.pfx/.p12). Проверьте пароль.',
  PKCS12_INVALID: 'Файл ключа (.pfx/.p12) повреждён или имеет неподдерживаемый формат.',
  KEY_FILE_PASSWORD_INCORRECT: 'Неверный пароль к файлу закрытого ключа. Проверьте пароль.',
  PKCS11_ERROR: 'Ошибка токена. Переподключите токен и повторите действие; если ошибка повторяется, передайте её код в поддержку.',
  FILE_NOT_FOUND: 'Файл не найден. Проверьте путь к файлу.',
  FILE_UNREADABLE: 'Файл не удаётся прочитать. Проверьте права доступа к файлу.',
  SECRET_FILE_UNSAFE: 'Файл с PIN-кодом или паролем доступен другим пользователям или принадлежит другому пользователю. Выполните chmod 600 для этого файла.',
  FILE_NOT_REGULAR: 'Это не обычный файл, а устройство, канал (FIFO) или папка, и NedraDesk его не читает. Укажите файл документа или подписи.',
  FILE_CHANGED: 'Файл изменился, пока NedraDesk его читал (его дописывали или перезаписывали), и подпись не создана. Дождитесь, пока программа, которая пишет файл, закончит работу, и повторите действие.',
  FILE_TOO_LARGE: 'Файл слишком большой. Уменьшите размер файла или разделите его на части.',
  SIGNATURE_FORMAT: 'Файл подписи повреждён или не является подписью CAdES.',
  OPERATION_CANCELLED: 'Операция отменена.',
  CATALOG_TYPE_UNKNOWN: 'Неизвестный вид заявления или отчёта. Выберите вид документа из списка или обновите NedraDesk.',
  PDF_INVALID: 'Файл не является исправным PDF-документом. Сформируйте печатную форму заново.',
  PACKAGE_NOT_FOUND: 'Пакет не найден на этом компьютере. Обновите список пакетов.',
  DRAFT_NOT_FOUND: 'Черновик не найден: возможно, он уже удалён или отправлен. Обновите список черновиков.',
  FILE_HANDLE_UNKNOWN: 'Файл не найден среди выбранных в NedraDesk: возможно, он удалён. Выберите или перетащите файл заново.',
  FILE_OUTSIDE_DATA_FOLDER: 'Этот файл находится вне папки данных NedraDesk, и программа не будет его открывать. Откройте файл из списка пакетов или решений.',
  BROWSER_SESSION_REQUIRED: 'Нет доступа к NedraDesk в этом браузере. Откройте адрес, который NedraDesk напечатал при запуске; если он уже использован, перезапустите NedraDesk.',
  TRUST_ANCHOR_NOT_CA: 'Этот сертификат не является сертификатом удостоверяющего центра. Добавьте корневой сертификат УЦ (файл .cer или .crt).',
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof errorMessages;

/** The shape of an error when it crosses a process boundary. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

const retryableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TOKEN_NOT_PRESENT',
  'TOKEN_REMOVED',
  'TOKEN_SERVICE_FAILED',
  'TOKEN_TIMEOUT',
]);

/** The Russian message for a code. */
export function errorMessage(code: ErrorCode): string {
  return errorMessages[code];
}

/** Whether `value` names a known error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorMessages, value);
}

/**
 * An error a user can meet. Bugs are plain `Error`s and become INTERNAL_ERROR at the boundary.
 * `details` must never carry a secret (PIN, password, one-time code, access token).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, details?: Record<string, unknown>, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? errorMessages[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.retryable = retryableCodes.has(code);
  }

  /** The wire form of this error. */
  toData(): ErrorData {
    const data: ErrorData = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.details !== undefined) data.details = this.details;
    return data;
  }

  /** Rebuilds an AppError received from another process. */
  static fromData(data: ErrorData): AppError {
    return new AppError(data.code, data.details, { message: data.message });
  }
}

/** Turns anything thrown into wire data; unknown errors become INTERNAL_ERROR without their text. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof AppError) return error.toData();
  if (typeof error === 'object' && error !== null && 'code' in error && isErrorCode((error as { code: unknown }).code)) {
    const known = error as { code: ErrorCode; details?: Record<string, unknown> };
    return new AppError(known.code, known.details).toData();
  }
  return new AppError('INTERNAL_ERROR').toData();
}

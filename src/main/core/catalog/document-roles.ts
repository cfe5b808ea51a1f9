/**
 * Document roles and their rules, from seed 001 «Требования к документам», seed 002 «Отправка
 * отчетности» / «Получение разрешений и лицензий» and design §4 «Document rules».
 * Sizes are in binary megabytes (1 МБ = 1 048 576 байт), the way file managers show them.
 */
import type { DocumentRoleDefinition } from '../../../shared/catalog-types';

const megabyte = 1024 * 1024;

/** Every document role a catalog entry may use, by code. */
export const documentRoles = {
  rightsRegistration: {
    code: 'rights-registration',
    title: 'Заявление о регистрации прав',
    rule: { formats: ['pdf'], maxBytes: 5 * megabyte, mustBeSigned: true, maxAgeDays: 30 },
  },
  licenseCopy: {
    code: 'license-copy',
    title: 'Копия лицензии на пользование недрами',
    rule: { formats: ['pdf', 'jpeg'], maxBytes: 10 * megabyte, minDpi: 300 },
  },
  extractionPlan: {
    code: 'extraction-plan',
    title: 'План добычных работ',
    rule: { formats: ['pdf'], note: 'Масштаб 1:5000, подпись ответственного лица.' },
  },
  personalDataConsent: {
    code: 'personal-data-consent',
    title: 'Согласие на обработку персональных данных',
    rule: { formats: ['pdf', 'xml'], mustBeSigned: true, validityDays: 365 },
  },
  ownershipDocuments: {
    code: 'ownership-documents',
    title: 'Правоустанавливающие документы (договоры, акты, выписки из реестра)',
    rule: { formats: ['pdf', 'jpeg', 'png'], maxBytes: 8 * megabyte, multiple: true },
  },
  reportFile: {
    code: 'report-file',
    title: 'Файл отчёта',
    rule: {
      formats: ['pdf', 'xml'],
      maxBytes: 10 * megabyte,
      mustBeSigned: true,
      note: 'Без пароля, по шаблону формы, без пустых обязательных разделов.',
    },
  },
  reportTables: {
    code: 'report-tables',
    title: 'Табличные данные к отчёту',
    rule: { formats: ['xlsx', 'pdf'], maxBytes: 10 * megabyte },
  },
  technicalMaps: {
    code: 'technical-maps',
    title: 'Технические карты',
    rule: { formats: ['pdf', 'jpeg', 'png'], maxBytes: 10 * megabyte, minDpi: 300, multiple: true },
  },
  leaseContracts: {
    code: 'lease-contracts',
    title: 'Договоры аренды',
    rule: { formats: ['pdf', 'jpeg', 'png'], maxBytes: 8 * megabyte, multiple: true },
  },
  noTaxDebtCertificate: {
    code: 'no-tax-debt-certificate',
    title: 'Справка об отсутствии налоговой задолженности',
    rule: { formats: ['pdf', 'xml'], maxBytes: 5 * megabyte, maxAgeDays: 30 },
  },
  registrationCertificate: {
    code: 'registration-certificate',
    title: 'Свидетельство о государственной регистрации юридического лица или ИП',
    rule: { formats: ['pdf', 'jpeg', 'png'], maxBytes: 10 * megabyte, minDpi: 300 },
  },
  technicalDocumentation: {
    code: 'technical-documentation',
    title: 'Техническая документация',
    rule: { formats: ['pdf', 'docx', 'xlsx'], maxBytes: 10 * megabyte, multiple: true },
  },
  environmentalReview: {
    code: 'environmental-review',
    title: 'Экологическая экспертиза или заключение о воздействии на окружающую среду',
    rule: { formats: ['pdf'], maxBytes: 10 * megabyte },
  },
  landLease: {
    code: 'land-lease',
    title: 'Договор аренды или пользования земельным участком',
    rule: { formats: ['pdf', 'jpeg', 'png'], maxBytes: 8 * megabyte },
  },
  workPlan: {
    code: 'work-plan',
    title: 'Обновлённый план работ',
    rule: { formats: ['pdf', 'docx'], maxBytes: 10 * megabyte },
  },
  supportingDocuments: {
    code: 'supporting-documents',
    title: 'Подтверждающие документы',
    rule: { formats: ['pdf', 'jpeg', 'png', 'docx', 'xlsx'], maxBytes: 10 * megabyte, multiple: true },
  },
  explanatoryNote: {
    code: 'explanatory-note',
    title: 'Пояснительная записка',
    rule: { formats: ['pdf', 'docx'], maxBytes: 5 * megabyte },
  },
  regulatorDecision: {
    code: 'regulator-decision',
    title: 'Обжалуемое решение регулятора',
    rule: { formats: ['pdf', 'jpeg', 'png'], maxBytes: 10 * megabyte },
  },
  extractionProject: {
    code: 'extraction-project',
    title: 'Проект разработки месторождения',
    rule: { formats: ['pdf', 'docx'], maxBytes: 10 * megabyte },
  },
  workResults: {
    code: 'work-results',
    title: 'Материалы о результатах работ (акты, протоколы)',
    rule: { formats: ['pdf', 'xml', 'xlsx'], maxBytes: 10 * megabyte, multiple: true },
  },
} as const satisfies Record<string, DocumentRoleDefinition>;

/**
 * The largest file any document rule admits: what a channel carrying attachments (the browser-mode
 * host's request body) must fit. Roles whose rule states no limit are bounded by it as well.
 */
export const largestDocumentBytes: number = Math.max(...Object.values(documentRoles).map((role) => ('maxBytes' in role.rule ? role.rule.maxBytes : 0)));

/**
 * The catalog of application and report types (design §4 «Catalog (from the seeds)»):
 * applications from seed 001 «Виды заявлений» and «Продление и изменение лицензий», nature-use
 * permits from seed 002 «Получение разрешений и лицензий»; reports from seed 001 «Виды
 * отчетности» and seed 002 «Отправка отчетности». Required report fields follow seed 001
 * «Формирование и подача отчетности»: номер лицензии, период, объёмы, даты проведения работ.
 *
 * Everything here is data: a new type is a new entry, validation and rendering read the entry.
 */
import type { CatalogEntry, EntryDocument, FieldDefinition, FieldOrderConstraint } from '../../../shared/catalog-types';
import { documentRoles } from './document-roles';

// ---- Reusable field definitions -------------------------------------------------------------

const licenseNumber: FieldDefinition = {
  key: 'licenseNumber',
  type: 'license-number',
  label: 'Номер лицензии',
  help: 'Серия (три буквы), номер (пять цифр) и вид работ (две буквы), например «СЛХ 01234 ТЭ».',
  required: true,
};

const reportPeriod: FieldDefinition = {
  key: 'period',
  type: 'period',
  label: 'Отчётный период',
  help: 'Год, квартал или месяц отчётного года, либо даты начала и окончания периода.',
  required: true,
  periodKinds: ['year', 'quarter', 'month', 'range'],
  notInFuture: true,
};

const worksStart: FieldDefinition = {
  key: 'worksStart',
  type: 'date',
  label: 'Дата начала работ',
  help: 'Дата, с которой в отчётном периоде велись работы.',
  required: true,
  notInFuture: true,
};

const worksEnd: FieldDefinition = {
  key: 'worksEnd',
  type: 'date',
  label: 'Дата окончания работ',
  help: 'Последняя дата работ в отчётном периоде.',
  required: true,
  notInFuture: true,
};

const worksOrder: FieldOrderConstraint = { kind: 'not-after', first: 'worksStart', second: 'worksEnd' };

const siteName: FieldDefinition = {
  key: 'siteName',
  type: 'text',
  label: 'Участок недр (месторождение)',
  help: 'Название участка или месторождения, как в лицензии.',
  required: true,
  maxLength: 300,
};

const contactPerson: FieldDefinition = {
  key: 'contactPerson',
  type: 'text',
  label: 'Ответственное лицо',
  help: 'Фамилия, имя, отчество и должность того, кто подготовил документ.',
  required: true,
  maxLength: 200,
};

const contactSnils: FieldDefinition = {
  key: 'contactSnils',
  type: 'snils',
  label: 'СНИЛС ответственного лица',
  help: '11 цифр, можно в виде «123-456-789 01».',
  required: false,
};

const mineral: FieldDefinition = {
  key: 'mineral',
  type: 'enum',
  label: 'Вид полезного ископаемого',
  required: true,
  options: [
    { value: 'oil', label: 'Нефть' },
    { value: 'gas', label: 'Природный газ' },
    { value: 'coal', label: 'Уголь' },
    { value: 'gold', label: 'Золото' },
    { value: 'sand-gravel', label: 'Песчано-гравийная смесь' },
    { value: 'groundwater', label: 'Подземные воды' },
    { value: 'other', label: 'Иное' },
  ],
};

const comment: FieldDefinition = {
  key: 'comment',
  type: 'text',
  label: 'Дополнительные сведения',
  required: false,
  maxLength: 4000,
  multiline: true,
};

function text(key: string, label: string, required: boolean, help?: string, maxLength = 4000): FieldDefinition {
  return { key, type: 'text', label, required, maxLength, multiline: maxLength > 300, ...(help === undefined ? {} : { help }) };
}

function date(key: string, label: string, required: boolean, notInFuture: boolean, help?: string): FieldDefinition {
  return { key, type: 'date', label, required, notInFuture, ...(help === undefined ? {} : { help }) };
}

function volume(key: string, label: string, required: boolean, units: FieldDefinition['units'], help?: string): FieldDefinition {
  return { key, type: 'volume', label, required, units, ...(help === undefined ? {} : { help }) };
}

function money(key: string, label: string, required: boolean, help?: string): FieldDefinition {
  return { key, type: 'money', label, required, help: help ?? 'В рублях, копейки через точку или запятую.' };
}

function needs(role: EntryDocument['role'], required: boolean, condition?: string): EntryDocument {
  return { role, required, ...(condition === undefined ? {} : { condition }) };
}

const solidAndLiquidUnits = ['т', 'тыс. т', 'м³', 'тыс. м³', 'млн м³'] as const;

// Seed 001: «Требуемые с заявлением: копия лицензии, технические карты, договоры аренды (если
// есть), справка об отсутствии налоговой задолженности».
const applicationDocuments: EntryDocument[] = [
  needs(documentRoles.licenseCopy, true),
  needs(documentRoles.technicalMaps, true),
  needs(documentRoles.leaseContracts, false, 'если есть'),
  needs(documentRoles.noTaxDebtCertificate, true),
  needs(documentRoles.personalDataConsent, true),
];

// Seed 002: свидетельство о регистрации, техническая документация, экологическая экспертиза,
// договор аренды земли.
const natureUseDocuments: EntryDocument[] = [
  needs(documentRoles.registrationCertificate, true),
  needs(documentRoles.technicalDocumentation, true),
  needs(documentRoles.environmentalReview, true),
  needs(documentRoles.landLease, true),
  needs(documentRoles.personalDataConsent, true),
];

const reportDocuments: EntryDocument[] = [needs(documentRoles.reportFile, true), needs(documentRoles.reportTables, false)];

const subsoilReportFields = [licenseNumber, reportPeriod, worksStart, worksEnd];

// ---- Entries ------------------------------------------------------------------------------------

/** Every application and report type NedraDesk knows. */
export const catalog: readonly CatalogEntry[] = [
  {
    code: 'application.subsoil-permit',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление о выдаче разрешения на пользование недрами',
    description: 'Получение права пользования участком недр.',
    fields: [
      siteName,
      mineral,
      text('purpose', 'Цель пользования недрами', true, 'Геологическое изучение, разведка, добыча — как в заявке.', 1000),
      { key: 'area', type: 'number', label: 'Площадь участка', unit: 'км²', required: true, min: 0 },
      date('requestedFrom', 'Желаемая дата начала пользования', true, false),
      contactPerson,
      contactSnils,
      comment,
    ],
    documents: [...applicationDocuments, needs(documentRoles.rightsRegistration, true), needs(documentRoles.ownershipDocuments, false, 'если участок в собственности или аренде')],
  },
  {
    code: 'application.permit-change',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление об изменении условий действующего разрешения',
    description: 'Изменение условий уже выданного разрешения.',
    fields: [licenseNumber, text('currentConditions', 'Действующие условия', true, undefined, 2000), text('requestedConditions', 'Предлагаемые условия', true, undefined, 2000), text('reason', 'Обоснование изменения', true, undefined, 4000), contactPerson, contactSnils],
    documents: [needs(documentRoles.licenseCopy, true), needs(documentRoles.supportingDocuments, false), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.suspension',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление о приостановке или прекращении пользования недрами',
    description: 'Приостановка или досрочное прекращение права пользования недрами.',
    fields: [
      licenseNumber,
      {
        key: 'action',
        type: 'enum',
        label: 'Что требуется',
        required: true,
        options: [
          { value: 'suspend', label: 'Приостановить пользование недрами' },
          { value: 'terminate', label: 'Прекратить пользование недрами' },
        ],
      },
      date('effectiveFrom', 'С какой даты', true, false),
      text('reason', 'Причина', true, undefined, 4000),
      contactPerson,
    ],
    documents: [needs(documentRoles.licenseCopy, true), needs(documentRoles.supportingDocuments, false), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.works-information',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Запрос информации о проведённых недропользовательских работах',
    description: 'Запрос сведений о работах, проведённых на участке.',
    fields: [
      licenseNumber,
      { ...reportPeriod, label: 'Период, за который нужны сведения', periodKinds: ['year', 'range'] },
      text('subject', 'Какие сведения нужны', true, undefined, 2000),
      contactPerson,
    ],
    documents: [needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.results-registration',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление о регистрации результатов недропользования',
    description: 'Регистрация результатов геологического изучения, разведки или добычи.',
    fields: [licenseNumber, siteName, worksStart, worksEnd, text('results', 'Полученные результаты', true, undefined, 4000), contactPerson, contactSnils],
    constraints: [worksOrder],
    documents: [needs(documentRoles.rightsRegistration, true), needs(documentRoles.workResults, true), needs(documentRoles.licenseCopy, true), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.appeal',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Обращение с апелляцией на решение регулятора',
    description: 'Обжалование решения уполномоченного органа.',
    fields: [
      text('decisionNumber', 'Номер обжалуемого решения', true, undefined, 100),
      date('decisionDate', 'Дата решения', true, true),
      { ...licenseNumber, required: false },
      text('grounds', 'Доводы апелляции', true, 'Почему решение неверно и что просите изменить.', 8000),
      contactPerson,
    ],
    documents: [needs(documentRoles.regulatorDecision, true), needs(documentRoles.supportingDocuments, false), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.deadline-extension',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление о переносе сроков выполнения работ',
    description: 'Перенос сроков работ, установленных лицензией или проектом.',
    fields: [
      licenseNumber,
      text('works', 'Какие работы переносятся', true, undefined, 2000),
      date('currentDeadline', 'Текущий срок', true, false),
      date('requestedDeadline', 'Новый срок', true, false),
      text('reason', 'Причина переноса', true, undefined, 4000),
      contactPerson,
    ],
    constraints: [{ kind: 'not-after', first: 'currentDeadline', second: 'requestedDeadline' }],
    documents: [needs(documentRoles.licenseCopy, true), needs(documentRoles.workPlan, true), needs(documentRoles.supportingDocuments, false), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.extraction-project',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление о согласовании проекта добычи',
    description: 'Согласование проекта разработки месторождения.',
    fields: [
      licenseNumber,
      siteName,
      mineral,
      volume('plannedAnnualVolume', 'Проектный годовой объём добычи', true, solidAndLiquidUnits),
      { key: 'projectYears', type: 'number', label: 'Срок реализации проекта', unit: 'лет', required: true, min: 1, max: 100 },
      contactPerson,
    ],
    documents: [needs(documentRoles.extractionProject, true), needs(documentRoles.extractionPlan, true), needs(documentRoles.licenseCopy, true), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.license-renewal',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление о продлении лицензии',
    description: 'Продление срока действия лицензии (раздел «Лицензии» → «Продлить»).',
    fields: [
      licenseNumber,
      date('currentExpiry', 'Текущий срок окончания', true, false),
      date('requestedExpiry', 'Новый срок действия', true, false),
      text('reason', 'Обоснование продления', true, undefined, 4000),
      contactPerson,
    ],
    constraints: [{ kind: 'not-after', first: 'currentExpiry', second: 'requestedExpiry' }],
    documents: [needs(documentRoles.licenseCopy, true), needs(documentRoles.workPlan, false), needs(documentRoles.noTaxDebtCertificate, true), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.license-change',
    version: 1,
    kind: 'application',
    domain: 'subsoil',
    title: 'Заявление об изменении лицензии',
    description: 'Изменение условий лицензии: расширение участка, корректировка объёма добычи и др.',
    fields: [
      licenseNumber,
      {
        key: 'changeType',
        type: 'enum',
        label: 'Тип изменения',
        required: true,
        options: [
          { value: 'area', label: 'Расширение добывающего участка' },
          { value: 'volume', label: 'Корректировка объёма добычи' },
          { value: 'deadlines', label: 'Изменение сроков' },
          { value: 'other', label: 'Иное' },
        ],
      },
      volume('newAnnualVolume', 'Новый годовой объём добычи', false, solidAndLiquidUnits, 'Если меняется объём добычи.'),
      text('description', 'Суть изменения', true, undefined, 4000),
      contactPerson,
    ],
    documents: [needs(documentRoles.licenseCopy, true), needs(documentRoles.workPlan, true), needs(documentRoles.personalDataConsent, true)],
  },
  {
    code: 'application.nature-water-use',
    version: 1,
    kind: 'application',
    domain: 'nature',
    title: 'Заявление о разрешении на пользование водными ресурсами',
    description: 'Разрешение на забор воды или использование водного объекта.',
    fields: [
      text('waterBody', 'Водный объект', true, 'Название реки, озера, водохранилища или скважины.', 300),
      volume('annualWithdrawal', 'Годовой объём забора воды', true, ['м³', 'тыс. м³', 'млн м³']),
      date('useFrom', 'Начало пользования', true, false),
      date('useTo', 'Окончание пользования', true, false),
      text('purpose', 'Цель использования', true, undefined, 1000),
      contactPerson,
    ],
    constraints: [{ kind: 'not-after', first: 'useFrom', second: 'useTo' }],
    documents: natureUseDocuments,
  },
  {
    code: 'application.nature-forest-felling',
    version: 1,
    kind: 'application',
    domain: 'nature',
    title: 'Заявление о разрешении на вырубку леса',
    description: 'Разрешение на рубку лесных насаждений.',
    fields: [
      text('forestry', 'Лесничество, квартал, выдел', true, undefined, 300),
      { key: 'area', type: 'number', label: 'Площадь вырубки', unit: 'га', required: true, min: 0 },
      volume('timberVolume', 'Объём древесины', true, ['м³', 'тыс. м³']),
      date('useFrom', 'Начало работ', true, false),
      date('useTo', 'Окончание работ', true, false),
      contactPerson,
    ],
    constraints: [{ kind: 'not-after', first: 'useFrom', second: 'useTo' }],
    documents: natureUseDocuments,
  },
  {
    code: 'application.nature-mineral-extraction',
    version: 1,
    kind: 'application',
    domain: 'nature',
    title: 'Заявление о разрешении на добычу полезных ископаемых',
    description: 'Разрешение на добычу общераспространённых полезных ископаемых.',
    fields: [siteName, mineral, volume('plannedVolume', 'Планируемый объём добычи', true, solidAndLiquidUnits), date('useFrom', 'Начало работ', true, false), date('useTo', 'Окончание работ', true, false), contactPerson],
    constraints: [{ kind: 'not-after', first: 'useFrom', second: 'useTo' }],
    documents: natureUseDocuments,
  },
  {
    code: 'report.extraction',
    version: 1,
    kind: 'report',
    domain: 'subsoil',
    title: 'Отчёт о добыче',
    description: 'Объёмы извлечённого сырья, сроки и места добычи.',
    fields: [
      ...subsoilReportFields,
      siteName,
      mineral,
      volume('extractedVolume', 'Добыто за период', true, solidAndLiquidUnits),
      volume('processedVolume', 'Переработано за период', false, solidAndLiquidUnits),
      volume('soldVolume', 'Реализовано за период', false, solidAndLiquidUnits),
      contactPerson,
      contactSnils,
    ],
    constraints: [worksOrder],
    documents: reportDocuments,
  },
  {
    code: 'report.development-plans',
    version: 1,
    kind: 'report',
    domain: 'subsoil',
    title: 'Отчёт о планах разработки',
    description: 'Планируемые геологоразведочные и добывающие работы, сроки их начала и завершения.',
    fields: [
      licenseNumber,
      { ...reportPeriod, notInFuture: false, label: 'Плановый период' },
      { ...worksStart, notInFuture: false, label: 'Плановая дата начала работ' },
      { ...worksEnd, notInFuture: false, label: 'Плановая дата завершения работ' },
      volume('plannedVolume', 'Планируемый объём добычи', true, solidAndLiquidUnits),
      text('plannedWorks', 'Планируемые работы', true, undefined, 4000),
      contactPerson,
    ],
    constraints: [worksOrder],
    documents: [...reportDocuments, needs(documentRoles.workPlan, false)],
  },
  {
    code: 'report.financial',
    version: 1,
    kind: 'report',
    domain: 'subsoil',
    title: 'Отчёт о финансовых показателях',
    description: 'Доходы, расходы и налоговые обязательства по нормативам.',
    fields: [
      ...subsoilReportFields,
      volume('extractedVolume', 'Объём добычи за период', true, solidAndLiquidUnits),
      money('revenue', 'Доходы', true),
      money('expenses', 'Расходы', true),
      money('mineralExtractionTax', 'Налог на добычу полезных ископаемых', true),
      contactPerson,
    ],
    constraints: [worksOrder],
    documents: reportDocuments,
  },
  {
    code: 'report.environmental-compliance',
    version: 1,
    kind: 'report',
    domain: 'subsoil',
    title: 'Отчёт о соблюдении экологических требований',
    description: 'Мероприятия по охране окружающей среды, результаты мониторинга, выполненные обязательства.',
    fields: [
      ...subsoilReportFields,
      volume('wasteVolume', 'Объём образовавшихся отходов', true, ['т', 'тыс. т', 'м³']),
      { key: 'reclaimedArea', type: 'number', label: 'Рекультивировано земель', unit: 'га', required: true, min: 0 },
      text('measures', 'Природоохранные мероприятия', true, undefined, 4000),
      text('monitoring', 'Результаты мониторинга', true, undefined, 4000),
      contactPerson,
    ],
    constraints: [worksOrder],
    documents: reportDocuments,
  },
  {
    code: 'report.rosgeology-transfer',
    version: 1,
    kind: 'report',
    domain: 'subsoil',
    title: 'Отчёт о передаче данных в Росгеологию',
    description: 'Геологическое состояние месторождений, результаты исследований, изменённые параметры лицензий.',
    fields: [
      ...subsoilReportFields,
      siteName,
      volume('reserves', 'Запасы на конец периода', true, solidAndLiquidUnits),
      text('studies', 'Результаты исследований', true, undefined, 4000),
      text('changedParameters', 'Изменённые параметры лицензии', false, undefined, 2000),
      contactPerson,
    ],
    constraints: [worksOrder],
    documents: [...reportDocuments, needs(documentRoles.workResults, false)],
  },
  {
    code: 'report.nature-annual',
    version: 1,
    kind: 'report',
    domain: 'nature',
    title: 'Годовой отчёт природопользователя',
    description: 'Ежегодный отчёт о пользовании природными ресурсами.',
    fields: [
      { ...licenseNumber, label: 'Номер разрешения (лицензии)' },
      { ...reportPeriod, label: 'Отчётный год', periodKinds: ['year'] },
      worksStart,
      worksEnd,
      volume('resourceVolume', 'Объём использованных ресурсов', true, ['т', 'тыс. т', 'м³', 'тыс. м³', 'млн м³', 'га']),
      money('paymentsTotal', 'Уплачено платежей за пользование', false),
      contactPerson,
    ],
    constraints: [worksOrder],
    documents: reportDocuments,
  },
  {
    code: 'report.nature-quarterly',
    version: 1,
    kind: 'report',
    domain: 'nature',
    title: 'Квартальный отчёт природопользователя',
    description: 'Ежеквартальный отчёт о пользовании природными ресурсами.',
    fields: [
      { ...licenseNumber, label: 'Номер разрешения (лицензии)' },
      { ...reportPeriod, label: 'Отчётный квартал', periodKinds: ['quarter'] },
      worksStart,
      worksEnd,
      volume('resourceVolume', 'Объём использованных ресурсов', true, ['т', 'тыс. т', 'м³', 'тыс. м³', 'млн м³', 'га']),
      contactPerson,
    ],
    constraints: [worksOrder],
    documents: reportDocuments,
  },
  {
    code: 'report.nature-fish-catch',
    version: 1,
    kind: 'report',
    domain: 'nature',
    title: 'Отчёт о вылове рыбы',
    description: 'Сведения о вылове водных биоресурсов по разрешению.',
    fields: [
      { ...licenseNumber, label: 'Номер разрешения (лицензии)' },
      { ...reportPeriod, periodKinds: ['month', 'quarter', 'range'] },
      worksStart,
      worksEnd,
      text('waterArea', 'Район промысла (водный объект)', true, undefined, 300),
      text('species', 'Вид водных биоресурсов', true, 'Например: судак, лещ, треска.', 200),
      volume('catchVolume', 'Выловлено', true, ['кг', 'т']),
      volume('quotaVolume', 'Квота на период', false, ['кг', 'т']),
      contactPerson,
    ],
    constraints: [worksOrder],
    documents: reportDocuments,
  },
];

/** The entry with this code, or undefined. */
export function findCatalogEntry(code: string): CatalogEntry | undefined {
  return catalog.find((entry) => entry.code === code);
}

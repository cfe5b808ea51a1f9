/**
 * The cabinet as NedraDesk and the training stand speak of it (docs/cabinet-api.yaml): statuses of
 * a package, roles in an organisation, and the data the API returns.
 */

/** Statuses of a package (design §4), stable codes with the Russian names users know. */
export const packageStatuses = {
  draft: 'Черновик',
  signed: 'Подписан',
  queued: 'В очереди',
  sent: 'Отправлен',
  accepted: 'Принят',
  processing: 'В обработке',
  approved: 'Одобрено',
  'needs-rework': 'Требуется доработка',
  rejected: 'Отклонено',
  cancelled: 'Отозван',
} as const;
export type PackageStatus = keyof typeof packageStatuses;

/** Statuses after which nothing changes any more. */
export const finalStatuses: ReadonlySet<PackageStatus> = new Set(['approved', 'needs-rework', 'rejected', 'cancelled']);

/** Roles in an organisation (seed 004). */
export const roles = {
  admin: 'Администратор',
  head: 'Руководитель',
  employee: 'Сотрудник',
  auditor: 'Аудитор',
} as const;
export type Role = keyof typeof roles;

/** Roles that may send applications and reports. */
export const sendingRoles: ReadonlySet<Role> = new Set(['admin', 'head', 'employee']);

export interface Person {
  oid: string;
  surname: string;
  givenName: string;
  snils: string;
  inn: string;
  email: string;
  phone: string;
}

export interface OrganisationRole {
  organisationOid: string;
  fullName: string;
  inn: string;
  ogrn: string;
  address: string;
  role: Role;
  /** End of the membership, if limited. */
  expiresAt: string | undefined;
}

export interface OrderHistoryItem {
  status: PackageStatus;
  at: string;
  comment: string | undefined;
}

export interface OrderRemark {
  document: string | undefined;
  text: string;
}

export interface Order {
  orderId: string;
  organisationOid: string;
  serviceCode: string;
  title: string;
  status: PackageStatus;
  registrationNumber: string | undefined;
  createdAt: string;
  updatedAt: string;
  history: OrderHistoryItem[];
  remarks: OrderRemark[];
  /** Decision documents, fetched from `/api/v1/orders/{id}/files/{name}`. */
  files: Array<{ name: string; mediaType: string; size: number }>;
}

export interface License {
  id: string;
  organisationOid: string;
  number: string;
  kind: string;
  mineral: string;
  area: string;
  status: 'active' | 'suspended' | 'expired';
  validFrom: string;
  validTo: string;
}

export interface CabinetNotification {
  id: string;
  organisationOid: string;
  title: string;
  body: string;
  at: string;
  read: boolean;
  orderId: string | undefined;
}

export interface ReportDeadline {
  id: string;
  organisationOid: string;
  serviceCode: string;
  title: string;
  dueDate: string;
  licenseNumber: string | undefined;
}

/** An error answer of the cabinet and the identity provider. */
export interface CabinetErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

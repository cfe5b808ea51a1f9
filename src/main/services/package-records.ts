/**
 * Packages and drafts as the local database keeps them: a built package is recorded with the form
 * data and attachments it came from, the outbox's status callbacks move it along its timeline,
 * «Исправить и отправить повторно» turns it back into a linked draft, and drafts autosave.
 */
import { randomUUID } from 'node:crypto';
import type { DraftRecord, OutboxItem, PackageDetails, PackagePage, PackageRecord } from '../../shared/api';
import type { Order, OrderHistoryItem, OrderRemark, OrganisationRole, PackageStatus } from '../../shared/cabinet';
import { AppError } from '../../shared/errors';
import type { StoreDatabase } from '../store/database';
import * as store from '../store/repositories';

/** The drafts:save input. */
export interface DraftInput {
  id?: string | undefined;
  typeCode: string;
  title: string;
  data: Record<string, unknown>;
  files: DraftRecord['files'];
  replacesPackageId?: string | undefined;
}

/** What the outbox tells about one status change of a package it sent. */
export interface PackageStatusChange {
  packageId: string;
  item: OutboxItem;
  /** The cabinet's timeline of the order, when the change came from the cabinet. */
  history: readonly OrderHistoryItem[];
  remarks: readonly OrderRemark[];
}

function packageOf(record: store.PackageRecord): PackageRecord {
  return {
    id: record.id,
    organisationOid: record.organisationOid ?? undefined,
    typeCode: record.typeCode,
    title: record.title,
    status: record.status,
    version: record.version,
    replacesPackageId: record.replacesPackageId ?? undefined,
    filePath: record.filePath ?? undefined,
    registrationNumber: record.registrationNumber ?? undefined,
    orderId: record.orderId ?? undefined,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function draftOf(record: store.DraftRecord): DraftRecord {
  return {
    id: record.id,
    typeCode: record.typeCode,
    title: record.title,
    data: (record.formData ?? {}) as Record<string, unknown>,
    files: record.attachments as DraftRecord['files'],
    replacesPackageId: record.replacesPackageId ?? undefined,
    updatedAt: record.updatedAt,
  };
}

function remarkText(remarks: readonly OrderRemark[]): string | undefined {
  if (remarks.length === 0) return undefined;
  return remarks.map((remark) => (remark.document ? `${remark.document}: ${remark.text}` : remark.text)).join('\n');
}

/** The package and draft use cases over the local database. */
export class PackageRecords {
  private knownOrganisation: string | undefined;

  constructor(
    private readonly database: StoreDatabase,
    /** The organisation chosen in the cabinet, if any. */
    private readonly organisation: () => OrganisationRole | undefined,
  ) {}

  /** The chosen organisation's oid, its row kept current (packages and drafts refer to it). */
  private organisationOid(): string | undefined {
    const organisation = this.organisation();
    if (organisation === undefined) return undefined;
    if (this.knownOrganisation !== organisation.organisationOid) {
      store.upsertOrganisation(this.database, { oid: organisation.organisationOid, inn: organisation.inn, ogrn: organisation.ogrn, name: organisation.fullName, address: organisation.address, role: organisation.role, roleExpiresAt: organisation.expiresAt });
      this.knownOrganisation = organisation.organisationOid;
    }
    return organisation.organisationOid;
  }

  /** The package, or PACKAGE_NOT_FOUND. */
  get(id: string): store.PackageRecord {
    return this.requirePackage(id);
  }

  private requirePackage(id: string): store.PackageRecord {
    const record = store.getPackage(this.database, id);
    if (record === undefined) throw new AppError('PACKAGE_NOT_FOUND', { id });
    return record;
  }

  /** Records a package just built and signed; the draft it came from is gone in the same transaction. */
  recordBuilt(input: { packageId: string; packagePath: string; typeCode: string; title: string; data: Record<string, unknown>; files: DraftRecord['files']; replacesPackageId?: string | undefined; draftId?: string | undefined }): PackageRecord {
    if (input.replacesPackageId !== undefined) this.requirePackage(input.replacesPackageId);
    const organisationOid = this.organisationOid() ?? null;
    return this.database.transaction(() => {
      const record = store.insertPackage(this.database, {
        id: input.packageId,
        organisationOid,
        typeCode: input.typeCode,
        title: input.title,
        status: 'signed',
        filePath: input.packagePath,
        replacesPackageId: input.replacesPackageId ?? null,
        formData: input.data,
        attachments: input.files,
      });
      if (input.draftId !== undefined) store.deleteDraft(this.database, input.draftId);
      return packageOf(record);
    })();
  }

  /** The package was queued in the outbox. Packages built elsewhere (a file picked by the user) are recorded on the way. */
  markQueued(input: { packageId: string; packagePath: string; typeCode: string; title: string }): void {
    const existing = store.getPackage(this.database, input.packageId);
    if (existing === undefined) {
      store.insertPackage(this.database, { id: input.packageId, organisationOid: this.organisationOid() ?? null, typeCode: input.typeCode, title: input.title, status: 'queued', filePath: input.packagePath });
    } else if (existing.status === 'signed') {
      store.changePackageStatus(this.database, input.packageId, 'queued');
    }
  }

  /**
   * Applies a status the outbox learned (push answer or status sync): the row's status, order and
   * registration number, and one history line per cabinet step not seen yet — a sync may bring
   * several steps at once (accepted → processing → approved). Returns the statuses added.
   */
  applyStatus(change: PackageStatusChange): PackageStatus[] {
    const record = store.getPackage(this.database, change.packageId);
    if (record === undefined) return [];
    return this.database.transaction(() => {
      const seen = new Set(store.statusHistory(this.database, record.id).map((line) => line.status));
      const steps: Array<{ status: PackageStatus; at: Date; remark: string | undefined }> = change.history
        .filter((step) => !seen.has(step.status))
        .map((step) => ({ status: step.status, at: new Date(step.at), remark: step.comment }));
      if (!seen.has(change.item.status) && !steps.some((step) => step.status === change.item.status)) steps.push({ status: change.item.status, at: new Date(), remark: undefined });
      const extra = { ...(change.item.orderId ? { orderId: change.item.orderId } : {}), ...(change.item.registrationNumber ? { registrationNumber: change.item.registrationNumber } : {}) };
      for (const [index, step] of steps.entries()) {
        const last = index === steps.length - 1;
        // The order's remarks belong to its final word (needs-rework, rejected).
        const remark = last ? [step.remark, remarkText(change.remarks)].filter(Boolean).join('\n') || undefined : step.remark;
        store.changePackageStatus(this.database, record.id, step.status, { ...extra, ...(remark ? { remark } : {}) }, step.at);
      }
      if (steps.length === 0 && (extra.orderId !== record.orderId || extra.registrationNumber !== record.registrationNumber)) {
        this.database.prepare('UPDATE packages SET order_id = COALESCE(?, order_id), registration_number = COALESCE(?, registration_number) WHERE id = ?').run(extra.orderId ?? null, extra.registrationNumber ?? null, record.id);
      }
      return steps.map((step) => step.status);
    })();
  }

  /** A page of the chosen organisation's packages (every package when none is chosen) and the counts by status. */
  list(input: { status?: PackageStatus | undefined; search?: string | undefined; offset: number; limit: number }): PackagePage {
    const organisationOid = this.organisation()?.organisationOid;
    const page = store.pagePackages(this.database, {
      ...(organisationOid ? { organisationOid } : {}),
      ...(input.status ? { statuses: [input.status] } : {}),
      ...(input.search ? { text: input.search } : {}),
      offset: input.offset,
      limit: input.limit,
    });
    return { items: page.items.map(packageOf), total: page.total, counts: store.countPackagesByStatus(this.database, organisationOid) };
  }

  /** A package with its timeline and versions; `order` fetches the cabinet's order when it can. */
  async details(id: string, order: (orderId: string) => Promise<Order | undefined>): Promise<PackageDetails> {
    const record = this.requirePackage(id);
    return {
      package: packageOf(record),
      history: store.statusHistory(this.database, id).map((line) => ({ status: line.status, at: line.at, remark: line.remark ?? undefined })),
      versions: store.packageVersions(this.database, id).map(packageOf),
      order: record.orderId === null ? undefined : await order(record.orderId),
    };
  }

  /** «Исправить и отправить повторно»: a draft with the package's data and attachments, linked to it. */
  revise(id: string): DraftRecord {
    const record = this.requirePackage(id);
    const sources = store.packageSources(this.database, id) ?? { formData: {}, attachments: [] };
    return this.saveDraft({ typeCode: record.typeCode, title: record.title, data: sources.formData, files: sources.attachments as DraftRecord['files'], replacesPackageId: id });
  }

  /** Autosave: one upsert, no read back. */
  saveDraft(input: DraftInput, now: Date = new Date()): DraftRecord {
    if (input.replacesPackageId !== undefined) this.requirePackage(input.replacesPackageId);
    const id = input.id ?? randomUUID();
    store.saveDraft(this.database, { id, organisationOid: this.organisationOid() ?? null, typeCode: input.typeCode, title: input.title, formData: input.data, attachments: input.files, replacesPackageId: input.replacesPackageId ?? null }, now);
    return { id, typeCode: input.typeCode, title: input.title, data: input.data, files: input.files, replacesPackageId: input.replacesPackageId, updatedAt: now.toISOString() };
  }

  listDrafts(): DraftRecord[] {
    return store.listDrafts(this.database, this.organisation()?.organisationOid).map(draftOf);
  }

  getDraft(id: string): DraftRecord {
    const draft = store.getDraft(this.database, id);
    if (draft === undefined) throw new AppError('DRAFT_NOT_FOUND', { id });
    return draftOf(draft);
  }

  /** Removes a draft; the title it had, for the journal. */
  deleteDraft(id: string): string {
    const draft = this.getDraft(id);
    store.deleteDraft(this.database, id);
    return draft.title;
  }
}

/**
 * The client of a cabinet that implements docs/cabinet-api.yaml (the training stand, or a real
 * server): typed calls, errors mapped to the app's codes with Russian messages, access tokens
 * from a session that refreshes them. Network failures and 5xx are CABINET_UNREACHABLE
 * (retryable); the cabinet's refusals keep their code and text.
 */
import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../../shared/errors';
import type { CabinetErrorBody, CabinetNotification, License, Order, OrganisationRole, Person, ReportDeadline } from '../../shared/cabinet';
import type { CabinetSession } from './identity-client';

/** Packages above this size go in chunks (EPGU: 50,000,000 bytes per upload). */
export const singleUploadLimit = 50_000_000;

export interface CabinetClientOptions {
  baseUrl: string;
  session: CabinetSession;
  /** Organisation the calls act for. */
  organisationOid?: string | undefined;
  timeoutMs?: number;
  chunkBytes?: number;
  fetch?: typeof fetch;
}

const refusalCodes: Record<string, 'PUSH_DENIED' | 'INVALID_FILES_STRUCTURE' | 'FILES_VERIFICATION_FAILED'> = {
  push_denied: 'PUSH_DENIED',
  INVALID_FILES_STRUCTURE: 'INVALID_FILES_STRUCTURE',
  FILES_VERIFICATION_FAILED: 'FILES_VERIFICATION_FAILED',
};

/** Turns a cabinet answer into an AppError. */
export function cabinetError(status: number, body: Partial<CabinetErrorBody> | undefined): AppError {
  const details = { status, serverCode: body?.code, ...(body?.details ?? {}) };
  if (status >= 500 || status === 408 || status === 429) return new AppError('CABINET_UNREACHABLE', details, body?.message ? { message: body.message } : undefined);
  if (status === 401) return new AppError('CABINET_LOGIN_REQUIRED', details, body?.message ? { message: body.message } : undefined);
  const mapped = body?.code === undefined ? undefined : refusalCodes[body.code];
  return new AppError(mapped ?? 'CABINET_ERROR', details, body?.message ? { message: body.message } : undefined);
}

/** A typed client of the cabinet API. */
export class CabinetClient {
  private readonly fetch: typeof fetch;
  organisationOid: string | undefined;

  constructor(private readonly options: CabinetClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.organisationOid = options.organisationOid;
  }

  private async request<T>(method: string, path: string, init: { body?: RequestInit['body']; headers?: Record<string, string>; raw?: boolean; retryOn401?: boolean } = {}): Promise<T> {
    const token = await this.options.session.accessToken();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(init.headers ?? {}) };
    if (this.organisationOid !== undefined) headers['x-organization-id'] = this.organisationOid;
    let response: Response;
    try {
      response = await this.fetch(new URL(path, this.options.baseUrl), { method, headers, body: init.body ?? null, signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000) });
    } catch (error) {
      throw new AppError('CABINET_UNREACHABLE', { reason: error instanceof Error ? error.message : String(error), path }, { cause: error });
    }
    if (response.status === 401 && init.retryOn401 !== false) {
      // The token may have expired on the way (a long upload): refresh once and repeat.
      const body = (await response.json().catch(() => undefined)) as Partial<CabinetErrorBody> | undefined;
      if (body?.code === 'token_expired') {
        await this.options.session.refresh();
        return this.request<T>(method, path, { ...init, retryOn401: false });
      }
      throw cabinetError(401, body);
    }
    if (!response.ok) throw cabinetError(response.status, (await response.json().catch(() => undefined)) as Partial<CabinetErrorBody> | undefined);
    if (init.raw === true) return new Uint8Array(await response.arrayBuffer()) as T;
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private requireOrganisation(): void {
    if (this.organisationOid === undefined) throw new AppError('ORGANISATION_NOT_CHOSEN');
  }

  /** The logged-in person. */
  person(): Promise<Person> {
    return this.request('GET', `/rs/prns/${encodeURIComponent(this.options.session.personOid)}`);
  }

  /** The person's organisations and roles. */
  roles(): Promise<OrganisationRole[]> {
    return this.request('GET', `/rs/prns/${encodeURIComponent(this.options.session.personOid)}/roles`);
  }

  /** Creates an order; the same idempotency key always answers the same order. */
  createOrder(input: { serviceCode: string; title: string; idempotencyKey: string; trainingOutcome?: string }): Promise<Order> {
    this.requireOrganisation();
    return this.request('POST', '/api/v1/orders', {
      body: JSON.stringify({ serviceCode: input.serviceCode, title: input.title, ...(input.trainingOutcome ? { trainingOutcome: input.trainingOutcome } : {}) }),
      headers: { 'content-type': 'application/json', 'idempotency-key': input.idempotencyKey },
    });
  }

  /** Sends the package of an order: one multipart upload, or chunks above the single-upload limit. */
  async push(orderId: string, packagePath: string, meta: Record<string, unknown> = {}): Promise<Order> {
    this.requireOrganisation();
    const { size } = await stat(packagePath);
    const bytes = await readFile(packagePath);
    const chunkBytes = this.options.chunkBytes ?? 20_000_000;
    if (size > singleUploadLimit || (this.options.chunkBytes !== undefined && size > chunkBytes)) return this.pushChunks(orderId, bytes, chunkBytes);
    const form = new FormData();
    form.append('meta', JSON.stringify(meta));
    form.append('file', new Blob([bytes], { type: 'application/zip' }), 'package.zip');
    return this.request('POST', `/api/v1/orders/${encodeURIComponent(orderId)}/push`, { body: form });
  }

  private async pushChunks(orderId: string, bytes: Buffer, chunkBytes: number): Promise<Order> {
    const total = Math.ceil(bytes.length / chunkBytes);
    const uploadId = `${orderId}-${bytes.length}`;
    let last: { order?: Order } = {};
    for (let index = 0; index < total; index += 1) {
      const chunk = bytes.subarray(index * chunkBytes, Math.min(bytes.length, (index + 1) * chunkBytes));
      last = await this.request('POST', `/api/v1/orders/${encodeURIComponent(orderId)}/chunks`, {
        body: chunk,
        headers: { 'content-type': 'application/octet-stream', 'x-upload-id': uploadId, 'x-chunk-index': String(index), 'x-chunk-total': String(total) },
      });
    }
    if (last.order === undefined) throw new AppError('CABINET_ERROR', { reason: 'chunked upload did not complete' });
    return last.order;
  }

  order(orderId: string): Promise<Order> {
    this.requireOrganisation();
    return this.request('GET', `/api/v1/orders/${encodeURIComponent(orderId)}`);
  }

  /** Orders changed after a time (for status sync). */
  ordersUpdatedAfter(since: string): Promise<{ orders: Order[]; serverTime: string }> {
    this.requireOrganisation();
    return this.request('GET', `/api/v1/orders?updatedAfter=${encodeURIComponent(since)}`);
  }

  cancel(orderId: string): Promise<Order> {
    this.requireOrganisation();
    return this.request('POST', `/api/v1/orders/${encodeURIComponent(orderId)}/cancel`);
  }

  /** A decision document of an order. */
  file(orderId: string, name: string): Promise<Uint8Array> {
    this.requireOrganisation();
    return this.request('GET', `/api/v1/orders/${encodeURIComponent(orderId)}/files/${encodeURIComponent(name)}`, { raw: true });
  }

  licenses(): Promise<License[]> {
    this.requireOrganisation();
    return this.request('GET', '/api/v1/licenses');
  }

  deadlines(): Promise<ReportDeadline[]> {
    this.requireOrganisation();
    return this.request('GET', '/api/v1/deadlines');
  }

  notifications(): Promise<CabinetNotification[]> {
    this.requireOrganisation();
    return this.request('GET', '/api/v1/notifications');
  }

  markRead(notificationId: string): Promise<void> {
    this.requireOrganisation();
    return this.request('POST', `/api/v1/notifications/${encodeURIComponent(notificationId)}/read`);
  }
}

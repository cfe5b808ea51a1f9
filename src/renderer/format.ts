/** How dates, sizes and statuses read in the UI (Russian conventions). */
import { packageStatuses, type PackageStatus } from '../shared/cabinet';

/** Month names as a period is written on a form: «март 2025 года». */
export const monthNames = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'] as const;

/** 24.11.2026 */
export function formatDate(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '—';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString('ru-RU');
}

/** 24.11.2026, 17:05 */
export function formatDateTime(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('ru-RU', { dateStyle: 'short', timeStyle: 'short' });
}

/** 1,2 МБ */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} Б`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} КБ`;
  return `${(bytes / 1024 / 1024).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} МБ`;
}

/** Whole days from today to a date (negative when past). */
export function daysUntil(iso: string, now: Date = new Date()): number {
  const target = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso).getTime();
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  return Math.round((target - today) / 86_400_000);
}

const statusColors: Record<PackageStatus, string> = {
  draft: 'default',
  signed: 'cyan',
  queued: 'gold',
  sent: 'blue',
  accepted: 'blue',
  processing: 'processing',
  approved: 'green',
  'needs-rework': 'orange',
  rejected: 'red',
  cancelled: 'default',
};

/** The Russian name and tag colour of a package status. */
export function statusView(status: PackageStatus): { text: string; color: string } {
  return { text: packageStatuses[status], color: statusColors[status] };
}

/** Saves bytes from main as a file through the browser's download. */
export function saveBase64(name: string, mediaType: string, contentBase64: string): void {
  const binary = atob(contentBase64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  saveBlob(name, new Blob([bytes], { type: mediaType }));
}

/** Saves a blob under a name. */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** СНИЛС as people write it: 123-456-789 01. */
export function formatSnils(snils: string | undefined): string {
  if (snils === undefined) return '—';
  const digits = snils.replace(/\D/g, '');
  return digits.length === 11 ? `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9)}` : snils;
}

/**
 * `file_handles`: which file an opaque handle given to the UI stands for. `stg_…` names a file the
 * user staged (kept in the data folder's document store), `out_…` a file main wrote (rendered form,
 * signature, package, report, decision). The UI holds only handles; the paths stay here.
 */
import { randomBytes } from 'node:crypto';
import type { StoreDatabase } from './database';

export type FileHandleKind = 'staged' | 'output';

export interface FileHandleRow {
  id: string;
  kind: FileHandleKind;
  path: string;
  name: string;
  mediaType: string;
}

/** A fresh handle: a prefix by kind and 16 random bytes, base64url (no handle can spell a path). */
export function newFileHandleId(kind: FileHandleKind): string {
  return `${kind === 'staged' ? 'stg' : 'out'}_${randomBytes(16).toString('base64url')}`;
}

/** Records a handle for `path`; returns it. */
export function putFileHandle(database: StoreDatabase, file: Omit<FileHandleRow, 'id'>, now: Date = new Date()): string {
  const id = newFileHandleId(file.kind);
  database.prepare('INSERT INTO file_handles (id, path, name, media_type, created_at) VALUES (?, ?, ?, ?, ?)').run(id, file.path, file.name, file.mediaType, now.toISOString());
  return id;
}

/** The file a handle stands for, if main gave it out. */
export function getFileHandle(database: StoreDatabase, id: string): FileHandleRow | undefined {
  const row = database.prepare('SELECT id, path, name, media_type FROM file_handles WHERE id = ?').get(id) as { id: string; path: string; name: string; media_type: string } | undefined;
  if (row === undefined) return undefined;
  return { id: row.id, kind: row.id.startsWith('stg_') ? 'staged' : 'output', path: row.path, name: row.name, mediaType: row.media_type };
}

/**
 * Main owns every path (design §6): the UI names files by handles main gave out, and this is where
 * a handle becomes a path again. A staged file (`stg_…`) is one the user dropped or picked, kept in
 * the data folder's document store; an output (`out_…`) is a file main wrote into the data folder.
 * A handle never given out, or one that no longer stands inside the data folder, is refused.
 */
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { StoreDatabase } from '../store/database';
import { getFileHandle, newFileHandleId, putFileHandle, type FileHandleKind, type FileHandleRow } from '../store/file-handles';
import { mediaTypeOf } from './data-files';

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The handles of one data folder: kept in its database, or in memory where there is none (tests of single calls). */
export class FileHandles {
  private readonly memory = new Map<string, FileHandleRow>();

  constructor(
    private readonly dataDir: string,
    private readonly store?: StoreDatabase | undefined,
  ) {}

  /** A handle for a file the user staged (its bytes already in the data folder). */
  staged(file: string, name: string, mediaType: string = mediaTypeOf(name)): string {
    return this.put({ kind: 'staged', path: file, name, mediaType });
  }

  /** A handle for a file main wrote into the data folder. */
  output(file: string, name: string = path.basename(file)): string {
    return this.put({ kind: 'output', path: file, name, mediaType: mediaTypeOf(name) });
  }

  /** The file behind a handle; FILE_HANDLE_UNKNOWN for one main never gave out (or not of the kind asked for). */
  resolve(id: string, kind?: FileHandleKind): FileHandleRow {
    const row = this.store === undefined ? this.memory.get(id) : getFileHandle(this.store, id);
    if (row === undefined || (kind !== undefined && row.kind !== kind)) throw new AppError('FILE_HANDLE_UNKNOWN', { fileId: id });
    // Every handle stands for a file main keeps in the data folder; anything else is a bug or tampering.
    if (!isInside(path.resolve(this.dataDir), path.resolve(row.path))) throw new AppError('FILE_OUTSIDE_DATA_FOLDER', { fileId: id });
    return row;
  }

  private put(file: Omit<FileHandleRow, 'id'>): string {
    if (!isInside(path.resolve(this.dataDir), path.resolve(file.path))) throw new AppError('FILE_OUTSIDE_DATA_FOLDER', { name: file.name });
    if (this.store !== undefined) return putFileHandle(this.store, file);
    const id = newFileHandleId(file.kind);
    this.memory.set(id, { id, ...file });
    return id;
  }
}

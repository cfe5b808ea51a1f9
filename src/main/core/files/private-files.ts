/**
 * Folders and files only their owner may open: NedraDesk's data folder (the database, stored
 * documents, packages, reports, trust anchors, the embedded stand) and the training stand's folder.
 * Folders are 0700 and files 0600, set explicitly with chmod rather than left to the umask, so an
 * umask of 022 (the usual default) does not make them readable by other local users.
 *
 * On Windows POSIX modes do not apply (access is governed by the ACLs the profile folder already
 * has, which are the user's own): every function here does nothing there.
 */
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, type Stats } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';

/** rwx for the owner only. */
export const privateFolderMode = 0o700;
/** rw for the owner only. */
export const privateFileMode = 0o600;

/** Whether POSIX modes mean anything on this system. */
export const posixModes = process.platform !== 'win32';

/** Creates `folder` (and missing parents) and makes it 0700, also when it already existed. */
export async function makePrivateFolder(folder: string): Promise<void> {
  // mkdir's mode only applies to folders it creates, and the umask may clear bits of it; chmod is exact.
  await mkdir(folder, { recursive: true, mode: privateFolderMode });
  if (posixModes) await chmod(folder, privateFolderMode);
}

/** `makePrivateFolder`, synchronously (database opening, start-up). */
export function makePrivateFolderSync(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: privateFolderMode });
  if (posixModes) chmodSync(folder, privateFolderMode);
}

/** Makes an existing file 0600 (a file SQLite or a library created with the default mode). */
export function makePrivateFileSync(file: string): void {
  if (posixModes) chmodSync(file, privateFileMode);
}

/**
 * Makes a SQLite database file private before SQLite opens it: created 0600 if missing, and it and
 * its -wal and -shm files made 0600 if they exist. SQLite gives the -wal and -shm files it creates
 * the main file's mode (os_unix.c, findCreateFileMode), so they stay private afterwards.
 */
export function preparePrivateDatabaseFile(file: string): void {
  closeSync(openSync(file, 'a', privateFileMode));
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(companion)) makePrivateFileSync(companion);
}

function tighten(entry: string, info: Stats, counts: { folders: number; files: number }): void {
  const loose = (info.mode & 0o077) !== 0;
  if (info.isDirectory()) {
    if (loose || (info.mode & 0o700) !== 0o700) {
      chmodSync(entry, privateFolderMode);
      counts.folders += 1;
    }
  } else if (info.isFile() && loose) {
    chmodSync(entry, privateFileMode);
    counts.files += 1;
  }
}

/**
 * Makes `root` private (0700) and, under it, the entries NedraDesk itself keeps there (`entries`:
 * names of files and folders directly in `root`) with everything inside them: folders 0700, regular
 * files 0600. An earlier version left them 0755/0644. Only the named entries are walked: a data
 * folder the user pointed at a folder of their own (`--data-dir ~/Документы`) keeps the modes of
 * their other files (a script keeps its execute bit). Symbolic links are neither followed nor
 * changed (chmod would act on their target, which may lie outside). Returns how many were changed.
 */
export function tightenPrivateTree(root: string, entries: readonly string[]): { folders: number; files: number } {
  const counts = { folders: 0, files: 0 };
  if (!posixModes) return counts;
  try {
    tighten(root, lstatSync(root), counts);
  } catch {
    return counts;
  }
  const pending = entries.map((name) => path.join(root, name));
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let info: Stats;
    try {
      info = lstatSync(current);
    } catch {
      // Absent, or removed while walking (a temporary file renamed into place): nothing to tighten.
      continue;
    }
    tighten(current, info, counts);
    if (info.isDirectory()) for (const name of readdirSync(current)) pending.push(path.join(current, name));
  }
  return counts;
}

/**
 * Where a PKCS#11 library may be loaded from. Loading a library runs its code as the user
 * (its initialiser runs at `dlopen`), so a path is trusted only when no one but the user and the
 * system could have put the file there: outside the data folder (which the app writes for the
 * renderer: staged files, documents), a regular file, owned by root or the current user and not
 * writable by group or others. Checked at every load, on the real path (links resolved), and the
 * real path is what gets loaded.
 */
import { closeSync, constants, fstatSync, openSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';

export type UntrustedModuleReason = 'missing' | 'inside-data-folder' | 'not-regular-file' | 'foreign-owner' | 'writable-by-others';

const reasonText: Record<UntrustedModuleReason, string> = {
  missing: 'файл не найден',
  'inside-data-folder': 'файл лежит в папке данных NedraDesk',
  'not-regular-file': 'это не обычный файл',
  'foreign-owner': 'владелец файла — другой пользователь',
  'writable-by-others': 'файл могут изменить другие пользователи',
};

function untrusted(modulePath: string, reason: UntrustedModuleReason): AppError {
  return new AppError('MODULE_UNTRUSTED', { path: modulePath, reason }, {
    message: `Библиотека PKCS#11 «${modulePath}» не загружена: ${reasonText[reason]}. Установите драйвер токена в системную папку (установщиком производителя) и выберите библиотеку оттуда.`,
  });
}

function realOrSelf(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export interface ModuleTrustOptions {
  /** Folders the app writes on the renderer's behalf (the data folder): never a library's home. */
  untrustedFolders?: readonly string[] | undefined;
  /** The user the process runs as; `process.getuid()` by default (absent on Windows). */
  uid?: number | undefined;
}

/**
 * The real path of a trusted library, or MODULE_UNTRUSTED naming why not. On Windows, where files
 * have no POSIX owner and mode, only the folder and file-type checks apply.
 */
export function trustedModulePath(modulePath: string, options: ModuleTrustOptions = {}): string {
  let real: string;
  try {
    real = realpathSync(modulePath);
  } catch {
    throw untrusted(modulePath, 'missing');
  }
  // Both the named path and where its links lead: a link placed outside that points into the data folder is refused.
  for (const folder of options.untrustedFolders ?? []) {
    if (isInside(path.resolve(folder), path.resolve(modulePath)) || isInside(realOrSelf(folder), real)) throw untrusted(modulePath, 'inside-data-folder');
  }
  // The checks read the opened file (fstat), not the name again; O_NOFOLLOW: the real path has no link left to swap in.
  let descriptor: number;
  try {
    descriptor = openSync(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    throw untrusted(modulePath, 'not-regular-file');
  }
  try {
    const info = fstatSync(descriptor);
    if (!info.isFile()) throw untrusted(modulePath, 'not-regular-file');
    const uid = options.uid ?? process.getuid?.();
    if (uid !== undefined && process.platform !== 'win32') {
      if (info.uid !== 0 && info.uid !== uid) throw untrusted(modulePath, 'foreign-owner');
      if ((info.mode & 0o022) !== 0) throw untrusted(modulePath, 'writable-by-others');
    }
  } finally {
    closeSync(descriptor);
  }
  return real;
}

/**
 * Signed packages as the UI and the cabinet see them: the manifest NedraDesk writes into every
 * package, and the report of a package inspection.
 */
import type { Indication, SubIndication } from './verification';

/** `manifest.json` of a package (design §4). */
export interface PackageManifest {
  format: 'nedradesk-package/1';
  packageId: string;
  typeCode: string;
  title?: string | undefined;
  organisation: { inn: string; ogrn?: string | undefined; name?: string | undefined };
  license?: string | undefined;
  period?: string | undefined;
  createdAt: string;
  documents: PackageDocumentEntry[];
}

export interface PackageDocumentEntry {
  role: string;
  fileName: string;
  size: number;
  sha256: string;
  mediaType: string;
}

/** Why a package is refused or incomplete. */
export type PackageProblemCode =
  | 'ZIP_UNREADABLE'
  | 'ZIP_PATH_TRAVERSAL'
  | 'ZIP_FOLDER_ENTRY'
  | 'ZIP_BAD_NAME'
  | 'ZIP_DUPLICATE_ENTRY'
  | 'ZIP_TOO_MANY_ENTRIES'
  | 'ZIP_TOO_LARGE'
  | 'ZIP_BOMB'
  | 'ZIP_ENCRYPTED'
  | 'ZIP_SYMLINK'
  | 'INVALID_FILES_STRUCTURE'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_UNDETERMINED'
  | 'MANIFEST_MISSING'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_MISMATCH'
  | 'FILE_NOT_IN_MANIFEST';

export const packageProblemTexts: Record<PackageProblemCode, string> = {
  ZIP_UNREADABLE: 'Файл не является ZIP-архивом или повреждён. Сформируйте пакет заново.',
  ZIP_PATH_TRAVERSAL: 'Имя файла в архиве выводит за пределы папки (.., абсолютный путь). Такой архив небезопасен и не принимается.',
  ZIP_FOLDER_ENTRY: 'В архиве есть папки. Пакет должен быть плоским: все файлы в корне архива.',
  ZIP_BAD_NAME: 'Недопустимое имя файла в архиве. Переименуйте файл: без управляющих символов и знаков \\ / : * ? " < > |.',
  ZIP_DUPLICATE_ENTRY: 'В архиве два файла с одинаковым именем (с учётом регистра букв).',
  ZIP_TOO_MANY_ENTRIES: 'В архиве больше 1000 файлов.',
  ZIP_TOO_LARGE: 'Содержимое архива больше 1 ГиБ.',
  ZIP_BOMB: 'Файл в архиве сжат более чем в 100 раз или его размер не совпадает с заявленным: похоже на «ZIP-бомбу».',
  ZIP_ENCRYPTED: 'Файл в архиве зашифрован паролем. Добавьте файл без пароля.',
  ZIP_SYMLINK: 'В архиве есть символическая ссылка. Добавьте сам файл.',
  INVALID_FILES_STRUCTURE: 'Структура пакета неверна: у каждого файла должна быть подпись <имя>.sig.',
  SIGNATURE_MISSING: 'У файла нет подписи (<имя>.sig). Подпишите файл.',
  SIGNATURE_INVALID: 'Подпись файла недействительна.',
  SIGNATURE_UNDETERMINED: 'Действительность подписи файла не установлена.',
  MANIFEST_MISSING: 'В пакете нет описи manifest.json.',
  MANIFEST_INVALID: 'Опись manifest.json повреждена.',
  MANIFEST_MISMATCH: 'Файл не совпадает с описью manifest.json (размер или хеш SHA-256): файл изменён после подписания.',
  FILE_NOT_IN_MANIFEST: 'Файл есть в архиве, но не указан в описи manifest.json.',
};

export interface PackageProblem {
  code: PackageProblemCode;
  message: string;
  entry?: string | undefined;
}

export interface PackageDocumentReport {
  fileName: string;
  role: string | undefined;
  size: number;
  sha256: string;
  indication: Indication | undefined;
  subIndication: SubIndication | undefined;
  signers: string[];
  /** SNILS of each signer (qualified certificates carry it), in signing order. */
  signerSnils: Array<string | undefined>;
}

export interface PackageReport {
  indication: Indication;
  problems: PackageProblem[];
  manifest: PackageManifest | undefined;
  documents: PackageDocumentReport[];
  entries: number;
}

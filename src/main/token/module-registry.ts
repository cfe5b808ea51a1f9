/**
 * Where PKCS#11 libraries are looked for: the path the caller names, `NEDRADESK_PKCS11_MODULE`,
 * the paths the user added in settings, then the vendors' install paths from `native/`.
 */
import { existsSync } from 'node:fs';
import registry from '../../../native/pkcs11-modules.json';

export interface KnownModule {
  id: string;
  vendor: string;
  name: string;
  verified: boolean;
  paths: Partial<Record<'linux' | 'win32', string[]>>;
}

/** A library path worth trying, with where it came from. */
export interface ModuleCandidate {
  path: string;
  source: 'argument' | 'environment' | 'settings' | 'registry';
  /** Registry entry, when the path came from it. */
  known: Pick<KnownModule, 'id' | 'name' | 'verified'> | undefined;
  exists: boolean;
}

/** Every known module of the registry. */
export function knownModules(): KnownModule[] {
  return registry.modules as KnownModule[];
}

export interface ModuleSearch {
  explicit?: string | undefined;
  userPaths?: readonly string[];
  environment?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  fileExists?: (path: string) => boolean;
  /** Folders no library is loaded from (the data folder); see module-trust.ts. */
  untrustedFolders?: readonly string[] | undefined;
}

/** All candidates in priority order, existing or not (for diagnostics). */
export function moduleCandidates(search: ModuleSearch = {}): ModuleCandidate[] {
  const fileExists = search.fileExists ?? existsSync;
  const environment = search.environment ?? process.env;
  const platform = search.platform === 'win32' ? 'win32' : 'linux';
  const candidates: ModuleCandidate[] = [];
  const add = (path: string, source: ModuleCandidate['source'], known?: KnownModule): void => {
    if (path.length === 0 || candidates.some((candidate) => candidate.path === path)) return;
    candidates.push({ path, source, known: known && { id: known.id, name: known.name, verified: known.verified }, exists: fileExists(path) });
  };
  if (search.explicit !== undefined) add(search.explicit, 'argument');
  const fromEnvironment = environment.NEDRADESK_PKCS11_MODULE;
  if (fromEnvironment !== undefined) add(fromEnvironment, 'environment');
  for (const path of search.userPaths ?? []) add(path, 'settings');
  for (const known of knownModules()) for (const path of known.paths[platform] ?? []) add(path, 'registry', known);
  return candidates;
}

/**
 * The libraries to load: an explicit path or the environment's alone (the user chose it),
 * otherwise every existing settings and registry path, one per registry entry.
 */
export function modulesToLoad(search: ModuleSearch = {}): string[] {
  const candidates = moduleCandidates(search);
  const chosen = candidates.find((candidate) => candidate.source === 'argument' || candidate.source === 'environment');
  if (chosen !== undefined) return [chosen.path];
  const paths: string[] = [];
  const seenIds = new Set<string>();
  for (const candidate of candidates) {
    if (!candidate.exists) continue;
    if (candidate.known !== undefined) {
      if (seenIds.has(candidate.known.id)) continue;
      seenIds.add(candidate.known.id);
    }
    paths.push(candidate.path);
  }
  return paths;
}

/**
 * Where NedraDesk's bundled resources (the Cyrillic PDF font, icons) are on disk: next to the
 * built code (dist/… → resources/), inside an installed app (Electron's resources folder), or in
 * the source tree during tests. `NEDRADESK_RESOURCES_DIR` overrides.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

function candidates(): string[] {
  const list: string[] = [];
  if (process.env.NEDRADESK_RESOURCES_DIR !== undefined) list.push(process.env.NEDRADESK_RESOURCES_DIR);
  // Bundled CommonJS code knows its own folder; ESM source under tsx does not (and uses cwd).
  if (typeof __dirname === 'string') list.push(path.join(__dirname, '..', '..', 'resources'));
  const electronResources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (electronResources !== undefined) list.push(path.join(electronResources, 'resources'), electronResources);
  list.push(path.join(process.cwd(), 'resources'));
  return list;
}

/** Absolute path of a bundled resource, e.g. `resourcePath('fonts', 'DejaVuSans.ttf')`. */
export function resourcePath(...parts: string[]): string {
  for (const base of candidates()) {
    const candidate = path.join(base, ...parts);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`resource not found: ${parts.join('/')}`);
}

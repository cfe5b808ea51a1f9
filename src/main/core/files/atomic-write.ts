/**
 * Files that appear whole or not at all (design §6): written under a temporary name in the same
 * folder, flushed, then renamed over the final name. A crash leaves at most a `.part` file, which
 * the next write replaces.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** The temporary name used while `target` is being written. */
export function temporaryNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.part`);
}

/**
 * Writes `data` to `target` atomically (temporary file, fsync, rename). `mode` (0600 for files in
 * the data folder, see private-files.ts) is set on the temporary file before any byte is written,
 * exactly — not as the umask leaves it; without it the file gets 0644 less the umask.
 */
export async function writeFileAtomic(target: string, data: Uint8Array | string, options: { mode?: number } = {}): Promise<void> {
  const temporary = temporaryNameFor(target);
  const handle = await open(temporary, 'wx', options.mode ?? 0o644);
  try {
    // Modes mean nothing on Windows (ACLs decide there): no chmod.
    if (options.mode !== undefined && process.platform !== 'win32') await handle.chmod(options.mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

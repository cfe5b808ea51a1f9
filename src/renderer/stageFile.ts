import type { Result } from '../shared/result';
import { callApi } from './api/client';

/**
 * Hands a dropped or picked file to main: its bytes go over the API as base64 and main keeps them in
 * the data folder; a handle comes back (the window never learns or names a path).
 */
export async function stageFile(file: File): Promise<Result<{ fileId: string; name: string }>> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // Chunks keep String.fromCharCode under the engine's argument limit for large files.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  // A name is only a name: a folder separator some systems allow in file names is not sent as one.
  const name = file.name.replace(/[/\\\u0000-\u001f]/g, '_').replace(/^\.{1,2}$/, '_') || 'document';
  return callApi('files:stage', { name, contentBase64: btoa(binary) });
}

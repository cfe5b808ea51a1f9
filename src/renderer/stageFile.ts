import type { Result } from '../shared/result';
import { callApi } from './api/client';

/** Hands a dropped file to main: its bytes go over the API as base64 and come back as a local path. */
export async function stageFile(file: File): Promise<Result<{ path: string }>> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // Chunks keep String.fromCharCode under the engine's argument limit for large files.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  return callApi('files:stage', { name: file.name, contentBase64: btoa(binary) });
}

/**
 * Trust anchors the user imported (root certificates of accredited CAs, the training CA): files in
 * `<data>/trust/`, DER or PEM. Read on demand, so an import takes effect at once.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pemBlocks } from '../core/crypto/x509';

/** Every certificate in the trust folder. */
export async function loadTrustAnchors(dataDir: string): Promise<Uint8Array[]> {
  const folder = path.join(dataDir, 'trust');
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const anchors: Uint8Array[] = [];
  for (const name of names.filter((item) => /\.(pem|crt|cer|der)$/i.test(item))) {
    const bytes = await readFile(path.join(folder, name));
    const text = bytes.toString('latin1');
    anchors.push(...(text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text, 'CERTIFICATE') : [new Uint8Array(bytes)]));
  }
  return anchors;
}

/**
 * Where end-to-end tests put their screenshots: a temporary folder, so `npm test` leaves the work
 * tree clean; `npm run screenshots` sets NEDRADESK_SCREENSHOTS_DIR=docs/screenshots to refresh the
 * pictures the docs show.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const folder = process.env.NEDRADESK_SCREENSHOTS_DIR ?? path.join(tmpdir(), 'nedradesk-screenshots');

/** The file a screenshot named `name` (e.g. `dashboard.png`) is written to. */
export function screenshotPath(name: string): string {
  mkdirSync(folder, { recursive: true });
  return path.join(folder, name);
}

declare const __NEDRADESK_VERSION__: string | undefined;

/** The app version, set at build time from package.json (esbuild and vitest `define`). */
export const appVersion: string = typeof __NEDRADESK_VERSION__ === 'string' ? __NEDRADESK_VERSION__ : '0.0.0-dev';

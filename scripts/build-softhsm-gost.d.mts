/** A complete SoftHSM-GOST install. */
export interface SoftHsmGost {
  prefix: string;
  /** libsofthsm2.so built with GOST. */
  module: string;
  util: string;
  /** Debian's engines folder; SoftHSM loads the gost engine from there through OPENSSL_ENGINES. */
  enginesDir: string;
}
/** Debian's engines folder (OPENSSL_ENGINES overrides). */
export declare const debianEnginesDir: string;
/** The cache folder SoftHSM-GOST is installed into (NEDRADESK_SOFTHSM_GOST_DIR overrides). */
export declare function softHsmGostPrefix(): string;
/** The installed library and tool when the cache is complete, else undefined. */
export declare function findSoftHsmGost(prefix?: string): SoftHsmGost | undefined;
/** Returns the SoftHSM-GOST install, building it first when the cache is missing or incomplete. */
export declare function buildSoftHsmGost(prefix?: string): Promise<SoftHsmGost>;

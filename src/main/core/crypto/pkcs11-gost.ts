/**
 * PKCS#11 numbers for GOST R 34.10-2012 / 34.11-2012 keys, named as their sources name them:
 * PKCS#11 v2.40 Current Mechanisms §2.39 for the GOST R 34.10-2001 generation (CKK_GOSTR3410,
 * CKA_GOSTR3410_PARAMS, CKM_GOSTR3410), and TC26's PKCS#11 extensions for GOST R 34.10-2012 (vendor
 * base NSSCK_VENDOR_PKCS11_RU_TEAM = CKK_VENDOR_DEFINED | 0x54321000) for the 2012 additions.
 * pkcs11js exports none of the TC26 constants; this file is where NedraDesk defines them.
 */

/** CKK_VENDOR_DEFINED | 0x54321000: the TC26 ("RU team") vendor base. */
export const NSSCK_VENDOR_PKCS11_RU_TEAM = 0xd4321000;

/** Key types. CKK_GOSTR3410 serves 2001 and 2012-256 keys; 2012-512 keys have their own. */
export const CKK_GOSTR3410 = 0x00000030;
export const CKK_GOSTR3411 = 0x00000031;
export const CKK_GOSTR3410_512 = NSSCK_VENDOR_PKCS11_RU_TEAM + 0x003;

/** Attributes: the DER OIDs of the key's parameter set and of its digest (PKCS#11 v2.40 §2.39.3). */
export const CKA_GOSTR3410_PARAMS = 0x00000250;
export const CKA_GOSTR3411_PARAMS = 0x00000251;

/** Mechanisms. */
export const CKM_GOSTR3410_KEY_PAIR_GEN = 0x00001200;
/** Raw GOST R 34.10 over a hash code computed outside the token (256-bit keys). */
export const CKM_GOSTR3410 = 0x00001201;
/** GOST R 34.10-2001 with GOST R 34.11-94 hashing on the token: not what 2012 keys use. */
export const CKM_GOSTR3410_WITH_GOSTR3411 = 0x00001202;
export const CKM_GOSTR3410_512_KEY_PAIR_GEN = NSSCK_VENDOR_PKCS11_RU_TEAM + 0x005;
/** Raw GOST R 34.10-2012 over a 64-byte hash code (512-bit keys). */
export const CKM_GOSTR3410_512 = NSSCK_VENDOR_PKCS11_RU_TEAM + 0x006;
export const CKM_GOSTR3410_WITH_GOSTR3411_12_256 = NSSCK_VENDOR_PKCS11_RU_TEAM + 0x008;
export const CKM_GOSTR3410_WITH_GOSTR3411_12_512 = NSSCK_VENDOR_PKCS11_RU_TEAM + 0x009;
export const CKM_GOSTR3411_12_256 = NSSCK_VENDOR_PKCS11_RU_TEAM + 0x012;
export const CKM_GOSTR3411_12_512 = NSSCK_VENDOR_PKCS11_RU_TEAM + 0x013;

/** Whether a CKA_KEY_TYPE value names a GOST R 34.10 signature key. */
export function isGostKeyType(keyType: number): boolean {
  return keyType === CKK_GOSTR3410 || keyType === CKK_GOSTR3410_512;
}

/**
 * PKCS#11 return values (PKCS#11 v2.40 §5.1, pkcs11t.h) mapped to the errors a person can act on.
 * Anything not listed keeps its CKR name in `details.ckr` so support can read it.
 */
import { AppError, type ErrorCode } from '../../shared/errors';

export const ckr = {
  CKR_GENERAL_ERROR: 0x05,
  CKR_FUNCTION_FAILED: 0x06,
  CKR_DEVICE_ERROR: 0x30,
  CKR_DEVICE_MEMORY: 0x31,
  CKR_DEVICE_REMOVED: 0x32,
  CKR_FUNCTION_CANCELED: 0x50,
  CKR_KEY_HANDLE_INVALID: 0x60,
  CKR_KEY_TYPE_INCONSISTENT: 0x63,
  CKR_KEY_FUNCTION_NOT_PERMITTED: 0x68,
  CKR_MECHANISM_INVALID: 0x70,
  CKR_MECHANISM_PARAM_INVALID: 0x71,
  CKR_OBJECT_HANDLE_INVALID: 0x82,
  CKR_OPERATION_ACTIVE: 0x90,
  CKR_PIN_INCORRECT: 0xa0,
  CKR_PIN_INVALID: 0xa1,
  CKR_PIN_LEN_RANGE: 0xa2,
  CKR_PIN_EXPIRED: 0xa3,
  CKR_PIN_LOCKED: 0xa4,
  CKR_SESSION_CLOSED: 0xb0,
  CKR_SESSION_HANDLE_INVALID: 0xb3,
  CKR_SLOT_ID_INVALID: 0x03,
  CKR_TOKEN_NOT_PRESENT: 0xe0,
  CKR_TOKEN_NOT_RECOGNIZED: 0xe1,
  CKR_USER_ALREADY_LOGGED_IN: 0x100,
  CKR_USER_NOT_LOGGED_IN: 0x101,
  CKR_USER_PIN_NOT_INITIALIZED: 0x102,
  CKR_CRYPTOKI_NOT_INITIALIZED: 0x190,
  CKR_CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

const namesByCode = new Map<number, string>(Object.entries(ckr).map(([name, code]) => [code, name]));

const codeByCkr = new Map<number, ErrorCode>([
  [ckr.CKR_PIN_INCORRECT, 'PIN_INCORRECT'],
  [ckr.CKR_PIN_INVALID, 'PIN_INCORRECT'],
  [ckr.CKR_PIN_LEN_RANGE, 'PIN_LEN_RANGE'],
  [ckr.CKR_PIN_EXPIRED, 'PIN_EXPIRED'],
  [ckr.CKR_PIN_LOCKED, 'PIN_LOCKED'],
  [ckr.CKR_TOKEN_NOT_PRESENT, 'TOKEN_NOT_PRESENT'],
  [ckr.CKR_TOKEN_NOT_RECOGNIZED, 'TOKEN_NOT_PRESENT'],
  [ckr.CKR_SLOT_ID_INVALID, 'TOKEN_NOT_PRESENT'],
  [ckr.CKR_DEVICE_REMOVED, 'TOKEN_REMOVED'],
  [ckr.CKR_SESSION_HANDLE_INVALID, 'TOKEN_REMOVED'],
  [ckr.CKR_SESSION_CLOSED, 'TOKEN_REMOVED'],
  [ckr.CKR_OBJECT_HANDLE_INVALID, 'TOKEN_REMOVED'],
  [ckr.CKR_KEY_HANDLE_INVALID, 'TOKEN_REMOVED'],
  [ckr.CKR_MECHANISM_INVALID, 'MECHANISM_NOT_SUPPORTED'],
  [ckr.CKR_MECHANISM_PARAM_INVALID, 'MECHANISM_NOT_SUPPORTED'],
  [ckr.CKR_KEY_TYPE_INCONSISTENT, 'MECHANISM_NOT_SUPPORTED'],
  [ckr.CKR_FUNCTION_CANCELED, 'OPERATION_CANCELLED'],
]);

/** The CKR_* name of a return value, or its hex. */
export function ckrName(code: number): string {
  return namesByCode.get(code) ?? `CKR_0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** The return value carried by a pkcs11js error, when it is one. */
export function ckrOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' && error.constructor.name === 'Pkcs11Error') return error.code;
  return undefined;
}

/** Turns anything a PKCS#11 call threw into an AppError; AppErrors pass through. */
export function toTokenError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  const code = ckrOf(error);
  if (code === undefined) {
    return new AppError('PKCS11_ERROR', { operation, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  const mapped = codeByCkr.get(code) ?? 'PKCS11_ERROR';
  return new AppError(mapped, { operation, ckr: ckrName(code) }, { cause: error });
}

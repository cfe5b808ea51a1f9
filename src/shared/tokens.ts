/**
 * What the UI and the CLI know about tokens and certificates. Plain data: it crosses the token
 * process, IPC and the browser-mode host unchanged.
 */

/** A token (USB key or smart card) present in a slot. */
export interface TokenDescription {
  /** Slot handle as the module reports it; may change when the token is re-inserted. */
  slotId: string;
  label: string;
  /** The stable identity of a token: manufacturer's serial number. */
  serial: string;
  manufacturer: string;
  model: string;
  /** Path of the PKCS#11 library that serves the token. */
  module: string;
  loginRequired: boolean;
  /** The reader or token has its own PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH). */
  pinPad: boolean;
  pinCountLow: boolean;
  pinFinalTry: boolean;
  pinLocked: boolean;
  pinToBeChanged: boolean;
  initialized: boolean;
}

/** Why a certificate cannot be used to sign, or `valid`. */
export type CertificateStatus = 'valid' | 'expired' | 'not-yet-valid' | 'no-private-key' | 'key-usage';

/** The parts of a certificate a person reads to pick the right one. */
export interface CertificateSummary {
  /** CN, or surname and given names. */
  owner: string;
  surname: string | undefined;
  givenName: string | undefined;
  title: string | undefined;
  organization: string | undefined;
  email: string | undefined;
  snils: string | undefined;
  /** Personal INN (12 digits), 1.2.643.3.131.1.1. */
  inn: string | undefined;
  /** Legal entity INN (10 digits), 1.2.643.100.4. */
  innLe: string | undefined;
  ogrn: string | undefined;
  ogrnip: string | undefined;
  issuer: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  /** 'RSA', 'EC', 'ГОСТ Р 34.10-2012' … */
  keyAlgorithm: string;
  /** RSA modulus bits or curve size; GOST 256/512. */
  keySize: number | undefined;
  /** EC named curve, or the GOST parameter set (publicKeyParamSet) by its TC26 name. */
  curve: string | undefined;
  keyUsage: string[];
  /** The key usage allows signatures (digitalSignature or nonRepudiation), or is absent. */
  canSign: boolean;
  sha1: string;
  sha256: string;
  /** Days until `notAfter` (negative when expired). */
  daysLeft: number;
}

/** A certificate found on a token, with its pairing to a private key. */
export interface TokenCertificate {
  tokenSerial: string;
  tokenLabel: string;
  /** CKA_ID in hex: pairs the certificate with its private key. */
  idHex: string;
  label: string;
  hasPrivateKey: boolean;
  status: CertificateStatus;
  summary: CertificateSummary;
  /** DER of the certificate, base64. */
  derBase64: string;
}

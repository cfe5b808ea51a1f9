/**
 * The stand's training CA: created on first start in the stand's data folder, trusted by the stand,
 * and used by `npm run stand -- demo-token` to make a ready demo token: a key pair generated ON the
 * token (it never leaves it), a qualified-style certificate whose subject matches a demo person and
 * their organisation, and the CA certificate next to it so signatures carry the chain.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { caName, issueCertificate, personName, toPem } from '../main/core/crypto/certificate-issuer';
import { certificateIssuerAndSerial } from '../main/core/crypto/cms';
import { pemBlocks } from '../main/core/crypto/x509';
import { writeFileAtomic } from '../main/core/files/atomic-write';
import { makePrivateFileSync, makePrivateFolderSync, privateFileMode } from '../main/core/files/private-files';
import { cutLabel, paddedTokenLabel } from '../main/token/token-label';
import { trainingAuthority } from '../shared/verification';
import type { StandDatabase } from './database';

const day = 86_400_000;

export interface TrainingCa {
  certificate: Uint8Array;
  key: KeyObject;
  keyId: Buffer;
  certificatePath: string;
}

/**
 * Where the training CA's private key is kept: `<stand>/private/`, a 0700 folder apart from the
 * certificate (which the app reads to trust the CA) — nothing that hands files to the UI reads
 * there (the app's `files:read` refuses the whole stand folder) — as a 0600 file.
 */
export function trainingCaKeyPath(dataDir: string): string {
  return path.join(dataDir, 'private', 'training-ca.key.pem');
}

/** Loads the training CA (certificate in `dataDir/training-ca`, key in `dataDir/private`), creating it on first use. */
export async function ensureTrainingCa(dataDir: string): Promise<TrainingCa> {
  const folder = path.join(dataDir, 'training-ca');
  const certificatePath = path.join(folder, 'training-ca.crt.pem');
  const keyPath = trainingCaKeyPath(dataDir);
  makePrivateFolderSync(path.dirname(keyPath));
  // An earlier stand kept the key beside the certificate: it moves to the private folder.
  const earlierKeyPath = path.join(folder, 'training-ca.key.pem');
  if (existsSync(earlierKeyPath) && !existsSync(keyPath)) {
    makePrivateFileSync(earlierKeyPath);
    renameSync(earlierKeyPath, keyPath);
  }
  if (!existsSync(certificatePath) || !existsSync(keyPath)) {
    makePrivateFolderSync(folder);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Date.now();
    const issued = issueCertificate({
      subjectName: caName(trainingAuthority.commonName, trainingAuthority.organization),
      publicKey,
      privateKey,
      issuer: 'self',
      notBefore: new Date(now - day),
      notAfter: new Date(now + 3650 * day),
      ca: true,
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    // The key is 0600 from its first byte (mode set on the temporary file before it is written).
    await writeFileAtomic(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: privateFileMode });
    await writeFileAtomic(certificatePath, toPem(issued.der, 'CERTIFICATE'), { mode: privateFileMode });
  }
  const certificate = pemBlocks(readFileSync(certificatePath, 'latin1'), 'CERTIFICATE')[0] as Uint8Array;
  const key = createPrivateKey(readFileSync(keyPath));
  const keyId = createHash('sha1').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest();
  return { certificate, key, keyId, certificatePath };
}

interface DemoPersonRow {
  surname: string;
  given_name: string;
  snils: string;
  inn: string;
  email: string;
  full_name: string;
  org_inn: string;
  ogrn: string;
  address: string;
  role: string;
}

export interface DemoTokenRequest {
  module: string;
  personOid: string;
  label: string;
  userPin: string;
  soPin: string;
}

/** Creates a SoftHSM (or other initialisable) token with a demo person's key and certificate. */
export function createDemoToken(database: StandDatabase, ca: TrainingCa, request: DemoTokenRequest): { label: string; serial: string; certificatePem: string } {
  const person = database
    .prepare(
      `SELECT p.surname, p.given_name, p.snils, p.inn, p.email, o.full_name, o.inn AS org_inn, o.ogrn, o.address, m.role
       FROM persons p JOIN members m ON m.person_oid = p.oid JOIN organisations o ON o.oid = m.organisation_oid WHERE p.oid = ? ORDER BY m.role LIMIT 1`,
    )
    .get(request.personOid) as DemoPersonRow | undefined;
  if (person === undefined) throw new Error(`нет демо-пользователя ${request.personOid}: список — npm run stand -- --help`);
  const label = cutLabel(request.label);
  if (label === '') throw new Error('метка токена пуста');
  // «Иванова М. П.»: the full name is in the certificate; a label is what fits 32 bytes.
  const initials = person.given_name.split(/\s+/).filter(Boolean).map((part) => `${part[0] ?? ''}.`).join(' ');
  const objectLabel = cutLabel(`${person.surname} ${initials}`);
  const api = new pkcs11js.PKCS11();
  api.load(request.module);
  api.C_Initialize();
  // The token this call initialised, once it has: a failure after that removes it again, so no
  // half-made token (no PIN, no key, no certificate) is left for the app to list as ready.
  let made: { serial: string; manufacturer: string } | undefined;
  let finalized = false;
  try {
    const initialisedBefore = new Set(
      api
        .C_GetSlotList(true)
        .map((slot) => api.C_GetTokenInfo(slot))
        .filter((info) => (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0)
        .map((info) => info.serialNumber.trim()),
    );
    const free = api.C_GetSlotList(true).find((slot) => !(api.C_GetTokenInfo(slot).flags & pkcs11js.CKF_TOKEN_INITIALIZED));
    if (free === undefined) throw new Error('нет свободного слота для нового токена');
    api.C_InitToken(free, request.soPin, paddedTokenLabel(label));
    // SoftHSM moves a token it initialises to a new slot: the new token is the initialised one
    // whose serial number was not there before.
    const slot = api.C_GetSlotList(true).find((candidate) => {
      const info = api.C_GetTokenInfo(candidate);
      return (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0 && !initialisedBefore.has(info.serialNumber.trim());
    });
    if (slot === undefined) throw new Error('токен не появился после инициализации');
    const info = api.C_GetTokenInfo(slot);
    made = { serial: info.serialNumber.trim(), manufacturer: info.manufacturerID.trim() };
    if (info.label.trim() !== label) throw new Error(`токен записал метку «${info.label.trim()}» вместо «${label}»`);
    let session = api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    api.C_Login(session, pkcs11js.CKU_SO, request.soPin);
    api.C_InitPIN(session, request.userPin);
    api.C_Logout(session);
    api.C_CloseSession(session);
    session = api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    api.C_Login(session, pkcs11js.CKU_USER, request.userPin);
    const id = Buffer.from('01', 'hex');
    // The key pair is generated on the token: the private key is never extractable.
    const { publicKey: publicHandle } = api.C_GenerateKeyPair(
      session,
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: objectLabel },
      ],
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: objectLabel },
      ],
    );
    const [modulus, exponent] = api.C_GetAttributeValue(session, publicHandle, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: (modulus?.value as Buffer).toString('base64url'), e: (exponent?.value as Buffer).toString('base64url') }, format: 'jwk' });
    const now = Date.now();
    const issued = issueCertificate({
      subjectName: personName({
        commonName: `${person.surname} ${person.given_name}`,
        surname: person.surname,
        givenName: person.given_name,
        title: { admin: 'Администратор', head: 'Руководитель', employee: 'Сотрудник', auditor: 'Аудитор' }[person.role] ?? 'Сотрудник',
        organization: person.full_name,
        locality: person.address.split(',').find((part) => part.trim().startsWith('г.'))?.trim() ?? 'г. Москва',
        email: person.email,
        snils: person.snils,
        inn: person.inn,
        ogrn: person.ogrn,
        innle: person.org_inn,
      }),
      publicKey,
      privateKey: ca.key,
      issuer: { name: certificateIssuerAndSerial(ca.certificate).subject as Buffer, key: ca.key, keyId: ca.keyId },
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 365 * day),
      ca: false,
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      signTool: 'Учебный стенд NedraDesk',
    });
    const certificateObject = (der: Uint8Array, objectId: Buffer, objectName: string) => {
      const names = certificateIssuerAndSerial(der);
      return [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_ID, value: objectId },
        { type: pkcs11js.CKA_LABEL, value: cutLabel(objectName) },
        { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(names.subject) },
        { type: pkcs11js.CKA_ISSUER, value: Buffer.from(names.issuer) },
        { type: pkcs11js.CKA_VALUE, value: Buffer.from(der) },
      ];
    };
    api.C_CreateObject(session, certificateObject(issued.der, id, objectLabel));
    api.C_CreateObject(session, certificateObject(ca.certificate, Buffer.from('ca', 'hex'), 'Учебный УЦ NedraDesk'));
    api.C_Logout(session);
    api.C_CloseSession(session);
    const serial = made.serial;
    made = undefined; // complete: nothing to remove
    return { label, serial, certificatePem: toPem(issued.der, 'CERTIFICATE') };
  } catch (error) {
    if (made === undefined) throw error;
    api.C_Finalize();
    finalized = true;
    const reason = error instanceof Error ? error.message : String(error);
    try {
      removeHalfMadeToken(made, request.module);
    } catch (removal) {
      throw new Error(`${reason}; ${removal instanceof Error ? removal.message : String(removal)}`);
    }
    throw new Error(`${reason} (начатый токен № ${made.serial} удалён)`);
  } finally {
    if (!finalized) api.C_Finalize();
  }
}

/**
 * Removes a token this command initialised but could not finish. PKCS#11 has no call that deletes
 * a token; SoftHSM's own tool does (`softhsm2-util --delete-token`, with the same SOFTHSM2_CONF).
 * A hardware token cannot be removed this way: the message says to initialise it again.
 */
function removeHalfMadeToken(made: { serial: string; manufacturer: string }, module: string): void {
  const notRemoved = `токен № ${made.serial} инициализирован, но не готов: инициализируйте его заново или удалите`;
  if (!made.manufacturer.startsWith('SoftHSM')) throw new Error(notRemoved);
  // softhsm2-util lies next to the library on Windows installs; on Linux it is on the PATH.
  const besideModule = path.join(path.dirname(module), process.platform === 'win32' ? 'softhsm2-util.exe' : 'softhsm2-util');
  const tool = existsSync(besideModule) ? besideModule : 'softhsm2-util';
  const removed = spawnSync(tool, ['--delete-token', '--serial', made.serial], { encoding: 'utf8', timeout: 30_000 });
  if (removed.status !== 0) throw new Error(`${notRemoved} (softhsm2-util: ${(removed.stderr || removed.error?.message || '').trim()})`);
}

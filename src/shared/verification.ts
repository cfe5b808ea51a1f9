/**
 * The verdict on a signature, shaped after ETSI EN 319 102-1 as EU DSS reports it: an indication
 * per signer and overall, a sub-indication saying why, and reasons in plain Russian.
 */
import type { CertificateSummary } from './tokens';

export type Indication = 'TOTAL_PASSED' | 'INDETERMINATE' | 'TOTAL_FAILED';

export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'REVOKED'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'TRY_LATER'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'SIGNED_DATA_NOT_FOUND';

export type CheckOutcome = 'passed' | 'failed' | 'indeterminate' | 'not-checked';

export type CheckName = 'format' | 'digest' | 'signature' | 'signingCertificate' | 'validity' | 'keyUsage' | 'chain' | 'revocation';

/** A certificate of the chain, as shown in the report. */
export interface ChainLink {
  owner: string;
  issuer: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  trustAnchor: boolean;
}

export interface SignerVerification {
  index: number;
  indication: Indication;
  subIndication: SubIndication | undefined;
  reasons: string[];
  warnings: string[];
  signer: CertificateSummary | undefined;
  signingTime: string | undefined;
  algorithm: string | undefined;
  chain: ChainLink[];
  checks: Record<CheckName, CheckOutcome>;
  /** The certificate was issued by the training stand's CA (trainingAuthority): the verdict says «учебный сертификат». */
  trainingCertificate?: boolean;
}

export interface VerificationReport {
  indication: Indication;
  subIndication: SubIndication | undefined;
  /** One line per problem, for people. */
  reasons: string[];
  signers: SignerVerification[];
  attached: boolean;
  contentSha256: string | undefined;
  checkedAt: string;
}

/** Russian explanations of the sub-indications. */
export const subIndicationTexts: Record<SubIndication, string> = {
  FORMAT_FAILURE: 'Файл подписи повреждён или не является подписью CAdES.',
  HASH_FAILURE: 'Документ изменён после подписания: его хеш не совпадает с подписанным.',
  SIG_CRYPTO_FAILURE: 'Значение подписи неверно: подпись повреждена или сделана другим ключом.',
  NO_SIGNING_CERTIFICATE_FOUND: 'В подписи нет сертификата подписавшего, или он не совпадает с указанным в подписи.',
  EXPIRED: 'Срок действия сертификата подписавшего истёк к моменту подписания.',
  NOT_YET_VALID: 'Сертификат подписавшего ещё не действовал в момент подписания.',
  REVOKED: 'Сертификат подписавшего отозван удостоверяющим центром.',
  NO_CERTIFICATE_CHAIN_FOUND: 'Не удалось построить цепочку до доверенного корневого сертификата. Добавьте сертификат удостоверяющего центра в доверенные.',
  CHAIN_CONSTRAINTS_FAILURE: 'Цепочка сертификатов нарушает правила RFC 5280: в ней есть сертификат, который не вправе выпускать сертификаты, превышена допустимая длина цепочки или есть неизвестное критическое расширение.',
  TRY_LATER: 'Не удалось проверить, не отозван ли сертификат: нет актуального списка отзыва (CRL). Повторите проверку позже.',
  SIG_CONSTRAINTS_FAILURE: 'Назначение ключа сертификата не допускает электронную подпись.',
  CRYPTO_CONSTRAINTS_FAILURE: 'Алгоритм подписи не поддерживается NedraDesk.',
  SIGNED_DATA_NOT_FOUND: 'Не найден подписанный документ: укажите файл документа рядом с подписью.',
};

/** Russian names of the indications. */
export const indicationTexts: Record<Indication, string> = {
  TOTAL_PASSED: 'Подпись действительна',
  INDETERMINATE: 'Действительность подписи не установлена',
  TOTAL_FAILED: 'Подпись недействительна',
};

/**
 * The name of the training stand's CA (src/stand/training-ca.ts). Its certificates are for practice:
 * NedraDesk trusts it only while the training stand is the chosen cabinet, and every verdict resting
 * on it says «учебный сертификат».
 */
export const trainingAuthority = { commonName: 'Учебный УЦ NedraDesk', organization: 'Учебный стенд NedraDesk' } as const;

/** What a verdict resting on the training CA says of the certificate. */
export const trainingCertificateLabel = 'учебный сертификат';

/** Whether a name, as a report writes it (`CN=…, O=…, C=RU`), is the training CA's. */
export function namesTrainingAuthority(name: string | undefined): boolean {
  const parts = (name ?? '').split(', ');
  return parts.includes(`CN=${trainingAuthority.commonName}`) && parts.includes(`O=${trainingAuthority.organization}`);
}

/** Whether a signer's certificate was issued by the training CA (directly or through its chain). */
export function restsOnTrainingAuthority(signer: Pick<SignerVerification, 'signer' | 'chain'>): boolean {
  return namesTrainingAuthority(signer.signer?.issuer) || signer.chain.some((link) => namesTrainingAuthority(link.issuer));
}

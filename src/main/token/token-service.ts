/**
 * The token service every caller uses: list tokens and certificates, and open a signer for a
 * certificate with a PIN. `LocalTokenService` runs PKCS#11 in this process (the CLI, the token
 * process itself); `TokenSupervisor` (token-supervisor.ts) runs it in a supervised child process.
 */
import { AppError } from '../../shared/errors';
import type { TokenCertificate, TokenDescription } from '../../shared/tokens';
import type { Signer } from '../core/crypto/algorithms';
import { orderChain } from '../core/crypto/chain';
import { certificateStatusError } from '../core/crypto/x509';
import { modulesToLoad, type ModuleSearch } from './module-registry';
import { trustedModulePath } from './module-trust';
import { Pkcs11Library, type KeySession } from './pkcs11-library';

/** A signer bound to a logged-in token session; `close` ends the session. */
export interface TokenSigner extends Signer {
  close(): Promise<void>;
}

/** Which certificate to sign with. */
export interface SignerRequest {
  /** SHA-1 or SHA-256 thumbprint in hex, `id:<CKA_ID hex>` or `label:<CKA_LABEL>`. */
  certificate: string;
  /** Token label or serial, when several tokens carry matching certificates. */
  token?: string | undefined;
  /** PIN bytes; wiped after C_Login. */
  pin: Uint8Array;
  rsaPadding?: 'pkcs1' | 'pss';
  /** Sessions signing in parallel, for batches (default 1). */
  sessions?: number;
  /** Sign even though the certificate is expired or not yet valid (tests of the verifier only). */
  allowInvalidCertificate?: boolean;
}

export interface TokenService {
  listTokens(): Promise<TokenDescription[]>;
  listCertificates(filter?: { token?: string | undefined }): Promise<TokenCertificate[]>;
  openSigner(request: SignerRequest): Promise<TokenSigner>;
  close(): Promise<void>;
}

/** A parsed certificate selector. */
export type CertificateSelector = { kind: 'sha1' | 'sha256' | 'id' | 'label'; value: string };

/** Parses the CLI's and the API's certificate selector; anything else is INVALID_INPUT. */
export function parseCertificateSelector(text: string): CertificateSelector {
  const trimmed = text.trim();
  if (trimmed.startsWith('id:')) return { kind: 'id', value: trimmed.slice(3).toLowerCase() };
  if (trimmed.startsWith('label:')) return { kind: 'label', value: trimmed.slice(6) };
  const hex = trimmed.replace(/[\s:]/g, '').toLowerCase();
  if (/^[0-9a-f]{40}$/.test(hex)) return { kind: 'sha1', value: hex };
  if (/^[0-9a-f]{64}$/.test(hex)) return { kind: 'sha256', value: hex };
  throw new AppError('INVALID_INPUT', { field: 'certificate', reason: 'selector must be a SHA-1/SHA-256 thumbprint, id:<hex> or label:<text>' });
}

/** Whether a certificate matches a selector. */
export function matchesSelector(certificate: TokenCertificate, selector: CertificateSelector): boolean {
  switch (selector.kind) {
    case 'sha1':
      return certificate.summary.sha1 === selector.value;
    case 'sha256':
      return certificate.summary.sha256 === selector.value;
    case 'id':
      return certificate.idHex === selector.value;
    case 'label':
      return certificate.label === selector.value;
  }
}

/** The one certificate a request names, or a typed error saying why there is none. */
export function selectCertificate(certificates: readonly TokenCertificate[], request: Pick<SignerRequest, 'certificate' | 'token'>): TokenCertificate {
  const selector = parseCertificateSelector(request.certificate);
  const matches = certificates.filter(
    (certificate) =>
      matchesSelector(certificate, selector) && (request.token === undefined || certificate.tokenLabel === request.token || certificate.tokenSerial === request.token),
  );
  const first = matches[0];
  if (first === undefined) throw new AppError('CERT_NOT_FOUND', { selector: request.certificate, token: request.token });
  if (matches.length > 1) throw new AppError('CERT_AMBIGUOUS', { selector: request.certificate, tokens: matches.map((match) => match.tokenLabel) });
  return first;
}

class LocalTokenSigner implements TokenSigner {
  constructor(
    private readonly session: KeySession,
    readonly chain: readonly Uint8Array[],
  ) {}
  get certificate(): Uint8Array {
    return this.session.certificate;
  }
  get algorithm(): Signer['algorithm'] {
    return this.session.algorithm;
  }
  sign(bytesToBeSigned: Uint8Array): Promise<Uint8Array> {
    return this.session.sign(bytesToBeSigned);
  }
  close(): Promise<void> {
    return this.session.close();
  }
}

/** PKCS#11 in this process, over one or more libraries. */
export class LocalTokenService implements TokenService {
  private constructor(private readonly libraries: Pkcs11Library[]) {}

  /**
   * Loads the libraries the search finds; none at all is MODULE_NOT_FOUND. Each path is checked
   * for trust (module-trust.ts) right before it is loaded, at every start of the token process.
   */
  static open(search: ModuleSearch = {}): LocalTokenService {
    const paths = modulesToLoad(search);
    if (paths.length === 0) throw new AppError('MODULE_NOT_FOUND');
    const libraries: Pkcs11Library[] = [];
    let firstFailure: unknown;
    for (const path of paths) {
      try {
        libraries.push(Pkcs11Library.load(trustedModulePath(path, { untrustedFolders: search.untrustedFolders })));
      } catch (error) {
        // With a path the user named, its failure is the answer; registry paths are best effort.
        if (paths.length === 1) throw error;
        firstFailure ??= error;
      }
    }
    if (libraries.length === 0) throw firstFailure;
    return new LocalTokenService(libraries);
  }

  /** Paths of the loaded libraries. */
  get modules(): string[] {
    return this.libraries.map((library) => library.path);
  }

  async listTokens(): Promise<TokenDescription[]> {
    return this.libraries.flatMap((library) => library.tokens());
  }

  async listCertificates(filter: { token?: string | undefined } = {}): Promise<TokenCertificate[]> {
    const found: TokenCertificate[] = [];
    for (const library of this.libraries) {
      for (const token of library.tokens()) {
        if (filter.token !== undefined && token.label !== filter.token && token.serial !== filter.token) continue;
        found.push(...library.certificates(token));
      }
    }
    if (filter.token !== undefined && found.length === 0 && !(await this.hasToken(filter.token))) {
      throw new AppError('TOKEN_NOT_PRESENT', { token: filter.token });
    }
    return found;
  }

  async openSigner(request: SignerRequest): Promise<TokenSigner> {
    try {
      const available = await this.listCertificates({ token: request.token });
      if (available.length === 0 && (await this.listTokens()).length === 0) throw new AppError('TOKEN_NOT_PRESENT');
      const certificate = selectCertificate(available, request);
      const ignorable = request.allowInvalidCertificate === true ? ['expired', 'not-yet-valid'] : [];
      if (!ignorable.includes(certificate.status)) {
        const problem = certificateStatusError(certificate.status, { owner: certificate.summary.owner, notAfter: certificate.summary.notAfter });
        if (problem !== undefined) throw problem;
      }
      for (const library of this.libraries) {
        const token = library.tokens().find((candidate) => candidate.serial === certificate.tokenSerial);
        if (token === undefined) continue;
        const request11 = { slotId: token.slotId, idHex: certificate.idHex, pin: request.pin, sessions: request.sessions ?? 1, ...(request.rsaPadding ? { rsaPadding: request.rsaPadding } : {}) };
        const der = Buffer.from(certificate.derBase64, 'base64');
        // CA certificates kept on the tokens (vendors ship them there) complete the chain.
        const chain = orderChain(der, available.map((item) => Buffer.from(item.derBase64, 'base64')));
        return new LocalTokenSigner(library.openKeySession(request11, der), chain);
      }
      throw new AppError('TOKEN_NOT_PRESENT', { token: certificate.tokenLabel });
    } finally {
      request.pin.fill(0);
    }
  }

  async close(): Promise<void> {
    for (const library of this.libraries) await library.close();
  }

  private async hasToken(token: string): Promise<boolean> {
    return (await this.listTokens()).some((candidate) => candidate.label === token || candidate.serial === token);
  }
}

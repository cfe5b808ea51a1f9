/**
 * The typed RPC between main and the token process. Messages are structured-cloned (Node's
 * advanced serialization, or Electron's utility-process port), so byte arrays travel as is.
 */
import type { ErrorData } from '../../shared/errors';
import type { TokenCertificate, TokenDescription } from '../../shared/tokens';
import type { SignatureAlgorithmId } from '../core/crypto/algorithms';

export interface TokenRpcMethods {
  configure: { params: { explicit?: string | undefined; userPaths?: string[]; untrustedFolders?: string[] }; result: { modules: string[] } };
  listTokens: { params: Record<string, never>; result: TokenDescription[] };
  listCertificates: { params: { token?: string | undefined }; result: TokenCertificate[] };
  openSigner: {
    params: { certificate: string; token?: string | undefined; pin: Uint8Array; rsaPadding?: 'pkcs1' | 'pss'; allowInvalidCertificate?: boolean; sessions?: number };
    result: { handle: number; certificate: Uint8Array; algorithm: SignatureAlgorithmId };
  };
  sign: { params: { handle: number; data: Uint8Array }; result: Uint8Array };
  closeSigner: { params: { handle: number }; result: null };
  shutdown: { params: Record<string, never>; result: null };
}

export type TokenRpcMethod = keyof TokenRpcMethods;

export interface TokenRpcRequest<M extends TokenRpcMethod = TokenRpcMethod> {
  id: number;
  method: M;
  params: TokenRpcMethods[M]['params'];
}

export type TokenRpcResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorData };

/** The first message the token process sends when it is ready. */
export interface TokenRpcReady {
  ready: true;
  pid: number;
}

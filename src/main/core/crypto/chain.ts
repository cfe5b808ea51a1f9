/**
 * Chains of CA certificates that go into a signature's `certificates` so that verifiers without
 * the intermediate CA (OpenSSL, portals) can reach their trust anchor.
 */
import type { Signer } from './algorithms';
import { certificateIssuerAndSerial } from './cms';

/** The issuers of `leaf` found among `candidates`, nearest first (by subject/issuer names). */
export function orderChain(leaf: Uint8Array, candidates: readonly Uint8Array[]): Uint8Array[] {
  const named = candidates.flatMap((der) => {
    try {
      return [{ der, ...certificateIssuerAndSerial(der) }];
    } catch {
      return [];
    }
  });
  const chain: Uint8Array[] = [];
  let current = certificateIssuerAndSerial(leaf);
  for (let depth = 0; depth < 10; depth += 1) {
    if (Buffer.compare(current.issuer, current.subject) === 0) break; // self-signed: the top
    const issuer = named.find((candidate) => Buffer.compare(candidate.subject, current.issuer) === 0 && !chain.includes(candidate.der));
    if (issuer === undefined) break;
    chain.push(issuer.der);
    current = issuer;
  }
  return chain;
}

/** The same signer, with further CA certificates to include in signatures. */
export function withChain(signer: Signer, extra: readonly Uint8Array[]): Signer {
  if (extra.length === 0) return signer;
  const chain = orderChain(signer.certificate, [...signer.chain, ...extra]);
  return {
    certificate: signer.certificate,
    chain,
    algorithm: signer.algorithm,
    sign: (bytes) => signer.sign(bytes),
  };
}

/**
 * Cabinet addresses, read the same way everywhere: by the WHATWG URL parser that Node and Chromium
 * both carry, so the address checked here is the address later fetched or opened.
 */

/** The parts of a parsed address that NedraDesk looks at (WHATWG URL Standard §6.1). */
export interface ParsedAddress {
  href: string;
  protocol: string;
  username: string;
  password: string;
  hostname: string;
  origin: string;
}

// `src/shared` compiles with the ES library only (no DOM, no node types), yet `URL` is a global of
// every runtime that loads this file (Node ≥ 10, Chromium): reach it through globalThis, typed here.
const WebUrl = (globalThis as unknown as { URL: new (input: string) => ParsedAddress }).URL;

/** The parsed address, or undefined when it is not an absolute URL. */
export function parseAddress(address: string): ParsedAddress | undefined {
  try {
    return new WebUrl(address);
  } catch {
    return undefined;
  }
}

/** The origin of an address (`https://host[:port]`, RFC 6454), or undefined when it has none (e.g. `file:`). */
export function originOf(address: string): string | undefined {
  const origin = parseAddress(address)?.origin;
  return origin === undefined || origin === 'null' ? undefined : origin;
}

/** Host names of this computer that plain http may reach (RFC 8252 §8.3, RFC 6761 §6.3): the training stand. */
export const loopbackHostnames: readonly string[] = ['127.0.0.1', '[::1]', 'localhost'];

/** Why an address may not be used for a cabinet or opened in a browser. */
export type CabinetAddressProblem = 'not-a-url' | 'scheme' | 'plain-http' | 'credentials' | 'too-long';

/**
 * The one address policy: https anywhere, plain http only to this computer (the training stand),
 * no other scheme (`smb:`, `file:`, `javascript:`, `data:` …) and no user name or password inside the
 * address. The settings schema, the CLI, the cabinet service and the Electron window-open handler all
 * ask this function. Undefined when the address may be used.
 */
export function cabinetAddressProblem(address: string): CabinetAddressProblem | undefined {
  if (address.length > 2000) return 'too-long';
  const url = parseAddress(address);
  if (url === undefined) return 'not-a-url';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'scheme';
  if (url.hostname === '') return 'not-a-url';
  if (url.username !== '' || url.password !== '') return 'credentials';
  if (url.protocol === 'http:' && !loopbackHostnames.includes(url.hostname)) return 'plain-http';
  return undefined;
}

/** Whether the address passes `cabinetAddressProblem`. */
export function isAllowedCabinetAddress(address: string): boolean {
  return cabinetAddressProblem(address) === undefined;
}

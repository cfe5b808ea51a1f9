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

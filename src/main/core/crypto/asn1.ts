/**
 * The one ASN.1 codec of NedraDesk's signature code: a DER writer (X.690 §10) and a bounded BER
 * reader (X.690 §8) that works on byte offsets, so callers keep the exact bytes they hash
 * (signed attributes, certificates). The reader accepts what real signers emit — indefinite
 * lengths and constructed OCTET STRINGs from Windows CSPs — and refuses hostile input with
 * Asn1Error: lengths past the end, lengths over 4 octets, nesting deeper than `maxDepth`.
 */

// ---------------------------------------------------------------- writer

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A TLV with the given tag byte and body. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export const sequence = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);
/** SET OF: members sorted by their encodings, as DER requires (X.690 §11.6). */
export const set = (...parts: Uint8Array[]): Buffer => tlv(0x31, ...[...parts].map((part) => Buffer.from(part)).sort(Buffer.compare));
export const octetString = (bytes: Uint8Array): Buffer => tlv(0x04, bytes);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const booleanTrue = (): Buffer => Buffer.from([0x01, 0x01, 0xff]);
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
export const printableString = (text: string): Buffer => tlv(0x13, Buffer.from(text, 'ascii'));
export const numericString = (digits: string): Buffer => tlv(0x12, Buffer.from(digits, 'ascii'));
export const ia5String = (text: string): Buffer => tlv(0x16, Buffer.from(text, 'ascii'));
/** Context-specific constructed tag [n] (EXPLICIT, or IMPLICIT over a constructed type). */
export const explicit = (tagNumber: number, ...parts: Uint8Array[]): Buffer => tlv(0xa0 + tagNumber, ...parts);

/** INTEGER from unsigned big-endian bytes (adds the sign octet when needed). */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.from([value]));

export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const body: number[] = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift((value & 0x7f) | 0x80);
    body.push(...chunk);
  }
  return tlv(0x06, Buffer.from(body));
}

/** BIT STRING with the given number of unused bits in the last octet. */
export const bitString = (bytes: Uint8Array, unusedBits = 0): Buffer => tlv(0x03, Buffer.from([unusedBits]), bytes);

/** UTCTime before 2050, GeneralizedTime after (RFC 5280 §4.1.2.5, RFC 5652 §11.3). */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 && date.getUTCFullYear() >= 1950
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

// ---------------------------------------------------------------- reader

/** Malformed or hostile ASN.1. */
export class Asn1Error extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'Asn1Error';
  }
}

/** One element, by offsets into the buffer it was read from. */
export interface Node {
  /** First identifier octet: class, constructed bit and (low) tag number, e.g. 0x30, 0xa0. */
  tag: number;
  constructed: boolean;
  start: number;
  contentStart: number;
  /** End of the content (before the end-of-contents octets of an indefinite length). */
  contentEnd: number;
  /** End of the whole element. */
  end: number;
  indefinite: boolean;
}

export interface ReadLimits {
  maxDepth: number;
}

const defaultLimits: ReadLimits = { maxDepth: 48 };

/** A reader over one buffer. */
export class Asn1Reader {
  constructor(
    readonly bytes: Uint8Array,
    private readonly limits: ReadLimits = defaultLimits,
  ) {}

  /** The element starting at `offset`, which must end by `limit`. */
  read(offset: number, limit: number = this.bytes.length, depth = 0): Node {
    if (depth > this.limits.maxDepth) throw new Asn1Error('nesting too deep', offset);
    const bytes = this.bytes;
    if (offset + 2 > limit) throw new Asn1Error('truncated header', offset);
    const tag = bytes[offset] ?? 0;
    // High tag numbers (0x1f) never occur in CMS or X.509; refusing them keeps the reader simple.
    if ((tag & 0x1f) === 0x1f) throw new Asn1Error('high tag number', offset);
    const constructed = (tag & 0x20) !== 0;
    const first = bytes[offset + 1] ?? 0;
    let cursor = offset + 2;
    if (first === 0x80) {
      if (!constructed) throw new Asn1Error('indefinite length on a primitive', offset);
      let child = cursor;
      for (;;) {
        if (child + 2 > limit) throw new Asn1Error('missing end-of-contents', offset);
        if (bytes[child] === 0 && bytes[child + 1] === 0) {
          return { tag, constructed, start: offset, contentStart: cursor, contentEnd: child, end: child + 2, indefinite: true };
        }
        child = this.read(child, limit, depth + 1).end;
      }
    }
    let length = first;
    if (first & 0x80) {
      const count = first & 0x7f;
      if (count > 4) throw new Asn1Error('length too long', offset);
      if (cursor + count > limit) throw new Asn1Error('truncated length', offset);
      length = 0;
      for (let index = 0; index < count; index += 1) length = length * 256 + (bytes[cursor + index] ?? 0);
      cursor += count;
    }
    const end = cursor + length;
    if (end > limit) throw new Asn1Error('length past the end', offset);
    return { tag, constructed, start: offset, contentStart: cursor, contentEnd: end, end, indefinite: false };
  }

  /** The direct children of a constructed element. */
  children(node: Node, depth = 0): Node[] {
    if (!node.constructed) throw new Asn1Error('children of a primitive', node.start);
    const result: Node[] = [];
    for (let cursor = node.contentStart; cursor < node.contentEnd; ) {
      const child = this.read(cursor, node.contentEnd, depth + 1);
      result.push(child);
      cursor = child.end;
    }
    return result;
  }

  /** Checks the tag and returns the node (for readable navigation). */
  expect(node: Node | undefined, tag: number, what: string): Node {
    if (node === undefined) throw new Asn1Error(`missing ${what}`, this.bytes.length);
    if (node.tag !== tag) throw new Asn1Error(`${what}: tag 0x${node.tag.toString(16)} instead of 0x${tag.toString(16)}`, node.start);
    return node;
  }

  /** Raw bytes of the whole element. */
  raw(node: Node): Uint8Array {
    return this.bytes.subarray(node.start, node.end);
  }

  /** Content bytes of a primitive; a constructed OCTET/BIT STRING is concatenated (BER §8.7). */
  content(node: Node, depth = 0): Uint8Array {
    if (!node.constructed) return this.bytes.subarray(node.contentStart, node.contentEnd);
    if (depth > 8) throw new Asn1Error('constructed string nested too deep', node.start);
    return Buffer.concat(this.children(node).map((child) => this.content(child, depth + 1)));
  }

  /** OBJECT IDENTIFIER in dotted form. */
  oid(node: Node): string {
    if (node.tag !== 0x06) throw new Asn1Error('expected OBJECT IDENTIFIER', node.start);
    const body = this.content(node);
    if (body.length === 0 || body.length > 64) throw new Asn1Error('bad OBJECT IDENTIFIER length', node.start);
    const arcs: number[] = [];
    let value = 0;
    for (const byte of body) {
      value = value * 128 + (byte & 0x7f);
      if (value > Number.MAX_SAFE_INTEGER / 256) throw new Asn1Error('OBJECT IDENTIFIER arc too large', node.start);
      if (!(byte & 0x80)) {
        arcs.push(value);
        value = 0;
      }
    }
    const first = arcs.shift() ?? 0;
    const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
    return [...head, ...arcs].join('.');
  }

  /** INTEGER as unsigned big-endian bytes without leading zeros. */
  unsigned(node: Node): Uint8Array {
    if (node.tag !== 0x02) throw new Asn1Error('expected INTEGER', node.start);
    const body = this.content(node);
    let start = 0;
    while (start < body.length - 1 && body[start] === 0) start += 1;
    return body.subarray(start);
  }

  /** A small INTEGER as a number. */
  smallInteger(node: Node): number {
    const body = this.unsigned(node);
    if (body.length > 4) throw new Asn1Error('INTEGER too large', node.start);
    let value = 0;
    for (const byte of body) value = value * 256 + byte;
    return value;
  }

  /** UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5 forms). */
  time(node: Node): Date {
    const text = Buffer.from(this.content(node)).toString('latin1');
    const match = node.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text) : node.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text) : null;
    if (match === null) throw new Asn1Error('bad time', node.start);
    const [, yearText = '', month = '', day = '', hour = '', minute = '', second = '00'] = match;
    let year = Number(yearText);
    if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
    const date = new Date(Date.UTC(year, Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
    if (Number.isNaN(date.getTime())) throw new Asn1Error('bad time', node.start);
    return date;
  }
}

/** Reads one complete element that must span the whole buffer (trailing garbage is refused). */
export function readWhole(bytes: Uint8Array, limits?: ReadLimits): { reader: Asn1Reader; root: Node } {
  const reader = new Asn1Reader(bytes, limits);
  const root = reader.read(0);
  if (root.end !== bytes.length) throw new Asn1Error('trailing data', root.end);
  return { reader, root };
}

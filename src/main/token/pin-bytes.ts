/**
 * How a PIN is held in memory (design §6): as bytes in a buffer of its own, zeroed after C_Login.
 * A buffer of its own means never a slice of Node's shared pool: `Buffer.from(text)`,
 * `Buffer.from(bytes)` and `Buffer.allocUnsafe` may hand out part of an 8 KiB slab that other
 * buffers share and that nothing zeroes, so a copy of the PIN would outlive the login.
 */

/** PIN text (as the API receives it) as bytes of their own: TextEncoder allocates a fresh buffer. */
export function pinBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

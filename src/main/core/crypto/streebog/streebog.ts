/**
 * Streebog, the GOST R 34.11-2012 hash function (RFC 6986), 256- and 512-bit, streaming.
 *
 * Neither Node's OpenSSL nor Electron's BoringSSL has it, so it is C (streebog.c, written from
 * RFC 6986) compiled to WebAssembly by the build (scripts/build-streebog-wasm.mjs). The module is
 * compiled and instantiated synchronously on first use, so the same code serves the main process,
 * the token process and the command line.
 *
 * Byte order: `digest()` returns the hash code as a byte string in the order OpenSSL's gost engine
 * prints (`openssl dgst -md_gost12_256`) and CMS carries it — the RFC's printed number read from
 * its last byte to its first. RFC 6986 §10 prints H(M1) for 256 bits as 00557be5…ef1e159d; the
 * digest bytes are 9d 15 1e ef … e5 7b 55 00. Likewise the message bytes are taken in file order,
 * the first byte being the RFC's least significant component a_0 (M1 is the ASCII "0123…012").
 *
 * Memory stays flat for any input size: input is copied through the module's fixed 64 KiB input
 * area. One instance serves every hasher: each hasher keeps its own 264-byte state and copies it
 * into the module around each call, so any number of hashes can be in progress at once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The module's bytes, embedded by scripts/build.mjs (esbuild `define`); absent when running from source. */
declare const __STREEBOG_WASM_BASE64__: string | undefined;

/**
 * The part of the WebAssembly JS API used here, which Node and Electron provide: the project's
 * `lib` (ES2022, no DOM) does not declare it.
 */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};

/** Hash-code lengths of GOST R 34.11-2012 (RFC 6986 §5). */
export type StreebogBits = 256 | 512;

/** A hash in progress, used like node:crypto's Hash. */
export interface Streebog {
  readonly bits: StreebogBits;
  /** Adds the next bytes of the message; returns this hasher, for chaining. */
  update(bytes: Uint8Array): Streebog;
  /** Finishes the hash: bits / 8 bytes. The hasher cannot be used afterwards. */
  digest(): Uint8Array;
}

interface StreebogExports {
  memory: { buffer: ArrayBuffer };
  streebog_setup(): number;
  streebog_init(bits: number): void;
  streebog_update(length: number): void;
  streebog_final(): void;
  streebog_state_address(): number;
  streebog_state_size(): number;
  streebog_input_address(): number;
  streebog_input_capacity(): number;
  streebog_digest_address(): number;
}

interface Engine {
  exports: StreebogExports;
  /** All of the module's memory; it never grows (streebog.c allocates nothing). */
  memory: Uint8Array;
  state: Uint8Array;
  input: Uint8Array;
  digestAddress: number;
  /** The hasher whose state is in the module's state area now, to skip copying it back and forth. */
  loaded: StreebogHasher | undefined;
}

/** The compiled module written next to this file by the build and the test set-up. */
const sourceWasmPath = ['src', 'main', 'core', 'crypto', 'streebog', 'streebog.wasm'];

function wasmBytes(): Uint8Array {
  if (typeof __STREEBOG_WASM_BASE64__ === 'string') return new Uint8Array(Buffer.from(__STREEBOG_WASM_BASE64__, 'base64'));
  // Running from source (vitest, tsx): the compiled module is next to streebog.c; like
  // resources.ts, ESM source under tsx locates the tree from the working directory.
  const file = path.join(process.cwd(), ...sourceWasmPath);
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new Error(`Streebog WebAssembly module missing at ${file}: run node scripts/build.mjs (needs clang and lld)`, { cause: error });
  }
}

let engine: Engine | undefined;

function loadEngine(): Engine {
  if (engine !== undefined) return engine;
  // Synchronous compilation is allowed off the browser main thread and the module is small (about 12 KB).
  const module = new WebAssembly.Module(wasmBytes());
  const exports = new WebAssembly.Instance(module, {}).exports as StreebogExports;
  // Builds the LPS tables and the iteration constants once; 0 means a module linked without room for them.
  if (exports.streebog_setup() !== 1) throw new Error('Streebog WebAssembly module is linked wrongly: rebuild it with scripts/build-streebog-wasm.mjs');
  const memory = new Uint8Array(exports.memory.buffer);
  const stateAddress = exports.streebog_state_address();
  const inputAddress = exports.streebog_input_address();
  engine = {
    exports,
    memory,
    state: memory.subarray(stateAddress, stateAddress + exports.streebog_state_size()),
    input: memory.subarray(inputAddress, inputAddress + exports.streebog_input_capacity()),
    digestAddress: exports.streebog_digest_address(),
    loaded: undefined,
  };
  return engine;
}

class StreebogHasher implements Streebog {
  readonly bits: StreebogBits;
  /** This hash's state while another hasher occupies the module (see Engine.loaded). */
  private readonly saved: Uint8Array;
  private finished = false;

  constructor(bits: StreebogBits) {
    if (bits !== 256 && bits !== 512) throw new Error(`Streebog hash length must be 256 or 512, not ${String(bits)}`);
    this.bits = bits;
    const current = loadEngine();
    this.saved = new Uint8Array(current.state.length);
    // streebog_init writes the module's state area: save the hash that occupies it first.
    if (current.loaded !== undefined) current.loaded.saved.set(current.state);
    current.exports.streebog_init(bits);
    current.loaded = this;
  }

  /** Puts this hasher's state into the module unless it is already there. */
  private load(current: Engine): void {
    if (this.finished) throw new Error('Streebog digest() was already called on this hasher');
    if (current.loaded === this) return;
    if (current.loaded !== undefined) current.loaded.saved.set(current.state);
    current.state.set(this.saved);
    current.loaded = this;
  }

  update(bytes: Uint8Array): Streebog {
    const current = loadEngine();
    this.load(current);
    const capacity = current.input.length;
    for (let offset = 0; offset < bytes.length; offset += capacity) {
      const chunk = bytes.subarray(offset, Math.min(offset + capacity, bytes.length));
      current.input.set(chunk);
      current.exports.streebog_update(chunk.length);
    }
    return this;
  }

  digest(): Uint8Array {
    const current = loadEngine();
    this.load(current);
    current.exports.streebog_final();
    this.finished = true;
    current.loaded = undefined;
    return current.memory.slice(current.digestAddress, current.digestAddress + this.bits / 8);
  }
}

/** Starts a streaming GOST R 34.11-2012 hash with a 256- or 512-bit hash code. */
export function createStreebog(bits: StreebogBits): Streebog {
  return new StreebogHasher(bits);
}

/** The GOST R 34.11-2012 hash code of `bytes` in one call. */
export function streebog(bits: StreebogBits, bytes: Uint8Array): Uint8Array {
  return createStreebog(bits).update(bytes).digest();
}

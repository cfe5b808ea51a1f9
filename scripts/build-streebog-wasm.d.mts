/** Where the compiled module is written (git-ignored); streebog.ts reads it when running from source. */
export declare const streebogWasmPath: string;
/** Compiles streebog.c unless the .wasm is newer than its inputs and returns the module's bytes. */
export declare function buildStreebogWasm(): Buffer;

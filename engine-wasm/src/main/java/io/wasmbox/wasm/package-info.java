/**
 * WebAssembly modules, Rust and C for Wasmbox: module validation and compilation, the guest, the
 * sandboxed compilers, the JSR-223 factory. Internal: applications use {@code io.wasmbox}. Thread-safety
 * as in {@code io.wasmbox.spi}; the module and compilation caches are shared and thread-safe.
 */
package io.wasmbox.wasm;

/**
 * JavaScript and TypeScript for Wasmbox: QuickJS on WebAssembly driven through its embedding API,
 * and TypeScript through the real compiler in transpiler sandboxes. Internal: applications use {@code
 * io.wasmbox}. Thread-safety as in {@code io.wasmbox.spi}; the TypeScript transpiler is shared and
 * thread-safe.
 */
package io.wasmbox.js;

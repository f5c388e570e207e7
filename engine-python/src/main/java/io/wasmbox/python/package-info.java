/**
 * Python for Wasmbox: CPython 3.13 on WebAssembly, its guest ABI and driver, and its JSR-223 factory.
 * Internal: applications use {@code io.wasmbox}. Thread-safety as in {@code io.wasmbox.spi}.
 */
package io.wasmbox.python;

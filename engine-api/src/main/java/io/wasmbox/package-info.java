/**
 * Wasmbox's API: run untrusted Python, JavaScript and TypeScript in WebAssembly sandboxes.
 *
 * <p>Three concepts: {@link io.wasmbox.Wasmbox#interpreter(String)} gives a language's shared {@link
 * io.wasmbox.Interpreter}, which makes isolated {@link io.wasmbox.Sandbox}es; a run gives an {@link
 * io.wasmbox.ExecutionResult}, whose {@link io.wasmbox.ExecutionResult#kind()} says how it ended. Failures
 * that throw are {@link io.wasmbox.WasmboxException}s.
 *
 * <p>Every type here uses only JDK types and this package's own: no Jackson, Chicory or SPI type. Thread
 * safety is stated on each type: interpreters, sandboxes and results are thread-safe; builders are not.
 */
package io.wasmbox;

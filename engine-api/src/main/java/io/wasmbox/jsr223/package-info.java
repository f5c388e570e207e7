/**
 * The JSR-223 ({@code javax.script}) layer every Wasmbox language shares: a script engine factory per
 * language (by subclass), live {@code Bindings} each with its own sandbox and global scope, {@code
 * Invocable} and {@code Compilable}, limits from the operator's ceiling and the script context.
 *
 * <p>Engines and factories are thread-safe; evals with different ENGINE_SCOPE Bindings run in parallel,
 * evals with the same one are serialised.
 */
package io.wasmbox.jsr223;

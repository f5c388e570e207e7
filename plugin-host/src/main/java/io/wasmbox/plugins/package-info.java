/**
 * A PF4J plugin host for script plugins: each plugin in its own sandbox, with granted host functions and
 * per-plugin limits. Start at {@link io.wasmbox.plugins.PluginHost#builder()}.
 *
 * <p>{@link io.wasmbox.plugins.PluginHost} is thread-safe: lifecycle changes are serialised, calls into
 * one plugin are serialised and different plugins run in parallel.
 */
package io.wasmbox.plugins;

package io.wasmbox.plugins;

import java.nio.file.Path;

/**
 * Where a plugin came from, as the host found it: what a {@link CapabilityPolicy} can bind grants to
 * instead of the plugin id, which any plugin can declare.
 *
 * @param path the plugin's directory or zip file, where the operator installed it
 * @param sha256 the SHA-256 of the zip file (lower-case hex, what {@code sha256sum} prints) as read when the
 *     plugin was loaded; null for a directory
 */
public record PluginSource(Path path, String sha256) {}

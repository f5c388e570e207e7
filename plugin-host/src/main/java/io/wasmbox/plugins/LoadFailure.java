package io.wasmbox.plugins;

import java.nio.file.Path;

/**
 * A plugin the host found but could not load (malformed descriptor, missing entry script, no engine for
 * its language, missing dependency...). It stays listed until the path loads successfully, or
 * until it is gone from the disk when plugins are next loaded.
 *
 * @param path the plugin directory or zip
 * @param reason what is wrong, naming the file or key
 */
public record LoadFailure(Path path, String reason) {}

package io.wasmbox.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.pf4j.BasePluginRepository;

/**
 * Every non-hidden directory and everything named {@code *.zip} directly in the plugin roots, by name.
 * Zips are read in place (PF4J's default repository would unpack them next to themselves). A {@code .zip}
 * that is not a regular file (a FIFO, a link to a device) is listed too, so that loading reports it
 * instead of skipping it silently; listing never opens it.
 */
final class ScriptPluginRepository extends BasePluginRepository {
    ScriptPluginRepository(List<Path> roots) {
        super(
                roots,
                file -> !file.isHidden()
                        && !file.getName().startsWith(".")
                        && (file.getName().toLowerCase(Locale.ROOT).endsWith(".zip") || file.isDirectory()));
        setComparator(Comparator.comparing(File::getName));
    }
}

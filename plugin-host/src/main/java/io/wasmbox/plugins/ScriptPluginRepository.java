package io.wasmbox.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.pf4j.BasePluginRepository;

/**
 * Every non-hidden directory and every {@code .zip} file directly in the plugin roots, by name. Zips are
 * read in place (PF4J's default repository would unpack them next to themselves).
 */
final class ScriptPluginRepository extends BasePluginRepository {
    ScriptPluginRepository(List<Path> roots) {
        super(roots, file -> !file.isHidden() && !file.getName().startsWith(".")
                && (file.isDirectory() || file.isFile() && file.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".zip")));
        setComparator(Comparator.comparing(File::getName));
    }
}

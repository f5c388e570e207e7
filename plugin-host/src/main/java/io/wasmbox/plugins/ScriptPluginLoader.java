package io.wasmbox.plugins;

import io.wasmbox.Language;
import io.wasmbox.Wasmbox;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRuntimeException;

/**
 * PF4J's loading step for a script plugin: finds the entry script (named by {@code plugin.script}, else
 * the one {@code main.<ext>} file), picks its language by extension, reads it (straight from a zip: zips
 * are never unpacked) and returns a {@link ScriptClassLoader} that holds it and loads nothing.
 */
final class ScriptPluginLoader implements PluginLoader {
    /** Entry names looked for when the descriptor names none; TypeScript is listed before it is installed, so a
     * {@code main.ts} gives "no engine for .ts" rather than "no entry script". */
    private static final List<String> WELL_KNOWN_EXTENSIONS = List.of("js", "mjs", "ts", "py");

    private final LongSupplier maxScriptBytes;

    ScriptPluginLoader(LongSupplier maxScriptBytes) {
        this.maxScriptBytes = maxScriptBytes;
    }

    @Override
    public boolean isApplicable(Path pluginPath) {
        return Files.isDirectory(pluginPath) || ScriptPluginDescriptorFinder.isZipName(pluginPath);
    }

    @Override
    public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
        ScriptPluginDescriptor d = (ScriptPluginDescriptor) descriptor;
        String id = d.getPluginId();
        try (PluginFiles files = PluginFiles.open(pluginPath)) {
            String entry = d.script() != null ? d.script() : findEntry(files, pluginPath);
            if (!files.exists(entry)) {
                throw new PluginRuntimeException(
                        "plugin '{}' ({}): its entry script {} does not exist", id, pluginPath, entry);
            }
            Language language = Wasmbox.languageForFile(entry)
                    .orElseThrow(() -> new PluginRuntimeException(
                            "plugin '{}' ({}): no Wasmbox language engine on the class path runs '{}' files (installed: {})",
                            id,
                            pluginPath,
                            extension(entry),
                            installedLanguages()));
            String code =
                    decode(files.read(entry, maxScriptBytes.getAsLong(), "the host's script size limit"), id, entry);
            return new ScriptClassLoader(id, new PluginScript(entry, language.id(), code));
        } catch (IOException e) {
            throw new PluginRuntimeException(e, "plugin '{}' ({}): cannot read it: {}", id, pluginPath, e.getMessage());
        }
    }

    private static String findEntry(PluginFiles files, Path pluginPath) throws IOException {
        Set<String> extensions = new LinkedHashSet<>(WELL_KNOWN_EXTENSIONS);
        for (Language l : Wasmbox.languages()) extensions.addAll(l.extensions());
        List<String> found = new ArrayList<>();
        for (String ext : extensions) if (files.exists("main." + ext)) found.add("main." + ext);
        if (found.size() == 1) return found.getFirst();
        if (found.isEmpty()) {
            throw new PluginRuntimeException(
                    "{}: no entry script: expected one of main.js, main.ts, main.py (or " + "name it with "
                            + ScriptPluginDescriptorFinder.SCRIPT + "=...)",
                    pluginPath);
        }
        throw new PluginRuntimeException(
                "{}: several entry scripts ({}): name one with " + ScriptPluginDescriptorFinder.SCRIPT + "=...",
                pluginPath,
                String.join(", ", found));
    }

    private static String decode(byte[] bytes, String id, String entry) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PluginRuntimeException("plugin '{}': {} is not valid UTF-8", id, entry);
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : "." + name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String installedLanguages() {
        List<String> names = new ArrayList<>();
        for (Language l : Wasmbox.languages()) names.add(l.id() + " (." + String.join(", .", l.extensions()) + ")");
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}

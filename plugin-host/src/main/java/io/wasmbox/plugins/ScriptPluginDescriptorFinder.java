package io.wasmbox.plugins;

import io.wasmbox.Limits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.DefaultVersionManager;
import org.pf4j.InvalidPluginDescriptorException;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * Reads {@code plugin.properties} (PF4J's own format and keys) from a plugin directory or zip, plus the
 * script plugin keys: {@code plugin.script}, {@code plugin.capabilities} and {@code plugin.limits.*}.
 * Anything PF4J would accept but that cannot be right for a script plugin is rejected here, with the
 * key and the plugin's path in the message.
 */
final class ScriptPluginDescriptorFinder extends PropertiesPluginDescriptorFinder {
    static final String SCRIPT = "plugin.script";
    static final String CAPABILITIES = "plugin.capabilities";
    static final String LIMITS_PREFIX = "plugin.limits.";
    static final String MEMORY = LIMITS_PREFIX + "memory";
    static final String TIMEOUT = LIMITS_PREFIX + "timeout";
    static final String MAX_OUTPUT = LIMITS_PREFIX + "maxOutput";
    static final String CALLS_PER_SECOND = LIMITS_PREFIX + "callsPerSecond";
    private static final Set<String> LIMIT_KEYS = Set.of(MEMORY, TIMEOUT, MAX_OUTPUT, CALLS_PER_SECOND);
    private static final Pattern PLUGIN_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    /** A directory, or anything named {@code *.zip}: {@link #find} says what is wrong with one that is not a zip file. */
    @Override
    public boolean isApplicable(Path pluginPath) {
        return Files.isDirectory(pluginPath) || isZipName(pluginPath);
    }

    static boolean isZipName(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    @Override
    public PluginDescriptor find(Path pluginPath) {
        if (!isApplicable(pluginPath)) {
            throw new PluginRuntimeException("{}: not a plugin (a plugin is a directory or a .zip file)", pluginPath);
        }
        Properties properties;
        String sha256;
        try (PluginFiles files = PluginFiles.open(pluginPath)) {
            properties = readProperties(files);
            sha256 = files.sha256();
        } catch (IOException e) {
            throw new InvalidPluginDescriptorException(pluginPath + ": cannot read it: " + e.getMessage());
        }
        try {
            ScriptPluginDescriptor d = describe(properties);
            d.setSha256(sha256);
            return d;
        } catch (IllegalArgumentException e) {
            throw new InvalidPluginDescriptorException(pluginPath + ": " + e.getMessage());
        }
    }

    /**
     * PF4J's hook, reading through {@link PluginFiles} instead of PF4J's unbounded read: the descriptor
     * must be a regular file inside the plugin, of at most {@link PluginFiles#MAX_DESCRIPTOR_BYTES}.
     */
    @Override
    protected Properties readProperties(Path pluginPath) {
        try (PluginFiles files = PluginFiles.open(pluginPath)) {
            return readProperties(files);
        } catch (IOException e) {
            throw new PluginRuntimeException(e, "{}: cannot read it: {}", pluginPath, e.getMessage());
        }
    }

    private Properties readProperties(PluginFiles files) throws IOException {
        if (!files.exists(propertiesFileName)) {
            throw new InvalidPluginDescriptorException(
                    files.pluginPath + ": no readable " + propertiesFileName + " at the top of the plugin");
        }
        byte[] bytes = files.read(propertiesFileName, PluginFiles.MAX_DESCRIPTOR_BYTES, "the descriptor size limit");
        Properties properties = new Properties();
        properties.load(new ByteArrayInputStream(bytes)); // ISO 8859-1, as Properties files are
        return properties;
    }

    private ScriptPluginDescriptor describe(Properties p) {
        ScriptPluginDescriptor d = (ScriptPluginDescriptor) createPluginDescriptor(p);
        String id = d.getPluginId();
        if (id == null || id.isBlank()) throw new IllegalArgumentException(PLUGIN_ID + " is missing");
        if (!PLUGIN_ID_PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    PLUGIN_ID + " '" + id + "' may hold only letters, digits, '.', '_' and '-'");
        }
        String version = d.getVersion();
        if (version == null || version.isBlank()) throw new IllegalArgumentException(PLUGIN_VERSION + " is missing");
        try {
            new DefaultVersionManager().compareVersions(version, "0.0.0");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    PLUGIN_VERSION + " '" + version + "' is not a semantic version (e.g. 1.0.0)");
        }
        // No Java class from a plugin is ever loaded: a descriptor that names one is a mistake, not a hint.
        if (p.getProperty(PLUGIN_CLASS) != null) {
            throw new IllegalArgumentException(PLUGIN_CLASS + " is not supported: script plugins carry no Java code");
        }
        String script = trimToNull(p.getProperty(SCRIPT));
        if (script != null) d.setScript(checkScriptName(script));
        d.setCapabilities(capabilities(p.getProperty(CAPABILITIES)));
        d.setLimits(limits(p));
        return d;
    }

    @Override
    protected DefaultPluginDescriptor createPluginDescriptorInstance() {
        return new ScriptPluginDescriptor();
    }

    /** A relative path inside the plugin, without '..': a plugin cannot point the host at other files. */
    static String checkScriptName(String name) {
        String normalized = name.replace('\\', '/');
        if (normalized.startsWith("/")
                || normalized.matches("^[A-Za-z]:.*")
                || List.of(normalized.split("/")).contains("..")) {
            throw new IllegalArgumentException(SCRIPT + " '" + name + "' must be a path inside the plugin");
        }
        return normalized;
    }

    private static List<String> capabilities(String value) {
        List<String> names = new ArrayList<>();
        for (String raw : value == null ? new String[0] : value.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) continue;
            if (!IDENTIFIER.matcher(name).matches() || name.startsWith("__")) {
                throw new IllegalArgumentException(CAPABILITIES + ": '" + name + "' is not a function name");
            }
            if (!names.contains(name)) names.add(name);
        }
        return names;
    }

    private static ScriptPluginDescriptor.DeclaredLimits limits(Properties p) {
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(LIMITS_PREFIX) && !LIMIT_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown limit " + key + " (known: "
                        + String.join(", ", List.of(MEMORY, TIMEOUT, MAX_OUTPUT, CALLS_PER_SECOND)) + ")");
            }
        }
        Long memory = size(p, MEMORY, Limits.MEMORY_PROPERTY);
        Long maxOutput = size(p, MAX_OUTPUT, Limits.MAX_OUTPUT_PROPERTY);
        Duration timeout = null;
        String t = trimToNull(p.getProperty(TIMEOUT));
        if (t != null) timeout = parse(TIMEOUT, Limits.TIMEOUT_PROPERTY, t).timeout();
        Double callsPerSecond = null;
        String c = trimToNull(p.getProperty(CALLS_PER_SECOND));
        if (c != null) {
            try {
                callsPerSecond = Double.parseDouble(c);
            } catch (NumberFormatException e) {
                callsPerSecond = Double.NaN;
            }
            if (!(callsPerSecond > 0) || callsPerSecond.isInfinite()) {
                throw new IllegalArgumentException(CALLS_PER_SECOND + ": '" + c + "' is not a positive number");
            }
        }
        return new ScriptPluginDescriptor.DeclaredLimits(memory, timeout, maxOutput, callsPerSecond);
    }

    private static Long size(Properties p, String key, String wasmboxKey) {
        String v = trimToNull(p.getProperty(key));
        if (v == null) return null;
        Limits parsed = parse(key, wasmboxKey, v);
        return wasmboxKey.equals(Limits.MEMORY_PROPERTY) ? parsed.memoryBytes() : parsed.maxOutputBytes();
    }

    /** Parses one value with the core's own syntax and ranges ({@code 64m}, {@code 500ms}), under our key's name. */
    private static Limits parse(String key, String wasmboxKey, String value) {
        try {
            return Limits.fromProperties(k -> k.equals(wasmboxKey) ? value : null, Limits.defaults());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message.startsWith(wasmboxKey + ": ")) message = message.substring(wasmboxKey.length() + 2);
            throw new IllegalArgumentException(key + ": " + message);
        }
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

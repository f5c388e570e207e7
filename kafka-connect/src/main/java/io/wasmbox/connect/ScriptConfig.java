package io.wasmbox.connect;

import io.wasmbox.Limits;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import io.wasmbox.transform.TransformJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The validated configuration of a {@link ScriptTransform} or {@link ScriptPredicate}. Limits may be lowered
 * by connector config, never raised above the worker's ceilings: the system properties
 * {@value #MAX_MEMORY_PROPERTY} (default 256m) and {@value #MAX_TIMEOUT_PROPERTY} (default 5s), which the
 * operator sets on the worker JVM ({@code KAFKA_OPTS}).
 */
public final class ScriptConfig extends AbstractConfig {
    public static final String LANGUAGE = "language";
    public static final String SCRIPT = "script";
    public static final String SCRIPT_FILE = "script.file";
    public static final String FUNCTION = "function";
    public static final String LIMITS_MEMORY = "limits.memory";
    public static final String LIMITS_TIMEOUT = "limits.timeout";
    public static final String REALTIME = "realtime";
    public static final String BINDINGS_PREFIX = "bindings.";

    /** Worker-level ceiling of {@code limits.memory}: a size such as {@code 256m}. */
    public static final String MAX_MEMORY_PROPERTY = "wasmbox.connect.maxMemory";
    /** Worker-level ceiling of {@code limits.timeout} (per record): a duration such as {@code 5s}. */
    public static final String MAX_TIMEOUT_PROPERTY = "wasmbox.connect.maxTimeout";

    static final long DEFAULT_MAX_MEMORY = 256 * Units.MIB;
    static final Duration DEFAULT_MAX_TIMEOUT = Duration.ofSeconds(5);
    static final long DEFAULT_MEMORY = 128 * Units.MIB;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** The largest script (inline or file): the sandbox's default code limit. */
    static final long MAX_SCRIPT_BYTES = Limits.defaults().maxCodeBytes() - 2 * Units.KIB;

    static final List<String> LANGUAGES = List.of("javascript", "typescript", "python");

    private final String language;
    private final String script;
    private final long memoryBytes;
    private final Duration timeout;
    private final Map<String, Object> bindings;

    public ScriptConfig(ConfigDef def, Map<?, ?> props) {
        super(def, props);
        this.language = canonicalLanguage(getString(LANGUAGE));
        String inline = getString(SCRIPT);
        String file = getString(SCRIPT_FILE);
        boolean hasInline = inline != null && !inline.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasInline == hasFile) {
            throw new ConfigException(
                    hasInline
                            ? "set either 'script' (inline source) or 'script.file', not both"
                            : "a script is required: set 'script' (inline source) or 'script.file' (a path on the worker)");
        }
        this.script = hasInline ? inline : readScript(file);
        this.memoryBytes = getString(LIMITS_MEMORY) == null
                ? Math.min(DEFAULT_MEMORY, maxMemory())
                : Units.parseSize(LIMITS_MEMORY, getString(LIMITS_MEMORY));
        this.timeout = getString(LIMITS_TIMEOUT) == null
                ? min(DEFAULT_TIMEOUT, maxTimeout())
                : Units.parseDuration(LIMITS_TIMEOUT, getString(LIMITS_TIMEOUT));
        this.bindings = bindings(originalsWithPrefix(BINDINGS_PREFIX));
    }

    /** The definition for a transform ({@code function} default {@code transform}) or a predicate ({@code test}). */
    public static ConfigDef configDef(String defaultFunction) {
        return new ConfigDef()
                .define(
                        LANGUAGE,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        ScriptConfig::validateLanguage,
                        Importance.HIGH,
                        "The script's language: javascript (or js), typescript (or ts), python (or py).")
                .define(
                        SCRIPT,
                        Type.STRING,
                        null,
                        Importance.HIGH,
                        "The script's source, inline. It defines " + defaultFunction + "(record). Exactly one of "
                                + "script and script.file.")
                .define(
                        SCRIPT_FILE,
                        Type.STRING,
                        null,
                        Importance.HIGH,
                        "A path, on every worker, of a UTF-8 file holding the script (at most " + MAX_SCRIPT_BYTES
                                + " bytes). Exactly one of script and script.file.")
                .define(
                        FUNCTION,
                        Type.STRING,
                        defaultFunction,
                        ScriptConfig::validateFunction,
                        Importance.MEDIUM,
                        "The guest function called for each record.")
                .define(
                        LIMITS_MEMORY,
                        Type.STRING,
                        null,
                        ScriptConfig::validateMemory,
                        Importance.MEDIUM,
                        "The sandbox's memory cap, such as 64m (default: 128m or the worker's ceiling if lower). "
                                + "At most the worker's ceiling, system property " + MAX_MEMORY_PROPERTY
                                + " (default 256m).")
                .define(
                        LIMITS_TIMEOUT,
                        Type.STRING,
                        null,
                        ScriptConfig::validateTimeout,
                        Importance.MEDIUM,
                        "The wall-clock limit of one record's call, such as 500ms (default: 1s or the worker's "
                                + "ceiling if lower). At most the worker's ceiling, system property "
                                + MAX_TIMEOUT_PROPERTY + " (default 5s).")
                .define(
                        REALTIME,
                        Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "Give the guest the real clock. Default false: every clock reads 2024-01-01T00:00:00Z and "
                                + "random sources are seeded, so the transform is deterministic.");
    }

    public String language() {
        return language;
    }

    public String script() {
        return script;
    }

    public String function() {
        return getString(FUNCTION);
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    public Duration timeout() {
        return timeout;
    }

    public boolean realtime() {
        return getBoolean(REALTIME);
    }

    /** {@code bindings.NAME} values: JSON when they parse as JSON, else the string itself. */
    public Map<String, Object> bindings() {
        return bindings;
    }

    /** The script's name in guest tracebacks. */
    public String fileName() {
        String file = getString(SCRIPT_FILE);
        if (file != null && !file.isBlank()) return Path.of(file).getFileName().toString();
        return switch (language) {
            case "python" -> "transform.py";
            case "typescript" -> "transform.ts";
            default -> "transform.js";
        };
    }

    static long maxMemory() {
        String v = System.getProperty(MAX_MEMORY_PROPERTY);
        return v == null ? DEFAULT_MAX_MEMORY : Units.parseSize(MAX_MEMORY_PROPERTY, v);
    }

    static Duration maxTimeout() {
        String v = System.getProperty(MAX_TIMEOUT_PROPERTY);
        return v == null ? DEFAULT_MAX_TIMEOUT : Units.parseDuration(MAX_TIMEOUT_PROPERTY, v);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String canonicalLanguage(String language) {
        return switch (language.trim().toLowerCase(Locale.ROOT)) {
            case "javascript", "js" -> "javascript";
            case "typescript", "ts" -> "typescript";
            case "python", "py" -> "python";
            default -> throw new ConfigException(LANGUAGE, language, "must be one of javascript, typescript, python");
        };
    }

    private static void validateLanguage(String name, Object value) {
        if (value == null) throw new ConfigException(name, null, "must be one of javascript, typescript, python");
        String language = canonicalLanguage(value.toString());
        if (Wasmbox.findLanguage(language).isEmpty()) {
            throw new ConfigException(name, value, "the " + language + " engine is not on the plugin's class path");
        }
    }

    private static void validateFunction(String name, Object value) {
        if (value == null || !value.toString().matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
            throw new ConfigException(name, value, "must be a plain identifier such as transform");
        }
    }

    private static void validateMemory(String name, Object value) {
        if (value == null) return;
        long bytes;
        try {
            bytes = Units.parseSize(name, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "must be a size such as 64m or 1g");
        }
        if (bytes < 4 * Units.MIB) throw new ConfigException(name, value, "must be at least 4m");
        long max = maxMemory();
        if (bytes > max) {
            throw new ConfigException(
                    name,
                    value,
                    "is above the worker's ceiling of " + max / Units.MIB + "m (system property " + MAX_MEMORY_PROPERTY
                            + "); connector config can lower it, not raise it");
        }
    }

    private static void validateTimeout(String name, Object value) {
        if (value == null) return;
        Duration d;
        try {
            d = Units.parseDuration(name, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "must be a duration such as 500ms or 2s");
        }
        if (d.compareTo(Limits.MIN_TIMEOUT) < 0) throw new ConfigException(name, value, "must be at least 1ms");
        Duration max = maxTimeout();
        if (d.compareTo(max) > 0) {
            throw new ConfigException(
                    name,
                    value,
                    "is above the worker's ceiling of " + max.toMillis() + "ms (system property " + MAX_TIMEOUT_PROPERTY
                            + "); connector config can lower it, not raise it");
        }
    }

    private static Map<String, Object> bindings(Map<String, Object> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((name, value) -> {
            if (!name.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                throw new ConfigException(BINDINGS_PREFIX + name, value, "the binding name must be a plain identifier");
            }
            String text = value == null ? null : value.toString();
            Object parsed;
            try {
                parsed = text == null ? null : TransformJson.toJava(TransformJson.parse(text));
            } catch (RuntimeException notJson) {
                parsed = text;
            }
            out.put(name, parsed);
        });
        return out;
    }

    private static String readScript(String file) {
        Path path = Path.of(file);
        // regular files only (a link to one is fine): a FIFO or a device would block or never end
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(SCRIPT_FILE, file, "is not a regular file on this worker");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes((int) MAX_SCRIPT_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigException(SCRIPT_FILE, file, "cannot be read: " + e.getMessage());
        }
        if (bytes.length > MAX_SCRIPT_BYTES) {
            throw new ConfigException(SCRIPT_FILE, file, "is larger than " + MAX_SCRIPT_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(SCRIPT_FILE, file, "is not UTF-8");
        }
    }
}

package io.wasmbox.jsr223;

import io.wasmbox.Language;
import io.wasmbox.Limits;
import io.wasmbox.SandboxOptions;
import io.wasmbox.UnsupportedLanguageException;
import io.wasmbox.Wasmbox;
import io.wasmbox.spi.Json;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;

/**
 * The JSR-223 factory every Wasmbox language shares. A language module registers a two-line subclass in
 * {@code META-INF/services/javax.script.ScriptEngineFactory}; names, versions and types come from the
 * language's {@link Language}. Creating a factory or an engine is cheap: the guest interpreter is
 * prepared on the first {@code eval}.
 *
 * <p>The factory holds the operator's <b>limit ceiling</b>: {@link #limitCeiling(Limits)} if set, else the
 * {@code wasmbox.*} system properties over the defaults ({@link Limits#fromSystemProperties()}, read each
 * time a sandbox is made). Limit attributes of a script context can lower it, never raise it.
 *
 * <p>A language module overrides the few guest snippets the live {@link WasmboxBindings} need (listing,
 * deleting and falling back to globals); the defaults are JavaScript's.
 */
public abstract class WasmboxScriptEngineFactory implements ScriptEngineFactory {
    private final Language info;
    private final String printFunction;
    private volatile Limits ceiling;

    /**
     * A factory for a language on the class path.
     *
     * @param languageId the language's canonical name
     * @param printFunction the guest function that prints a line ({@code print}, {@code console.log}),
     *     used by {@link #getOutputStatement}
     */
    protected WasmboxScriptEngineFactory(String languageId, String printFunction) {
        this.info = Wasmbox.findLanguage(languageId)
                .orElseThrow(() ->
                        new UnsupportedLanguageException("no Wasmbox language '" + languageId + "' on the class path"));
        this.printFunction = printFunction;
    }

    /**
     * The factory's language.
     *
     * @return the description
     */
    public Language languageInfo() {
        return info;
    }

    /**
     * Sets the operator's limit ceiling for every engine of this factory (null: back to the system
     * properties). Sandboxes made afterwards use it; attributes in a script context can only lower it.
     *
     * @param limits the ceiling, or null
     * @return this factory
     */
    public WasmboxScriptEngineFactory limitCeiling(Limits limits) {
        this.ceiling = limits;
        return this;
    }

    /**
     * The operator's ceiling: the configured one, else the {@code wasmbox.*} system properties over the defaults.
     *
     * @return the ceiling
     */
    public Limits limitCeiling() {
        Limits configured = ceiling;
        return configured != null ? configured : Limits.fromSystemProperties();
    }

    /**
     * The options of a sandbox made for {@code context}: its limit attributes (ENGINE_SCOPE, then
     * GLOBAL_SCOPE) under the ceiling, each capped at the ceiling's value; its clock and seed attributes,
     * else the system properties of the same names.
     */
    SandboxOptions sandboxOptions(ScriptContext context) {
        Limits ceiling = limitCeiling();
        Function<String, Object> attribute = name -> {
            if (context == null) return null;
            Object v = context.getAttribute(name);
            return v instanceof WasmboxBindings ? null : v;
        };
        Limits asked = Limits.fromProperties(attribute, ceiling);
        Limits limits = Limits.builder()
                .memoryBytes(Math.min(asked.memoryBytes(), ceiling.memoryBytes()))
                .timeout(asked.timeout().compareTo(ceiling.timeout()) < 0 ? asked.timeout() : ceiling.timeout())
                .maxOutputBytes(Math.min(asked.maxOutputBytes(), ceiling.maxOutputBytes()))
                .maxCodeBytes(Math.min(asked.maxCodeBytes(), ceiling.maxCodeBytes()))
                .maxStdinBytes(Math.min(asked.maxStdinBytes(), ceiling.maxStdinBytes()))
                .cpuTime(
                        ceiling.cpuTime() == null
                                        || (asked.cpuTime() != null
                                                && asked.cpuTime().compareTo(ceiling.cpuTime()) < 0)
                                ? asked.cpuTime()
                                : ceiling.cpuTime())
                .build();
        Function<String, Object> lookup = name -> {
            Object v = attribute.apply(name);
            return v != null ? v : System.getProperty(name);
        };
        SandboxOptions.Builder options = SandboxOptions.builder().limits(limits);
        Object clock = lookup.apply(WasmboxScriptEngine.CLOCK_ATTRIBUTE);
        if (clock instanceof Instant instant) options.frozenAt(instant);
        else if (clock != null && "realtime".equalsIgnoreCase(clock.toString().trim())) options.realtime();
        else if (clock != null) options.frozenAt(Instant.parse(clock.toString().trim()));
        Object seed = lookup.apply(WasmboxScriptEngine.RANDOM_SEED_ATTRIBUTE);
        if (seed != null) options.randomSeed(Long.parseLong(seed.toString().trim()));
        return options.build();
    }

    // ---- guest snippets of the language (JavaScript here; other languages override) ------------

    /**
     * An expression whose value is the list of the names of the guest's own globals (not builtins, not {@code __}-names).
     *
     * @return a guest expression
     */
    protected String globalNamesExpression() {
        return "Object.keys(globalThis).filter(k => !k.startsWith('__') && globalThis[k] !== undefined)";
    }

    /**
     * Statements deleting the guest globals {@code names} (each a plain identifier).
     *
     * @param names the names
     * @return guest statements
     */
    protected String deleteGlobalsCode(Collection<String> names) {
        return "for (const k of " + Json.write(names)
                + ") { try { if (!delete globalThis[k]) globalThis[k] = undefined; }"
                + " catch (e) { globalThis[k] = undefined; } }\n";
    }

    /**
     * Statements making {@code values} (name to JSON) read-only fallbacks of the guest's globals and
     * withdrawing the fallbacks {@code removed}: a name the guest has not defined reads the fallback; a
     * guest assignment defines the guest's own global, which hides the fallback and never reaches Java.
     *
     * @param valuesJson a JSON object, global name to value
     * @param removed names whose fallbacks go
     * @return the statements, in this language
     */
    protected String fallbacksCode(String valuesJson, Collection<String> removed) {
        return "((set, removed) => { const d = Object.getOwnPropertyDescriptor;"
                + " const isFallback = k => { const p = d(globalThis, k); return !p || (p.get && p.get.wasmboxFallback); };"
                + " for (const k of removed) if (isFallback(k)) delete globalThis[k];"
                + " for (const k of Object.keys(set)) { if (!isFallback(k)) continue; const v = set[k];"
                + " const get = () => v; get.wasmboxFallback = true;"
                + " Object.defineProperty(globalThis, k, { get, set(x) { Object.defineProperty(globalThis, k,"
                + " { value: x, writable: true, enumerable: true, configurable: true }); }, enumerable: false, configurable: true }); }"
                + " })(" + valuesJson + ", " + Json.write(removed) + ");\n";
    }

    @Override
    public String getEngineName() {
        return info.engineName();
    }

    @Override
    public String getEngineVersion() {
        return info.engineVersion();
    }

    @Override
    public List<String> getExtensions() {
        return info.extensions();
    }

    @Override
    public List<String> getMimeTypes() {
        return info.mimeTypes();
    }

    @Override
    public List<String> getNames() {
        return info.names();
    }

    @Override
    public String getLanguageName() {
        return info.languageName();
    }

    @Override
    public String getLanguageVersion() {
        return info.languageVersion();
    }

    @Override
    public Object getParameter(String key) {
        return switch (key) {
            case ScriptEngine.ENGINE -> getEngineName();
            case ScriptEngine.ENGINE_VERSION -> getEngineVersion();
            case ScriptEngine.NAME -> info.names().getFirst();
            case ScriptEngine.LANGUAGE -> getLanguageName();
            case ScriptEngine.LANGUAGE_VERSION -> getLanguageVersion();
            // Thread-safe: evals with different ENGINE_SCOPE Bindings run in parallel, each Bindings in its own
            // sandbox; evals with the same Bindings (the engine's default context included) are serialised,
            // and what they define is visible to every thread using those Bindings: MULTITHREADED.
            case "THREADING" -> "MULTITHREADED";
            default -> null;
        };
    }

    @Override
    public String getMethodCallSyntax(String obj, String method, String... args) {
        return obj + "." + method + "(" + String.join(", ", args) + ")";
    }

    @Override
    public String getOutputStatement(String toDisplay) {
        return printFunction + "(" + io.wasmbox.spi.Json.write(toDisplay) + ")";
    }

    @Override
    public String getProgram(String... statements) {
        return String.join("\n", statements) + "\n";
    }

    @Override
    public ScriptEngine getScriptEngine() {
        return new WasmboxScriptEngine(this);
    }
}

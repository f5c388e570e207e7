package io.wasmbox.jsr223;

import io.wasmbox.UnsupportedLanguageException;
import io.wasmbox.Wasmbox;
import io.wasmbox.spi.LanguageInfo;
import java.util.List;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;

/**
 * The JSR-223 factory every Wasmbox language shares. A language module registers a two-line subclass in
 * {@code META-INF/services/javax.script.ScriptEngineFactory}; names, versions and types come from the
 * language's {@link LanguageInfo}. Creating a factory or an engine is cheap: the guest interpreter is
 * prepared on the first {@code eval}.
 */
public abstract class WasmboxScriptEngineFactory implements ScriptEngineFactory {
    private final LanguageInfo info;
    private final String printFunction;

    /**
     * @param languageId the language's canonical name
     * @param printFunction the guest function that prints a line ({@code print}, {@code console.log}),
     *     used by {@link #getOutputStatement}
     */
    protected WasmboxScriptEngineFactory(String languageId, String printFunction) {
        this.info = Wasmbox.findLanguage(languageId).orElseThrow(() -> new UnsupportedLanguageException(
                "no Wasmbox language '" + languageId + "' on the class path"));
        this.printFunction = printFunction;
    }

    public LanguageInfo languageInfo() {
        return info;
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
            // Evals on one engine are serialised on its sandbox, so sharing an engine between threads is safe.
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

package io.wasmbox.wasm;

import io.wasmbox.jsr223.WasmboxScriptEngineFactory;
import javax.script.ScriptEngine;

/**
 * JSR-223 registration of WebAssembly modules: {@code getEngineByName("wasm")}. {@code eval} takes the
 * module in base64, or (blank script) the {@code .wasm} file named by {@link ScriptEngine#FILENAME}.
 */
public final class WasmScriptEngineFactory extends WasmboxScriptEngineFactory {
    public WasmScriptEngineFactory() {
        super("wasm", "");
    }

    @Override
    public String getOutputStatement(String toDisplay) {
        throw new UnsupportedOperationException("a WebAssembly module has no print statement");
    }

    @Override
    public String getProgram(String... statements) {
        throw new UnsupportedOperationException("a WebAssembly module is a binary, not statements");
    }

    @Override
    public String getMethodCallSyntax(String obj, String method, String... args) {
        return method + "(" + String.join(", ", args) + ")";
    }

    @Override
    public ScriptEngine getScriptEngine() {
        return new WasmScriptEngine(this);
    }
}

package io.wasmbox.python;

import io.wasmbox.jsr223.WasmboxScriptEngineFactory;

/** JSR-223 registration of the sandboxed Python engine: {@code getEngineByName("python")}. */
public final class PythonScriptEngineFactory extends WasmboxScriptEngineFactory {
    public PythonScriptEngineFactory() {
        super("python", "print");
    }
}

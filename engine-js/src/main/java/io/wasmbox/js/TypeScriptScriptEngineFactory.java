package io.wasmbox.js;

import io.wasmbox.jsr223.WasmboxScriptEngineFactory;

/** JSR-223 registration of sandboxed TypeScript: {@code getEngineByName("ts")}, extension {@code ts}. */
public final class TypeScriptScriptEngineFactory extends WasmboxScriptEngineFactory {
    public TypeScriptScriptEngineFactory() {
        super("typescript", "console.log");
    }
}

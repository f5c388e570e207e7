package io.wasmbox.js;

import io.wasmbox.jsr223.WasmboxScriptEngineFactory;
import javax.script.ScriptEngine;

/** JSR-223 registration of the sandboxed JavaScript engine: {@code getEngineByName("js")}. */
public final class JsScriptEngineFactory extends WasmboxScriptEngineFactory {
    public JsScriptEngineFactory() {
        super("javascript", "console.log");
    }

    @Override
    public ScriptEngine getScriptEngine() {
        return new JsScriptEngine(this);
    }
}

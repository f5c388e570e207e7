package io.wasmbox.js;

import io.wasmbox.jsr223.WasmboxScriptEngine;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;

/**
 * The shared JSR-223 engine, plus one accommodation for the JDK's {@code jrunscript}: for any engine with
 * the {@code js} extension it first evaluates its own {@code init.js}, written for Nashorn ({@code
 * JSAdapter}, {@code Java.type}, ...), which cannot run in a sandbox without Java access. That one script
 * is skipped, so {@code jrunscript -l js} works; everything else is evaluated as usual.
 */
final class JsScriptEngine extends WasmboxScriptEngine {
    private static final String JRUNSCRIPT_INIT = "<system-init>";

    JsScriptEngine(JsScriptEngineFactory factory) {
        super(factory);
    }

    @Override
    public Object eval(Reader reader, ScriptContext context) throws ScriptException {
        if (!JRUNSCRIPT_INIT.equals(context.getAttribute(ScriptEngine.FILENAME))) return super.eval(reader, context);
        StringWriter script = new StringWriter();
        try {
            reader.transferTo(script);
        } catch (IOException e) {
            throw new ScriptException(e);
        }
        if (script.toString().contains("JSAdapter")) return null; // jrunscript's Nashorn helpers
        return eval(script.toString(), context);
    }
}

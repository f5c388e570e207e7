package io.wasmbox.wasm;

import io.wasmbox.InputTooLargeException;
import io.wasmbox.Limits;
import io.wasmbox.jsr223.WasmboxScriptEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;

/**
 * The shared JSR-223 engine for modules: a blank script with {@link ScriptEngine#FILENAME} naming a
 * {@code .wasm} file evaluates that file (read up to the code limit), anything else is base64 text.
 */
final class WasmScriptEngine extends WasmboxScriptEngine {
    WasmScriptEngine(WasmScriptEngineFactory factory) {
        super(factory);
    }

    @Override
    public Object eval(String script, ScriptContext context) throws ScriptException {
        Object fileName = context.getAttribute(ScriptEngine.FILENAME);
        if (script.isBlank() && fileName != null && fileName.toString().endsWith(".wasm")) {
            return super.eval(readModule(Path.of(fileName.toString())), context);
        }
        return super.eval(script, context);
    }

    /** The file in base64, refused (without reading it whole) when its base64 would pass the code limit. */
    private String readModule(Path file) throws ScriptException {
        long maxBytes = ((WasmScriptEngineFactory) getFactory()).limitCeiling().maxCodeBytes() / 4 * 3;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Limits.MAX_CODE_BYTES, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ScriptException(new InputTooLargeException(file + " is larger than the code limit of "
                        + Limits.formatBytes(maxBytes) + " of module (its base64 counts)"));
            }
            return Base64.getEncoder().encodeToString(bytes);
        } catch (IOException e) {
            throw new ScriptException("cannot read " + file + ": " + e.getMessage());
        }
    }
}

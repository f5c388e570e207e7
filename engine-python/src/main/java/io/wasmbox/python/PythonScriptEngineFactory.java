package io.wasmbox.python;

import io.wasmbox.jsr223.WasmboxScriptEngineFactory;
import io.wasmbox.spi.Json;
import java.util.Collection;

/** JSR-223 registration of the sandboxed Python engine: {@code getEngineByName("python")}. */
public final class PythonScriptEngineFactory extends WasmboxScriptEngineFactory {
    public PythonScriptEngineFactory() {
        super("python", "print");
    }

    @Override
    protected String globalNamesExpression() {
        return "[k for k in globals() if not k.startswith('__')]";
    }

    @Override
    protected String deleteGlobalsCode(Collection<String> names) {
        return "for __k in " + Json.write(names) + ":\n    globals().pop(__k, None)\n";
    }

    /**
     * Fallbacks live in the sandbox's builtins, which Python reads when a global is missing; a name that is
     * a real builtin is left alone.
     */
    @Override
    protected String fallbacksCode(String valuesJson, Collection<String> removed) {
        // A JSON string literal is a valid Python string literal (Jackson escapes only quotes, backslashes
        // and control characters, all with escapes Python shares).
        return "__b = __import__('builtins').__dict__\n"
                + "__f = __b.setdefault('__wasmbox_fallbacks__', set())\n"
                + "for __k, __v in __import__('json').loads(" + Json.write(valuesJson) + ").items():\n"
                + "    if __k in __f or __k not in __b:\n"
                + "        __b[__k] = __v\n"
                + "        __f.add(__k)\n"
                + "for __k in " + Json.write(removed) + ":\n"
                + "    if __k in __f:\n"
                + "        __b.pop(__k, None)\n"
                + "        __f.discard(__k)\n";
    }
}

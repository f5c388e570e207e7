package io.wasmbox.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wasmbox.InvalidCodeException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmScriptEngineTest {
    private static ScriptEngine engine() {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("wasm");
        assertThat(engine).isNotNull();
        engine.put("wasmbox.maxCode", "4m");
        return engine;
    }

    @Test
    void evalTakesAModuleInBase64() throws Exception {
        ScriptEngine engine = engine();
        StringWriter out = new StringWriter();
        engine.getContext().setWriter(out);
        engine.put(ScriptEngine.ARGV, new String[] {"exit", "0"});
        engine.eval(Programs.base64(Programs.probeC()));
        assertThat(out.toString()).isEmpty();
        engine.put(ScriptEngine.ARGV, new String[] {"clock"});
        engine.eval(Programs.base64(Programs.probeC()));
        assertThat(out.toString()).startsWith("time=1704067200 ");
    }

    @Test
    void evalWithFilenameNamingAWasmFileRunsThatFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reactor.wasm");
        Files.write(file, Programs.reactor());
        ScriptEngine engine = engine();
        engine.put(ScriptEngine.FILENAME, file.toString());
        engine.eval("");
        assertThat(((javax.script.Invocable) engine).invokeFunction("add", 20, 22))
                .isEqualTo(42L);
    }

    @Test
    void invalidModulesAreScriptExceptionsWithTheTypedCause() {
        Throwable t = catchThrowable(() -> engine().eval("bm90IHdhc20="));
        assertThat(t).isInstanceOf(ScriptException.class);
        assertThat(t.getCause()).isInstanceOf(InvalidCodeException.class);
        assertThat(engine().getFactory().getNames()).contains("wasm", "webassembly");
        assertThat(engine().getContext().getScopes()).contains(ScriptContext.ENGINE_SCOPE);
    }
}

package io.wasmbox.benchmarks.contenders;

import io.wasmbox.benchmarks.Language;
import java.util.function.UnaryOperator;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

/**
 * Nashorn (standalone, JSR-223), one ScriptEngine per session with {@code --no-java
 * --no-syntax-extensions} and a class filter that exposes no Java class: the usual Nashorn sandbox setup.
 */
final class NashornContender implements Contender {
    private static final String[] OPTIONS = {"--no-java", "--no-syntax-extensions", "--language=es6"};
    private final NashornScriptEngineFactory factory = new NashornScriptEngineFactory();

    NashornContender(Language language) {
        Contender.requireLanguage(NASHORN, Language.JAVASCRIPT, language);
    }

    @Override
    public String name() {
        return NASHORN;
    }

    @Override
    public Language language() {
        return Language.JAVASCRIPT;
    }

    @Override
    public String description() {
        return "Nashorn " + factory.getEngineVersion() + " (JSR-223), " + String.join(" ", OPTIONS)
                + ", deny-all ClassFilter";
    }

    @Override
    public Session open(boolean hostFunction) {
        ScriptEngine engine =
                factory.getScriptEngine(OPTIONS, NashornContender.class.getClassLoader(), className -> false);
        if (hostFunction) engine.put("noop", (UnaryOperator<Object>) x -> x);
        return new Session() {
            @Override
            public Object eval(String code) {
                try {
                    return engine.eval(code);
                } catch (ScriptException e) {
                    throw new IllegalStateException("nashorn failed: " + e.getMessage(), e);
                }
            }

            @Override
            public Object invoke(String name, Object... args) {
                try {
                    return ((Invocable) engine).invokeFunction(name, args);
                } catch (ScriptException | NoSuchMethodException e) {
                    throw new IllegalStateException("nashorn failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {}
        };
    }
}

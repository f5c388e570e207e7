package io.wasmbox.benchmarks.contenders;

import io.wasmbox.benchmarks.Language;
import org.mozilla.javascript.BaseFunction;
import org.mozilla.javascript.ConsString;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;

/**
 * Rhino through its direct API, compiled mode (its default), ES6 language level; each session is a new
 * scope from {@code initSafeStandardObjects()} (no Java packages, no LiveConnect).
 */
final class RhinoContender implements Contender {
    private final ContextFactory factory = new ContextFactory();

    RhinoContender(Language language) {
        Contender.requireLanguage(RHINO, Language.JAVASCRIPT, language);
    }

    @Override
    public String name() {
        return RHINO;
    }

    @Override
    public Language language() {
        return Language.JAVASCRIPT;
    }

    @Override
    public String description() {
        return "Rhino " + Contender.version("rhino") + ", compiled mode, ES6, initSafeStandardObjects";
    }

    private Context enter() {
        Context cx = factory.enterContext();
        cx.setLanguageVersion(Context.VERSION_ES6);
        return cx;
    }

    @Override
    public Session open(boolean hostFunction) {
        ScriptableObject scope;
        try (Context cx = enter()) {
            scope = cx.initSafeStandardObjects();
            if (hostFunction) {
                ScriptableObject.putProperty(scope, "noop", new BaseFunction() {
                    @Override
                    public Object call(Context c, Scriptable s, Scriptable thisObj, Object[] args) {
                        return args.length == 0 ? Undefined.instance : args[0];
                    }
                });
            }
        }
        return new Session() {
            @Override
            public Object eval(String code) {
                try (Context cx = enter()) {
                    return toJava(cx.evaluateString(scope, code, "bench", 1, null));
                }
            }

            @Override
            public Object invoke(String name, Object... args) {
                try (Context cx = enter()) {
                    Function f = (Function) ScriptableObject.getProperty(scope, name);
                    return toJava(f.call(cx, scope, scope, args));
                }
            }

            @Override
            public void close() {}
        };
    }

    static Object toJava(Object v) {
        if (v instanceof ConsString || v instanceof CharSequence) return v.toString();
        if (v == Undefined.instance) return null;
        return v;
    }
}

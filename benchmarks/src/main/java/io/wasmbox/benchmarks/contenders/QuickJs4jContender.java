package io.wasmbox.benchmarks.contenders;

import io.roastedroot.quickjs4j.core.Builtins;
import io.roastedroot.quickjs4j.core.Engine;
import io.roastedroot.quickjs4j.core.GuestFunction;
import io.roastedroot.quickjs4j.core.HostFunction;
import io.roastedroot.quickjs4j.core.Invokables;
import io.wasmbox.benchmarks.Language;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * quickjs4j's own {@link Engine} (the same QuickJS-on-Chicory module Wasmbox uses, with quickjs4j's
 * defaults: no memory factory, so Chicory's default memory). Its scripts return no value, so a session
 * evaluates {@code console.log(String(expression))} and reads the captured stdout. Host functions are
 * its {@link Builtins} (reached as {@code host.noop}; {@code noop} is a global alias), and invoke is its
 * {@code invokePrecompiledGuestFunction} (compiled once; each call runs its small dispatch script).
 */
final class QuickJs4jContender implements Contender {
    private static final String MODULE = "host";
    private static final String INVOKE_MODULE = "invokables";

    QuickJs4jContender(Language language) {
        Contender.requireLanguage(QUICKJS4J, Language.JAVASCRIPT, language);
    }

    @Override
    public String name() {
        return QUICKJS4J;
    }

    @Override
    public Language language() {
        return Language.JAVASCRIPT;
    }

    @Override
    public String description() {
        return "quickjs4j " + Contender.version("quickjs4j") + " Engine (QuickJS on Chicory, its default memory)";
    }

    @Override
    public Session open(boolean hostFunction) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Engine.Builder builder = Engine.builder().withStdout(stdout).withStderr(stderr);
        if (hostFunction) {
            builder.addBuiltins(Builtins.builder(MODULE)
                    .add(new HostFunction("noop", List.of(Integer.class), Integer.class, args -> args.getFirst()))
                    .build());
        }
        builder.addInvokables(Invokables.builder(INVOKE_MODULE)
                .add(new GuestFunction("add", List.of(Integer.class, Integer.class), Integer.class))
                .build());
        Engine engine = builder.build();
        Session session = new Session() {
            private byte[] compiledInvoker;

            @Override
            public void define(String code) {
                // quickjs4j compiles scripts as modules; a global (indirect) eval makes the definitions global
                run("(0, eval)(" + Engine.DEFAULT_OBJECT_MAPPER.valueToTree(code) + ");");
            }

            @Override
            public Object eval(String expression) {
                run("console.log(String(" + expression + "));");
                String out = stdout.toString(StandardCharsets.UTF_8).strip();
                stdout.reset();
                return out;
            }

            private void run(String js) {
                int ptr = engine.compile(js);
                try {
                    engine.exec(ptr);
                } finally {
                    engine.free(ptr);
                }
            }

            @Override
            public Object invoke(String name, Object... args) {
                if (compiledInvoker == null) {
                    // the guest functions are globals already (define): the "library" is empty
                    compiledInvoker = engine.compilePortableGuestFunction("");
                }
                return engine.invokePrecompiledGuestFunction(INVOKE_MODULE, name, List.of(args), compiledInvoker);
            }

            @Override
            public void close() {
                engine.close();
            }
        };
        if (hostFunction) session.define("globalThis.noop = function (x) { return host.noop(x); };");
        return session;
    }
}

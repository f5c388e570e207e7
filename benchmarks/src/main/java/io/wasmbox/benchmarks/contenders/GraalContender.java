package io.wasmbox.benchmarks.contenders;

import io.wasmbox.benchmarks.Language;
import java.io.OutputStream;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * GraalJS or GraalPy community from Maven Central, on this (stock) JDK: no Graal JIT, so Truffle
 * interprets ({@code polyglot.engine.WarnInterpreterOnly=false} silences its warning). One shared {@link
 * Engine} (code caching across contexts, as an embedder would do), one {@link Context} per session, with
 * the strictest sandbox policy the community edition accepts for the language ({@link #POLICY_PROPERTY}).
 */
final class GraalContender implements Contender {
    /** {@code -Dwasmbox.bench.graal.policy=TRUSTED|CONSTRAINED} overrides the policy. */
    static final String POLICY_PROPERTY = "wasmbox.bench.graal.policy";

    private final Language language;
    private final String languageId;
    private final SandboxPolicy policy;
    private final Engine engine;

    GraalContender(Language supported, Language asked) {
        Contender.requireLanguage(supported == Language.PYTHON ? GRAALPY : GRAALJS, supported, asked);
        System.setProperty("polyglot.engine.WarnInterpreterOnly", "false");
        this.language = supported;
        this.languageId = supported == Language.PYTHON ? "python" : "js";
        this.policy = SandboxPolicy.valueOf(System.getProperty(POLICY_PROPERTY, "CONSTRAINED"));
        this.engine = Engine.newBuilder(languageId)
                .sandbox(policy)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false")
                .build();
    }

    @Override
    public String name() {
        return language == Language.PYTHON ? GRAALPY : GRAALJS;
    }

    @Override
    public Language language() {
        return language;
    }

    @Override
    public String description() {
        return (language == Language.PYTHON
                        ? "GraalPy community " + Contender.version("graalvm") + " (Python "
                                + engine.getLanguages().get(languageId).getVersion() + ")"
                        : "GraalJS community " + Contender.version("graalvm"))
                + ", SandboxPolicy." + policy + ", shared Engine, " + engine.getImplementationName()
                + " (no Graal JIT on a stock JDK)";
    }

    @Override
    public Session open(boolean hostFunction) {
        Context context = Context.newBuilder(languageId)
                .engine(engine)
                .sandbox(policy)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .build();
        if (hostFunction) {
            context.getBindings(languageId)
                    .putMember("noop", (ProxyExecutable) args -> args.length == 0 ? null : args[0]);
        }
        return new Session() {
            @Override
            public Object eval(String code) {
                try {
                    return toJava(context.eval(languageId, code));
                } catch (PolyglotException e) {
                    throw new IllegalStateException(name() + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public Object invoke(String name, Object... args) {
                return toJava(context.getBindings(languageId).getMember(name).execute(args));
            }

            @Override
            public void close() {
                context.close();
            }
        };
    }

    static Object toJava(Value v) {
        if (v.isNull()) return null;
        if (v.isNumber()) return v.fitsInLong() ? (Object) v.asLong() : (Object) v.asDouble();
        if (v.isString()) return v.asString();
        if (v.isBoolean()) return v.asBoolean();
        return v.toString();
    }

    @Override
    public void close() {
        engine.close();
    }
}

package io.wasmbox.benchmarks.contenders;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import io.wasmbox.benchmarks.Language;
import java.time.Duration;

/** Wasmbox: CPython or QuickJS on Chicory, one sandbox per session. */
final class WasmboxContender implements Contender {
    /** Room for the 1 MB JSON and regex workloads; generous so only the JVM flags can make a run slow. */
    static final Limits LIMITS = Limits.builder()
            .memoryBytes(256 * Units.MIB)
            .timeout(Duration.ofMinutes(2))
            .maxCodeBytes(Units.MIB)
            .build();

    private final Language language;
    private final Interpreter interpreter;

    WasmboxContender(Language language) {
        System.setProperty("wasmbox.jitWarning", "false");
        this.language = language;
        this.interpreter = Wasmbox.interpreter(language.id());
    }

    @Override
    public String name() {
        return WASMBOX;
    }

    @Override
    public Language language() {
        return language;
    }

    @Override
    public String description() {
        return "Wasmbox " + interpreter.language() + " " + interpreter.languageVersion() + " on Chicory";
    }

    @Override
    public Session open(boolean hostFunction) {
        Sandbox sandbox = interpreter.sandbox().limits(LIMITS).build();
        if (hostFunction) sandbox.bind("noop", args -> args.isEmpty() ? null : args.getFirst());
        return new Session() {
            private long linearMemory;

            @Override
            public Object eval(String code) {
                ExecutionResult r = check(sandbox.run(code));
                linearMemory = r.peakMemoryBytes();
                return r.value();
            }

            @Override
            public long linearMemoryBytes() {
                return linearMemory;
            }

            @Override
            public Object invoke(String name, Object... args) {
                return check(sandbox.invoke(name, args)).value();
            }

            @Override
            public void close() {
                sandbox.close();
            }
        };
    }

    static ExecutionResult check(ExecutionResult r) {
        if (!r.succeeded()) throw new IllegalStateException("wasmbox run failed: " + r);
        return r;
    }
}

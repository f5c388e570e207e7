package io.wasmbox.benchmarks;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/** {@link PeerBenchmarks} for JavaScript: Wasmbox and its peers, same JVM flags for all. */
@Fork(
        value = 1,
        jvmArgsAppend = {
            JvmArgs.STACK,
            JvmArgs.JIT_1,
            JvmArgs.JIT_2,
            JvmArgs.JIT_3,
            JvmArgs.GRAAL_QUIET,
            JvmArgs.NATIVE_ACCESS,
            JvmArgs.UNSAFE
        })
public class PeerJsBenchmarks extends PeerBenchmarks {
    @Param({"wasmbox", "graaljs", "rhino", "nashorn", "quickjs4j"})
    public String engine;

    @Override
    protected String engine() {
        return engine;
    }

    @Override
    protected Language language() {
        return Language.JAVASCRIPT;
    }
}

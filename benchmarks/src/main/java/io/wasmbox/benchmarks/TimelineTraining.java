package io.wasmbox.benchmarks;

import io.wasmbox.Sandbox;

/**
 * The training run behind {@link WarmupTimeline.AotCache}: the timeline's four operations in both languages
 * for a while, in a JVM started with {@code -XX:AOTCacheOutput=benchmarks/target/timeline.aot} and the same
 * class path as the forks ({@code -cp benchmarks/target/benchmarks.jar}); the JDK writes the cache (classes
 * loaded and linked, method profiles) when this JVM exits.
 *
 * <p>{@code java -XX:AOTCacheOutput=benchmarks/target/timeline.aot <JIT flags> -cp benchmarks/target/benchmarks.jar
 * io.wasmbox.benchmarks.TimelineTraining [seconds per language, default 20]}
 */
public final class TimelineTraining {
    private TimelineTraining() {}

    public static void main(String[] args) {
        System.setProperty("wasmbox.jitWarning", "false");
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 20;
        for (String language : new String[] {"javascript", "python"}) {
            long runs = 0;
            try (Sandbox sandbox = WarmupTimeline.prepare(language)) {
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    WarmupTimeline.check(sandbox.run("1+1"));
                    WarmupTimeline.check(sandbox.run("call_host(" + WarmupTimeline.HOST_CALLS + ")"));
                    WarmupTimeline.check(sandbox.invoke("add", 1, 2));
                    WarmupTimeline.check(sandbox.run("loop(100000)"));
                    runs++;
                }
            }
            System.out.printf("training: %s, %d rounds in %d s%n", language, runs, seconds);
        }
    }
}

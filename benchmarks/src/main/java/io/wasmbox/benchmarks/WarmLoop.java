package io.wasmbox.benchmarks;

import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;

/**
 * One sandbox running {@code 1+1} (or invoking {@code add(1, 2)}, or a guest loop of 100 calls of a host function
 * {@code noop(i)}) back to back, printing the mean time of every 20,000 calls and the sandbox's linear memory: how long a JVM takes to reach its steady state, and whether it
 * stays there. Not JMH: a timeline, for the warm-up and for long runs.
 *
 * <p>{@code java -Xss16m <JIT flags> -cp benchmarks.jar io.wasmbox.benchmarks.WarmLoop SECONDS run|invoke|hostcall [language]}
 */
public final class WarmLoop {
    /** CPU time of the whole process (all threads, JIT and GC included): less disturbed by a busy machine. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) {
        long seconds = Long.parseLong(args[0]);
        String mode = args.length > 1 ? args[1] : "run";
        boolean invoke = mode.equals("invoke");
        boolean hostCall = mode.equals("hostcall");
        String language = args.length > 2 ? args[2] : "js";
        boolean python = language.equals("python");
        try (Sandbox box = Wasmbox.interpreter(language).newSandbox()) {
            box.bind("noop", a -> a.isEmpty() ? null : a.getFirst());
            box.run(
                    python
                            ? "def add(x, y):\n    return x + y\ndef call_host(n):\n    for i in range(n):\n        noop(i)\n    return n"
                            : "function add(x, y) { return x + y }\nfunction call_host(n) { for (let i = 0; i < n; i++) noop(i); return n }");
            int perCall = hostCall ? 100 : 1;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long n = 0;
            long t = System.nanoTime();
            long cpu = processCpuNanos();
            while (System.nanoTime() < end) {
                if (invoke) box.invoke("add", 1, 2);
                else if (hostCall) box.run("call_host(100)");
                else box.run("1+1");
                n += perCall;
                if (n % 20_000 == 0) {
                    long now = System.nanoTime();
                    long cpuNow = processCpuNanos();
                    System.out.printf(
                            "%,d: %.1f us per call (process CPU %.1f us), linear memory %,d bytes%n",
                            n,
                            (now - t) / 20_000 / 1000.0,
                            (cpuNow - cpu) / 20_000 / 1000.0,
                            box.run("0").peakMemoryBytes());
                    t = now;
                    cpu = cpuNow;
                }
            }
        }
    }
}

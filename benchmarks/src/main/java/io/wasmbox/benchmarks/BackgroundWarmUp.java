package io.wasmbox.benchmarks;

import io.wasmbox.Interpreter;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.time.Duration;

/**
 * Issue 16's "background warm-up" lever as an application could write it with the public API: a daemon
 * thread that runs a broad mix of guest work for a while after the JVM starts, so the JIT compiles the
 * interpreter before (or while) real work arrives. The mix is deliberately not the timeline's own
 * benchmarks: a distinct small script evaluated each round (parser and compiler), an {@code invoke} of a
 * function that builds an object, a string and a list, loops and calls a host function (results mapped from
 * JSON), {@code 1 + 1} again, and a fresh sandbox every 100 rounds.
 */
final class BackgroundWarmUp {
    private static final String JS = "function work(n) { const d = {k: n, s: 'x'.repeat(n % 7), l: [n, n + 1]};"
            + " let t = 0; for (let i = 0; i < 50; i++) t += i * n; echo(n); return [d, String(t), t % 3 === 0] }";
    private static final String PYTHON = "def work(n):\n"
            + "    d = {'k': n, 's': 'x' * (n % 7), 'l': [n, n + 1]}\n"
            + "    t = 0\n"
            + "    for i in range(50):\n"
            + "        t += i * n\n"
            + "    echo(n)\n"
            + "    return [d, str(t), t % 3 == 0]\n";
    private static final int ROUNDS_PER_SANDBOX = 100;

    private BackgroundWarmUp() {}

    /** Starts the warm-up thread for this language; it ends by itself after {@code duration}. */
    static void start(String language, Duration duration) {
        Thread thread = new Thread(() -> run(Wasmbox.interpreter(language), duration), "background-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run(Interpreter interpreter, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        for (int round = 0; System.nanoTime() < end; ) {
            try (Sandbox sandbox = interpreter.newSandbox()) {
                sandbox.bind("echo", args -> args.isEmpty() ? null : args.getFirst());
                WarmupTimeline.check(sandbox.run(interpreter.language().equals("python") ? PYTHON : JS));
                for (int i = 0; i < ROUNDS_PER_SANDBOX && System.nanoTime() < end; i++, round++) {
                    WarmupTimeline.check(sandbox.run(round + " + 1"));
                    WarmupTimeline.check(sandbox.invoke("work", round));
                    WarmupTimeline.check(sandbox.run("1 + 1"));
                }
            }
        }
    }
}

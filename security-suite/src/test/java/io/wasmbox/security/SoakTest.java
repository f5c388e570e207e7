package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Soak and concurrency: many mixed executions (JavaScript and Python; good ones and hostile ones:
 * timeouts, memory cap, errors, output floods, host calls, a sandbox shared by every thread) over 1, 2, 4
 * and 8 threads. Each execution carries a unique token it must echo, and no other token may appear in its
 * result. Afterwards the heap (after GC) is within 10% of where it was after warm-up, and no thread and no
 * file descriptor was left behind.
 *
 * <p>CI runs {@code soak.executions} = 1,000 (the module's default). The full soak is {@code ./mvnw -pl
 * security-suite -am verify -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dsoak.executions=50000}
 * (figures in docs/SECURITY.md).
 */
class SoakTest {
    static final int EXECUTIONS = Integer.getInteger("soak.executions", 1000);
    private static final int[] THREADS = {1, 2, 4, 8};
    private static final Pattern TOKEN = Pattern.compile("tok-\\d+-\\d+\\.");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    enum Kind {
        VALUE,
        STDIN_ECHO,
        ERROR,
        TIMEOUT,
        MEMORY_CAP,
        FLOOD,
        HOST_CALL,
        SHARED_SANDBOX
    }

    /** A sandbox per language used by every thread at once (its runs are serialised by the sandbox). */
    private final Map<String, Sandbox> shared = new ConcurrentHashMap<>();

    @Test
    void mixedExecutionsOverOneToEightThreadsLeakNothingAndNeverCrossCallers() throws Exception {
        for (String language : List.of(Languages.PYTHON, Languages.JS)) {
            Sandbox box = Wasmbox.interpreter(language).newSandbox();
            box.bind("echo", args -> args.getFirst());
            shared.put(language, box);
        }
        // warm-up: every kind in both languages, so snapshots, JIT and class loading are done
        List<String> warmFailures = new ArrayList<>();
        for (int i = 0; i < 3 * Kind.values().length * 2; i++) execute(i, new PerThread(), warmFailures);
        assertThat(warmFailures).as("warm-up").isEmpty();
        HostHealth.awaitGuestThreadsIdle(Duration.ofSeconds(10));
        long heapBefore = HostHealth.heapAfterGc();
        List<String> threadsBefore = HostHealth.nonGuestThreads();
        int fdsBefore = HostHealth.openFileDescriptors();

        long start = System.nanoTime();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicLong done = new AtomicLong();
        int perPhase = Math.max(1, EXECUTIONS / THREADS.length);
        for (int threads : THREADS) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                AtomicLong next = new AtomicLong();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        PerThread mine = new PerThread();
                        try {
                            for (long i; (i = next.getAndIncrement()) < perPhase; ) {
                                execute(ThreadLocalRandom.current().nextInt(1 << 20), mine, failures);
                                done.incrementAndGet();
                            }
                        } finally {
                            mine.close();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get(2, TimeUnit.HOURS);
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        shared.values().forEach(Sandbox::close);

        int guestThreadsLeft = HostHealth.awaitGuestThreadsGone(Duration.ofSeconds(45));
        long heapAfter = HostHealth.heapAfterGc();
        List<String> threadsAfter = HostHealth.nonGuestThreads();
        int fdsAfter = HostHealth.openFileDescriptors();
        System.out.printf(
                "soak: %d executions in %d s (%.0f/s) over %s threads; heap after GC %d -> %d MiB "
                        + "(%+.1f%%); threads %d -> %d (+%d guest threads left); fds %d -> %d; failures %d%n",
                done.get(),
                took.toSeconds(),
                done.get() / Math.max(0.001, took.toMillis() / 1000.0),
                Arrays.toString(THREADS),
                heapBefore >> 20,
                heapAfter >> 20,
                (heapAfter - heapBefore) * 100.0 / heapBefore,
                threadsBefore.size(),
                threadsAfter.size(),
                guestThreadsLeft,
                fdsBefore,
                fdsAfter,
                failures.size());

        assertThat(failures).as("executions that failed or crossed callers").isEmpty();
        assertThat(done.get()).isEqualTo((long) perPhase * THREADS.length);
        assertThat(heapAfter)
                .as("heap after GC within 10%% of its start (%d MiB)", heapBefore >> 20)
                .isLessThanOrEqualTo(heapBefore + heapBefore / 10);
        assertThat(guestThreadsLeft)
                .as("guest threads left the pool after its keep-alive")
                .isZero();
        List<String> newThreads = new ArrayList<>(threadsAfter);
        threadsBefore.forEach(newThreads::remove);
        assertThat(newThreads).as("threads left behind").isEmpty();
        assertThat(fdsAfter).as("open file descriptors").isLessThanOrEqualTo(fdsBefore);
    }

    /** Each worker thread's own reusable sandboxes (recreated when a run discards one). */
    private static final class PerThread implements AutoCloseable {
        private final Map<String, Sandbox> boxes = new ConcurrentHashMap<>();

        Sandbox get(String language) {
            Sandbox box = boxes.get(language);
            if (box == null || box.isClosed()) {
                box = Wasmbox.interpreter(language)
                        .sandbox()
                        .limits(Limits.builder().timeoutMillis(10_000).build())
                        .build();
                box.bind("echo", args -> args.getFirst());
                boxes.put(language, box);
            }
            return box;
        }

        @Override
        public void close() {
            boxes.values().forEach(Sandbox::close);
        }
    }

    private void execute(int choice, PerThread mine, List<String> failures) {
        boolean python = (choice & 1) == 0;
        String language = python ? Languages.PYTHON : Languages.JS;
        Kind kind = Kind.values()[(choice >>> 1) % Kind.values().length];
        String token = "tok-" + SEQUENCE.incrementAndGet() + "-"
                + ThreadLocalRandom.current().nextInt(1_000_000) + ".";
        String q = "\"" + token + "\"";
        ExecutionResult r;
        String expectation;
        try {
            switch (kind) {
                case VALUE -> {
                    r = mine.get(language).run(python ? "x = " + q + "\nx" : "const x = " + q + "; x");
                    expectation = "value";
                    check(r.succeeded() && token.equals(r.value()), r, token, failures, kind, language);
                }
                case STDIN_ECHO -> {
                    r = mine.get(language)
                            .run(
                                    python ? "print(input())" : "console.log(readLine())",
                                    RunOptions.builder().stdin(token + "\n").build());
                    expectation = "stdout";
                    check(r.succeeded() && r.stdout().equals(token + "\n"), r, token, failures, kind, language);
                }
                case ERROR -> {
                    r = mine.get(language).run(python ? "raise ValueError(" + q + ")" : "throw new Error(" + q + ")");
                    expectation = "error";
                    check(r.error() != null && r.error().message().equals(token), r, token, failures, kind, language);
                }
                case TIMEOUT -> {
                    try (Sandbox box = Wasmbox.interpreter(language)
                            .sandbox()
                            .limits(Limits.builder().timeoutMillis(40).build())
                            .build()) {
                        r = box.run(
                                python
                                        ? "print(" + q + ")\nwhile True:\n    pass"
                                        : "console.log(" + q + "); for (;;) {}");
                    }
                    expectation = "timeout";
                    check(
                            r.timeoutHit()
                                    && (r.stdout().isEmpty() || r.stdout().equals(token + "\n")),
                            r,
                            token,
                            failures,
                            kind,
                            language);
                }
                case MEMORY_CAP -> {
                    long cap = python ? 40 : 16;
                    try (Sandbox box = Wasmbox.interpreter(language)
                            .sandbox()
                            .limits(Limits.builder().memoryMiB(cap).build())
                            .build()) {
                        r = box.run(
                                python
                                        ? "print(" + q + ")\nbytearray(10 ** 9)"
                                        : "console.log(" + q + "); new Array(1e9).fill(0)");
                        check(r.peakMemoryBytes() <= cap * Units.MIB, r, token, failures, kind, language);
                    }
                    expectation = "memory cap";
                    check(r.memoryLimitHit() && r.stdout().equals(token + "\n"), r, token, failures, kind, language);
                }
                case FLOOD -> {
                    try (Sandbox box = Wasmbox.interpreter(language)
                            .sandbox()
                            .limits(Limits.builder().maxOutputBytes(4096).build())
                            .build()) {
                        r = box.run(
                                python
                                        ? "import sys\nfor i in range(3000):\n    print(" + q
                                                + ")\n    print(i, file=sys.stderr)"
                                        : "for (let i = 0; i < 3000; i++) { console.log(" + q
                                                + "); console.error(i); }");
                    }
                    expectation = "flood";
                    check(
                            r.succeeded()
                                    && r.outputTruncated()
                                    && r.stdout().startsWith(token + "\n")
                                    && r.stdout().length() + r.stderr().length() <= 4096,
                            r,
                            token,
                            failures,
                            kind,
                            language);
                }
                case HOST_CALL -> {
                    Sandbox box = mine.get(language);
                    box.bind("tokenFor", args -> TextNode.valueOf(token));
                    r = box.run(python ? "echo(tokenFor())" : "echo(tokenFor())");
                    expectation = "host call";
                    check(r.succeeded() && token.equals(r.value()), r, token, failures, kind, language);
                }
                case SHARED_SANDBOX -> {
                    r = shared.get(language)
                            .run(
                                    python ? "echo(tok)" : "echo(tok)",
                                    RunOptions.builder().global("tok", token).build());
                    expectation = "shared";
                    check(r.succeeded() && token.equals(r.value()), r, token, failures, kind, language);
                }
                default -> throw new IllegalStateException();
            }
            if (expectation == null) throw new IllegalStateException();
        } catch (RuntimeException e) {
            failures.add(language + " " + kind + " " + token + " threw " + e);
        }
    }

    private static void check(
            boolean ok, ExecutionResult r, String token, List<String> failures, Kind kind, String language) {
        String all = r.stdout() + "\n" + r.stderr() + "\n" + r.valueAs(JsonNode.class) + "\n"
                + (r.error() == null ? "" : r.error().message());
        Matcher m = TOKEN.matcher(all);
        while (m.find()) {
            if (!m.group().equals(token)) {
                failures.add(language + " " + kind + " " + token + " received another caller's token " + m.group());
                return;
            }
        }
        if (!ok)
            failures.add(language + " " + kind + " " + token + " unexpected " + r + " stdout="
                    + CaseRunner.abbreviate(r.stdout()));
    }
}

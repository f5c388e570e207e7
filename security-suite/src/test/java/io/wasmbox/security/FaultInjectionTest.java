package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxClosedException;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault injection: host callbacks that throw any throwable, block (interruptibly or not) or return random
 * garbage; runs interrupted at random points by their timeout; callers interrupted at random points; a
 * sandbox closed under a running guest. Through all of it the host stays healthy and a new sandbox always
 * works. (A plugin crash loop is the plugin-host module's test; flooding the execution service past its
 * concurrency cap is the service's.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionTest {
    static final int INTERRUPTS = Integer.getInteger("faults.interrupts", 150);

    @BeforeAll
    void warmUp() throws Exception {
        var executor = new ScheduledThreadPoolExecutor(2, r -> new Thread(r, "fault-scheduler"));
        executor.prestartAllCoreThreads();
        scheduler = executor;
        CaseRunner.allowThreadName("fault-scheduler");
        CaseRunner.allowThreadName("fault-lock-holder");
        CaseRunner.warmUp();
    }

    static List<String> languages() {
        return Languages.all();
    }

    private static String callAndCatch(String language, String fn) {
        return language.equals(Languages.PYTHON)
                ? "try:\n    " + fn
                        + "()\n    r = 'no error'\nexcept HostFunctionError as e:\n    r = 'caught: ' + str(e)\nr"
                : "let r; try { " + fn + "(); r = 'no error' } catch (e) { r = (e instanceof HostFunctionError ? "
                        + "'caught: ' : 'other: ') + e.message } r";
    }

    private static void healthy(String what, String language) throws Exception {
        Case marker = new Case(language, Case.Family.HOST_FUNCTIONS, what, "1");
        CaseRunner.assertHostHealthy(marker);
    }

    // ---- callbacks that throw --------------------------------------------------------------------------

    static List<Object[]> throwables() {
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> kinds = List.of(
                new Object[] {"RuntimeException", (Supplier<Throwable>) () -> new IllegalArgumentException("bad arg")},
                new Object[] {"checked Exception", (Supplier<Throwable>) () -> new IOException("io failed")},
                new Object[] {"StackOverflowError", (Supplier<Throwable>) StackOverflowError::new});
        for (String language : Languages.all()) {
            for (Object[] k : kinds) rows.add(new Object[] {language, k[0], k[1]});
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}: a callback throwing {1} is a catchable HostFunctionError")
    @MethodSource("throwables")
    void callbacksThatThrowBecomeCatchableGuestErrors(String language, String kind, Supplier<Throwable> throwable)
            throws Exception {
        try (Sandbox box = Wasmbox.interpreter(language).newSandbox()) {
            box.bind("boom", args -> {
                Throwable t = throwable.get();
                if (t instanceof Exception e) throw e;
                throw (Error) t;
            });
            ExecutionResult r = box.run(callAndCatch(language, "boom"));
            assertThat(r.succeeded()).as(r.toString()).isTrue();
            assertThat(String.valueOf(r.value()))
                    .as(kind)
                    .startsWith("caught: ")
                    .doesNotContain("java.");
            assertThat(box.eval("1 + 1")).isEqualTo(2L);
        }
        Thread.interrupted(); // InterruptedException re-asserts the guest thread's flag, never the caller's
        healthy("throwing " + kind, language);
    }

    @ParameterizedTest(name = "{0}: a callback throwing OutOfMemoryError is a typed host-heap result")
    @MethodSource("languages")
    void callbackOutOfMemoryIsATypedResult(String language) throws Exception {
        try (Sandbox box = Wasmbox.interpreter(language).newSandbox()) {
            box.bind("boom", args -> {
                throw new OutOfMemoryError("host heap");
            });
            ExecutionResult r = box.run(callAndCatch(language, "boom"));
            assertThat(r.error()).as(r.toString()).isNotNull();
            assertThat(r.error().type()).isEqualTo(io.wasmbox.GuestError.OUT_OF_MEMORY);
            assertThat(box.isClosed()).as("the sandbox is discarded").isTrue();
        }
        healthy("callback OutOfMemoryError", language);
    }

    // ---- callbacks that block -----------------------------------------------------------------------------

    static List<Object[]> interruptibleBlocks() {
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> kinds = List.of(
                new Object[] {
                    "Thread.sleep",
                    (HostFunction) args -> {
                        Thread.sleep(60_000);
                        return null;
                    }
                },
                new Object[] {
                    "Object.wait",
                    (HostFunction) args -> {
                        Object lock = new Object();
                        synchronized (lock) {
                            lock.wait(60_000);
                        }
                        return null;
                    }
                },
                new Object[] {
                    "BlockingQueue.take",
                    (HostFunction) args -> {
                        BlockingQueue<String> q = new LinkedBlockingQueue<>();
                        return TextNode.valueOf(q.take());
                    }
                },
                new Object[] {
                    "Future.get",
                    (HostFunction) args -> {
                        new CompletableFuture<String>().get();
                        return null;
                    }
                },
                new Object[] {
                    "LockSupport.park (returns on interrupt)",
                    (HostFunction) args -> {
                        LockSupport.parkNanos(60_000_000_000L);
                        return TextNode.valueOf("unparked");
                    }
                },
                new Object[] {
                    "lockInterruptibly",
                    (HostFunction) args -> {
                        ReentrantLock lock = heldLock();
                        lock.lockInterruptibly();
                        return null;
                    }
                });
        for (String language : Languages.all()) {
            for (Object[] k : kinds) rows.add(new Object[] {language, k[0], k[1]});
        }
        return rows;
    }

    private static final ExecutorService HOLDER =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "fault-lock-holder"));

    private static ReentrantLock heldLock() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        HOLDER.execute(() -> {
            lock.lock();
            held.countDown();
            LockSupport.parkNanos(1_000_000_000L);
            lock.unlock();
        });
        held.await();
        return lock;
    }

    @ParameterizedTest(name = "{0}: a callback blocked in {1} is stopped at the run's timeout")
    @MethodSource("interruptibleBlocks")
    void callbacksBlockedInterruptiblyAreStoppedAtTheTimeout(String language, String kind, HostFunction block)
            throws Exception {
        Duration timeout = Duration.ofMillis(300);
        try (Sandbox box = Wasmbox.interpreter(language)
                .sandbox()
                .limits(Limits.builder().timeout(timeout).build())
                .build()) {
            box.bind("block", block);
            long start = System.nanoTime();
            ExecutionResult r = box.run(
                    language.equals(Languages.PYTHON) ? "block()\nwhile True:\n    pass" : "block(); for (;;) {}");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.timeoutHit()).as(r.toString()).isTrue();
            assertThat(took).as(kind).isBetween(timeout, timeout.plusMillis(400));
        }
        healthy("blocked in " + kind, language);
    }

    @ParameterizedTest(name = "{0}: a callback ignoring interrupts delays the result at most by the 2 s grace")
    @MethodSource("languages")
    void callbacksIgnoringInterruptsAreAbandonedAfterTheGrace(String language) throws Exception {
        Duration timeout = Duration.ofMillis(200);
        CountDownLatch finished = new CountDownLatch(1);
        try (Sandbox box = Wasmbox.interpreter(language)
                .sandbox()
                .limits(Limits.builder().timeout(timeout).build())
                .build()) {
            box.bind("stubborn", args -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                while (System.nanoTime() < end) Thread.onSpinWait(); // never looks at its interrupt
                finished.countDown();
                return TextNode.valueOf("late");
            });
            warmTranspiler(language, "stubborn()");
            long start = System.nanoTime();
            ExecutionResult r = box.run("stubborn()");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.timeoutHit()).as(r.toString()).isTrue();
            assertThat(took)
                    .as("timeout + 2 s grace, not the callback's 4 s")
                    .isBetween(timeout.plusSeconds(2), timeout.plusMillis(2_800));
            assertThat(box.isClosed()).isTrue();
        }
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        healthy("stubborn callback", language);
    }

    @ParameterizedTest(name = "{0}: a callback ignoring interrupts briefly ends the run when it returns")
    @MethodSource("languages")
    void callbacksIgnoringInterruptsBrieflyEndTheRunWhenTheyReturn(String language) throws Exception {
        Duration timeout = Duration.ofMillis(200);
        try (Sandbox box = Wasmbox.interpreter(language)
                .sandbox()
                .limits(Limits.builder().timeout(timeout).build())
                .build()) {
            box.bind("stubborn", args -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
                while (System.nanoTime() < end) Thread.onSpinWait();
                return TextNode.valueOf("late");
            });
            String code =
                    language.equals(Languages.PYTHON) ? "stubborn()\nwhile True:\n    pass" : "stubborn(); for (;;) {}";
            warmTranspiler(language, code);
            long start = System.nanoTime();
            ExecutionResult r = box.run(code);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.timeoutHit()).as(r.toString()).isTrue();
            assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofMillis(1_300));
        }
        healthy("briefly stubborn callback", language);
    }

    /**
     * Runs {@code code} once where {@code stubborn} returns at once and loops end quickly, so a language that
     * compiles first (TypeScript's transpiler cache) has it compiled before the measured run: the run's short
     * timeout must land in the callback, not in the compiler.
     */
    private static void warmTranspiler(String language, String code) {
        try (Sandbox warm = Wasmbox.interpreter(language)
                .sandbox()
                .limits(Limits.builder().timeoutMillis(20_000).build())
                .build()) {
            warm.bind("stubborn", args -> {
                throw new IllegalStateException("warm-up");
            });
            warm.run(code);
        }
    }

    // ---- callbacks returning garbage -------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: random garbage returned by callbacks never hurts the host")
    @MethodSource("languages")
    void randomGarbageFromCallbacks(String language) throws Exception {
        Random random = new Random(42);
        try (Sandbox box = Wasmbox.interpreter(language).newSandbox()) {
            JsonNode[] next = new JsonNode[1];
            box.bind("garbage", args -> next[0]);
            for (int i = 0; i < 150; i++) {
                next[0] = randomJson(random, 0);
                ExecutionResult r =
                        box.run(language.equals(Languages.PYTHON) ? "g = garbage()\ng" : "const g = garbage(); g");
                assertThat(r.timeoutHit()).isFalse();
                if (!r.succeeded()) {
                    assertThat(r.error()).as("garbage %s gave %s", next[0], r).isNotNull();
                    assertThat(r.error().type()).isIn("HostFunctionError", "RecursionError", "ValueError");
                }
                assertThat(box.isClosed())
                        .as("garbage %s closed the sandbox: %s", next[0], r)
                        .isFalse();
            }
        }
        healthy("garbage from callbacks", language);
    }

    private static JsonNode randomJson(Random random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int pick = random.nextInt(depth > 6 ? 9 : 11);
        return switch (pick) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.numberNode(new BigInteger(random.nextInt(400) + 1, random));
            case 4 -> f.numberNode(new BigDecimal(new BigInteger(200, random), random.nextInt(600) - 300));
            case 5 ->
                f.numberNode(
                        new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE}
                                [random.nextInt(5)]);
            case 6 -> f.textNode(randomText(random));
            case 7 -> f.binaryNode(new byte[random.nextInt(64)]);
            case 8 -> f.textNode("x".repeat(random.nextInt(100_000)));
            case 9 -> {
                ArrayNode a = f.arrayNode();
                for (int i = random.nextInt(8); i > 0; i--) a.add(randomJson(random, depth + 1));
                yield a;
            }
            default -> {
                ObjectNode o = f.objectNode();
                for (int i = random.nextInt(8); i > 0; i--) o.set(randomText(random), randomJson(random, depth + 1));
                yield o;
            }
        };
    }

    private static String randomText(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(20); i > 0; i--) {
            s.append(
                    switch (random.nextInt(6)) {
                        case 0 -> (char) random.nextInt(0x20); // control characters, NUL
                        case 1 -> (char) (0xD800 + random.nextInt(0x800)); // lone surrogates
                        case 2 -> "\"\\'`${}</script>";
                        case 3 -> "__proto__";
                        case 4 -> new String(Character.toChars(0x1F600 + random.nextInt(50)));
                        default -> (char) ('a' + random.nextInt(26));
                    });
        }
        return s.toString();
    }

    // ---- interrupts at random points ---------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: timeouts landing at random points never hurt the host")
    @MethodSource("languages")
    void timeoutsAtRandomPointsNeverHurtTheHost(String language) throws Exception {
        boolean python = language.equals(Languages.PYTHON);
        String work = python
                ? "import json\nout = []\nfor i in range(200):\n    out.append(echo({'i': i, 's': 'x' * i}))\n"
                        + "    print(i)\n    d = {k: str(k) * 3 for k in range(300)}\n    json.dumps(d)\n"
                        + "    b = bytearray(4096 * (i % 7))\nlen(out)"
                : "const out = [];\nfor (let i = 0; i < 200; i++) {\n  out.push(echo({i, s: 'x'.repeat(i)}));\n"
                        + "  console.log(i);\n  const d = {}; for (let k = 0; k < 300; k++) d[k] = String(k).repeat(3);\n"
                        + "  JSON.stringify(d);\n  new Uint8Array(4096 * (i % 7));\n}\nout.length";
        Random random = new Random(7);
        int completed = 0, stopped = 0;
        for (int i = 0; i < INTERRUPTS; i++) {
            int timeoutMs = 1 + random.nextInt(python ? 400 : 150);
            try (Sandbox box = Wasmbox.interpreter(language)
                    .sandbox()
                    .limits(Limits.builder().timeoutMillis(timeoutMs).build())
                    .build()) {
                box.bind("echo", args -> args.getFirst());
                long start = System.nanoTime();
                ExecutionResult r = box.run(work);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (r.timeoutHit()) {
                    stopped++;
                    assertThat(box.isClosed()).isTrue();
                    assertThat(took)
                            .as("interrupted after %d ms", timeoutMs)
                            .isLessThan(Duration.ofMillis(timeoutMs + 1_000));
                } else {
                    completed++;
                    assertThat(r.succeeded())
                            .as("timeout %d ms: %s", timeoutMs, r)
                            .isTrue();
                    assertThat(r.value()).isEqualTo(200L);
                }
            }
            if (i % 25 == 0) {
                try (Sandbox fresh = Wasmbox.interpreter(language).newSandbox()) {
                    assertThat(fresh.eval("6 * 7")).isEqualTo(42L);
                }
            }
        }
        System.out.printf("%s: %d runs interrupted at random points, %d completed%n", language, stopped, completed);
        assertThat(stopped).as("most random timeouts land inside the run").isGreaterThan(INTERRUPTS / 2);
        healthy("random timeouts", language);
    }

    private ScheduledExecutorService scheduler;

    @AfterAll
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @ParameterizedTest(name = "{0}: a caller interrupted at a random point gets a typed exception")
    @MethodSource("languages")
    void callersInterruptedAtRandomPoints(String language) throws Exception {
        Random random = new Random(11);
        String loop = language.equals(Languages.PYTHON) ? "while True:\n    pass" : "for (;;) {}";
        int interrupted = 0;
        for (int i = 0; i < 40; i++) {
            Sandbox box = Wasmbox.interpreter(language)
                    .sandbox()
                    .limits(Limits.builder().timeoutMillis(300).build())
                    .build();
            Thread caller = Thread.currentThread();
            var pending = scheduler.schedule(caller::interrupt, random.nextInt(200), TimeUnit.MILLISECONDS);
            try {
                ExecutionResult r = box.run(loop);
                assertThat(r.timeoutHit()).isTrue();
            } catch (WasmboxException e) {
                interrupted++;
                assertThat(e).hasMessageContaining("interrupted");
                assertThat(box.isClosed()).isTrue();
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> box.run("1")))
                        .isInstanceOf(SandboxClosedException.class);
            } finally {
                pending.cancel(false);
                while (!pending.isDone()) Thread.onSpinWait();
                Thread.interrupted();
                box.close();
            }
        }
        assertThat(interrupted).isGreaterThan(20);
        healthy("interrupted callers", language);
    }

    @ParameterizedTest(name = "{0}: closing a sandbox under a running guest")
    @MethodSource("languages")
    void closingASandboxUnderARunningGuest(String language) throws Exception {
        Sandbox box = Wasmbox.interpreter(language)
                .sandbox()
                .limits(Limits.builder().timeoutMillis(400).build())
                .build();
        scheduler.schedule(box::close, 100, TimeUnit.MILLISECONDS);
        ExecutionResult r = box.run(language.equals(Languages.PYTHON) ? "while True:\n    pass" : "for (;;) {}");
        assertThat(r.timeoutHit()).isTrue();
        assertThat(box.isClosed()).isTrue();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> box.run("1")))
                .isInstanceOf(SandboxClosedException.class);
        healthy("closed under a run", language);
    }
}

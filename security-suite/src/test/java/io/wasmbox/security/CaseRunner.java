package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.ExecutionTimeoutException;
import io.wasmbox.GuestError;
import io.wasmbox.GuestException;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.MemoryLimitException;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxClosedException;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one {@link Case} and checks everything the suite promises for it: the typed outcome, the limits
 * (timeout precision, memory cap), that no secret of the host or of another sandbox shows up, and that the
 * host is healthy afterwards (guest threads back in the pool, no new threads, the neighbour sandboxes
 * intact and responsive, a fresh sandbox works).
 */
final class CaseRunner {
    /** Cases run with a short timeout unless they set their own, so a hang fails fast. */
    static final Limits DEFAULT_LIMITS = Limits.builder().timeoutMillis(5_000).build();
    /** How long guest threads get to return to the pool after a case. */
    private static final Duration THREAD_SETTLE = Duration.ofSeconds(5);

    /** Case id -> how far past its timeout the caller got the result, in nanoseconds, one entry per run. */
    static final Map<String, List<Long>> TIMEOUT_OVERSHOOT = new ConcurrentHashMap<>();

    private static volatile List<String> baselineThreads;
    /** Threads of the suite's own making (schedulers), which may appear after the baseline. */
    private static final Set<String> ALLOWED_THREADS = ConcurrentHashMap.newKeySet();

    static void allowThreadName(String name) {
        ALLOWED_THREADS.add(name);
    }

    /** What an {@link Case.Action} works with. */
    record Context(Case c, Interpreter interpreter) {
        Sandbox newSandbox() {
            return interpreter
                    .sandbox()
                    .options(SandboxOptions.builder().limits(c.limits).build())
                    .build();
        }
    }

    private CaseRunner() {}

    static String shortLanguage(String language) {
        return switch (language) {
            case "python" -> "py";
            case "javascript", "js" -> "js";
            case "typescript", "ts" -> "ts";
            default -> language;
        };
    }

    /** Prepares both interpreters and the neighbours once, and records the host's threads at rest. */
    static synchronized void warmUp() throws InterruptedException {
        if (baselineThreads != null) return;
        for (String language : Languages.all()) {
            Neighbours.of(language);
            try (Sandbox box = Wasmbox.interpreter(language).newSandbox()) {
                box.eval("1 + 1");
            }
        }
        HostHealth.awaitGuestThreadsIdle(THREAD_SETTLE);
        baselineThreads = HostHealth.nonGuestThreads();
    }

    static void run(Case c) throws Exception {
        warmUp();
        Interpreter interpreter = Wasmbox.interpreter(c.language);
        Context context = new Context(c, interpreter);
        ExecutionResult result;
        if (c.action != null) {
            result = attempt(c, () -> c.action.perform(context));
        } else {
            result = runInFreshSandbox(c, context);
        }
        if (result != null) {
            assertNoSecrets(c, result);
            assertThat(result.peakMemoryBytes())
                    .as("%s: linear memory within the cap", c)
                    .isLessThanOrEqualTo(c.limits.memoryBytes());
        }
        assertHostHealthy(c);
    }

    private interface Attempt {
        ExecutionResult get() throws Exception;
    }

    private static ExecutionResult attempt(Case c, Attempt attempt) throws Exception {
        if (c.outcome == Case.Outcome.REJECTED) {
            Throwable thrown = catchThrowable(attempt::get);
            assertThat(thrown)
                    .as("%s must be rejected with %s", c, c.rejectedWith.getSimpleName())
                    .isInstanceOf(c.rejectedWith);
            assertNoSecrets(c, String.valueOf(thrown.getMessage()));
            return null;
        }
        ExecutionResult r = attempt.get();
        checkOutcome(c, r, null, Duration.ZERO);
        return r;
    }

    private static ExecutionResult runInFreshSandbox(Case c, Context context) throws Exception {
        Sandbox box = context.newSandbox();
        try (box) {
            c.bindings.forEach(box::bind);
            if (c.bindReenter) box.bind("reenter", args -> box.run("1 + 1").valueAs(JsonNode.class));
            if (c.outcome == Case.Outcome.REJECTED) {
                return attempt(c, () -> box.run(c.code, c.runOptions));
            }
            long start = System.nanoTime();
            ExecutionResult r = box.run(c.code, c.runOptions);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            checkOutcome(c, r, box, elapsed);
            if (c.followUp != null) {
                ExecutionResult next = box.run(c.followUp);
                assertNoSecrets(c, next);
                assertThat(next.succeeded())
                        .as("%s: the next run in the same sandbox still works: %s", c, next)
                        .isTrue();
                assertThat(next.value()).as("%s: the next run's value", c).isEqualTo(c.followUpValue);
            }
            return r;
        }
    }

    private static void checkOutcome(Case c, ExecutionResult r, Sandbox box, Duration elapsed) {
        String desc = c + " -> " + r + " stdout=" + abbreviate(r.stdout()) + " stderr=" + abbreviate(r.stderr())
                + (r.error() == null ? "" : " message=" + abbreviate(r.error().message()));
        switch (c.outcome) {
            case VALUE -> {
                assertThat(r.succeeded()).as("must succeed: %s", desc).isTrue();
                assertThat(r.memoryLimitHit()).as(desc).isFalse();
                if (c.valueCheck != null) {
                    assertThat(c.valueCheck.test(r.value()))
                            .as("value %s: %s", c.valueDescription, desc)
                            .isTrue();
                } else {
                    assertThat(r.value()).as(desc).isEqualTo(c.expectedValue);
                }
            }
            case GUEST_ERROR -> {
                assertThat(r.timeoutHit()).as(desc).isFalse();
                assertThat(r.error())
                        .as("must fail with a guest error: %s", desc)
                        .isNotNull();
                if (!c.errorTypes.isEmpty())
                    assertThat(r.error().type()).as(desc).isIn(c.errorTypes);
                if (c.messageFragment != null)
                    assertThat(r.error().message()).as(desc).contains(c.messageFragment);
                assertThat(r.exitCode()).as(desc).isEqualTo(1);
                assertThatThrownBy(r::valueOrThrow)
                        .as(desc)
                        .isInstanceOfAny(GuestException.class, MemoryLimitException.class);
                if (box != null) {
                    assertThat(box.isClosed())
                            .as("a handled guest error keeps the sandbox: %s", desc)
                            .isFalse();
                    assertThat(box.eval("1 + 1")).as(desc).isEqualTo(2L);
                }
            }
            case TIMEOUT -> {
                assertThat(r.timeoutHit()).as("must time out: %s", desc).isTrue();
                assertThat(r.exitCode()).as(desc).isEqualTo(ExecutionResult.TIMEOUT_EXIT_CODE);
                assertThat(r.error().type()).as(desc).isEqualTo(GuestError.TIMEOUT);
                assertThatThrownBy(r::valueOrThrow).isInstanceOf(ExecutionTimeoutException.class);
                Duration timeout = c.limits.timeout();
                assertThat(elapsed)
                        .as("%s: stopped at, not before, its timeout", c)
                        .isGreaterThanOrEqualTo(timeout);
                assertThat(elapsed)
                        .as("%s: stopped soon after its timeout", c)
                        .isLessThanOrEqualTo(timeout.plus(c.timeoutSlack));
                TIMEOUT_OVERSHOOT
                        .computeIfAbsent(c.id(), id -> Collections.synchronizedList(new ArrayList<>()))
                        .add(elapsed.minus(timeout).toNanos());
                if (box != null) {
                    assertThat(box.isClosed())
                            .as("a timed-out sandbox is discarded")
                            .isTrue();
                    assertThatThrownBy(() -> box.run("1 + 1")).isInstanceOf(SandboxClosedException.class);
                }
            }
            case MEMORY_LIMIT -> {
                assertThat(r.memoryLimitHit())
                        .as("must hit the memory cap: %s", desc)
                        .isTrue();
                assertThat(r.timeoutHit()).as(desc).isFalse();
                assertThat(r.succeeded()).as(desc).isFalse();
                assertThatThrownBy(r::valueOrThrow).as(desc).isInstanceOf(MemoryLimitException.class);
                if (box != null && !box.isClosed()) {
                    assertThat(box.eval("1 + 1"))
                            .as("%s: still usable after its own MemoryError", c)
                            .isEqualTo(2L);
                }
            }
            case CRASH -> {
                assertThat(r.timeoutHit()).as(desc).isFalse();
                assertThat(r.error())
                        .as("must crash with a typed error: %s", desc)
                        .isNotNull();
                if (!c.errorTypes.isEmpty())
                    assertThat(r.error().type()).as(desc).isIn(c.errorTypes);
                assertThatThrownBy(r::valueOrThrow).as(desc).isInstanceOf(WasmboxException.class);
                if (box != null)
                    assertThat(box.isClosed())
                            .as("a crashed guest's sandbox is discarded: %s", desc)
                            .isTrue();
            }
            case EXIT -> {
                assertThat(r.timeoutHit()).as(desc).isFalse();
                assertThat(r.error()).as(desc).isNull();
                assertThat(r.exitCode()).as(desc).isEqualTo(c.exitCode);
            }
            case REJECTED -> throw new AssertionError(c + " must be rejected before running, but ran: " + desc);
        }
        if (c.extraCheck != null)
            assertThat(c.extraCheck.test(r))
                    .as("%s: %s", c.extraDescription, desc)
                    .isTrue();
    }

    static void assertNoSecrets(Case c, ExecutionResult r) {
        StringBuilder all = new StringBuilder()
                .append(r.stdout())
                .append('\n')
                .append(r.stderr())
                .append('\n')
                .append(r.valueAs(JsonNode.class));
        if (r.error() != null)
            all.append('\n')
                    .append(r.error().message())
                    .append('\n')
                    .append(r.error().stackTrace());
        assertNoSecrets(c, all.toString());
    }

    private static void assertNoSecrets(Case c, String text) {
        for (String secret : SuiteSecrets.forbidden()) {
            assertThat(text).as("%s leaked a host or neighbour secret", c).doesNotContain(secret);
        }
    }

    /** The host after the case: guest threads idle, no new threads, neighbours intact, fresh sandboxes work. */
    static void assertHostHealthy(Case c) throws Exception {
        assertThat(Thread.currentThread().isInterrupted())
                .as("%s: the caller's thread is not interrupted", c)
                .isFalse();
        List<String> busy = HostHealth.awaitGuestThreadsIdle(THREAD_SETTLE);
        assertThat(busy).as("%s: every guest thread is back in the pool", c).isEmpty();
        List<String> extra = new ArrayList<>(HostHealth.nonGuestThreads());
        for (String name : baselineThreads) extra.remove(name);
        extra.remove("Attach Listener"); // started by jcmd/jstack attaching to the JVM, not by a guest
        extra.removeIf(ALLOWED_THREADS::contains);
        assertThat(extra)
                .as("%s: no threads beyond the guest pool were left behind", c)
                .isEmpty();
        assertThat(HostListener.acceptedConnections())
                .as("%s: nothing connected to the host's listener", c)
                .isZero();
        for (String language : Languages.all()) {
            long start = System.nanoTime();
            assertThat(Neighbours.readBack(language))
                    .as("%s: the %s neighbour sandbox is intact", c, language)
                    .isEqualTo(Neighbours.expected());
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("%s: the neighbour answers promptly", c)
                    .isLessThan(Duration.ofSeconds(5));
        }
        try (Sandbox fresh = Wasmbox.interpreter(c.language).newSandbox()) {
            assertThat(fresh.eval("6 * 7"))
                    .as("%s: a fresh sandbox works afterwards", c)
                    .isEqualTo(42L);
        }
    }

    /** Nearest-rank percentile of the recorded timeout overshoots. */
    static Duration overshootPercentile(double p) {
        List<Long> values = new ArrayList<>();
        TIMEOUT_OVERSHOOT.values().forEach(values::addAll);
        values.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * values.size());
        return Duration.ofNanos(values.get(Math.max(0, rank - 1)));
    }

    static String abbreviate(String s) {
        Objects.requireNonNull(s);
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    static RunOptions stdin(String text) {
        return RunOptions.builder().stdin(text).build();
    }
}

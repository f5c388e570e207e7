package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timers, microtasks and top-level await inside a run: the run ends when no job or timer is left. */
class JsTimersTest {
    private final Interpreter js = Wasmbox.interpreter("js");

    @Test
    void timersFireInDeadlineOrderOnVirtualTimeWhenTheClockIsFrozen() {
        try (Sandbox box = js.newSandbox()) {
            ExecutionResult r = box.run("""
                    const t0 = Date.now();
                    const seen = [];
                    setTimeout(() => seen.push('c ' + (Date.now() - t0)), 300);
                    setTimeout(() => seen.push('a ' + (Date.now() - t0)), 100);
                    setTimeout((x) => seen.push('b ' + x), 100, 'arg');
                    queueMicrotask(() => seen.push('micro'));
                    Promise.resolve().then(() => seen.push('then'));
                    setTimeout(() => console.log(seen.join(', ')), 3_600_000);
                    'sync'""");
            assertThat(r.value()).isEqualTo("sync");
            assertThat(r.stdout()).isEqualTo("micro, then, a 100, b arg, c 300\n");
            // an hour of virtual time took no real time
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void intervalsRepeatUntilCleared() {
        try (Sandbox box = js.newSandbox()) {
            assertThat(box.eval("""
                    (async () => {
                      let n = 0;
                      await new Promise((resolve) => {
                        const id = setInterval(() => { if (++n === 5) { clearInterval(id); resolve(); } }, 10);
                      });
                      const cancelled = setTimeout(() => { n = -1; }, 1);
                      clearTimeout(cancelled);
                      return n;
                    })()""")).isEqualTo(5L);
        }
    }

    @Test
    void topLevelAwaitWorksAndDeclarationsStayGlobal() {
        try (Sandbox box = js.newSandbox()) {
            ExecutionResult r = box.run("var v = await new Promise((r) => setTimeout(() => r(21), 50));\nv * 2");
            assertThat(r.error()).isNull();
            assertThat(r.value()).isEqualTo(42L);
            assertThat(box.eval("v")).isEqualTo(21L);
            ExecutionResult failed = box.run("await Promise.reject(new TypeError('nope'))");
            assertThat(failed.error().type()).isEqualTo("TypeError");
            assertThat(failed.error().message()).isEqualTo("nope");
            // a genuine syntax error mentioning await is still the script's syntax error
            assertThat(box.run("await = = 1").error().type()).isEqualTo("SyntaxError");
        }
    }

    @Test
    void aPromiseThatCanNeverSettleIsAClearError() {
        try (Sandbox box = js.newSandbox()) {
            ExecutionResult r = box.run("new Promise(() => {})");
            assertThat(r.error().message()).contains("never settled");
            assertThat(box.eval("1 + 1")).isEqualTo(2L);
        }
    }

    @Test
    void anUncaughtErrorInATimerIsTheRunsError() {
        try (Sandbox box = js.newSandbox()) {
            ExecutionResult r = box.run("setTimeout(() => { throw new RangeError('late') }, 5); 'early'");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.error().type()).isEqualTo("RangeError");
            assertThat(r.error().message()).isEqualTo("late");
            ExecutionResult exit = box.run("setTimeout(() => exit(3), 5); setTimeout(() => console.log('never'), 10)");
            assertThat(exit.exitCode()).isEqualTo(3);
            assertThat(exit.stdout()).isEmpty();
            // a script that fails leaves no timer behind to run after it
            ExecutionResult failed = box.run("setTimeout(() => console.log('never'), 10);\nthrow new Error('x')");
            assertThat(failed.error().message()).isEqualTo("x");
            assertThat(failed.stdout()).isEmpty();
        }
    }

    @Test
    void anUncaughtErrorInAMicrotaskIsTheRunsError() {
        try (Sandbox box = js.newSandbox()) {
            ExecutionResult r = box.run("queueMicrotask(() => { throw new TypeError('in a microtask') }); 'early'");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.error().type()).isEqualTo("TypeError");
            assertThat(r.error().message()).isEqualTo("in a microtask");
            ExecutionResult notAFunction = box.run("queueMicrotask(42)");
            assertThat(notAFunction.error().type()).isEqualTo("TypeError");
            assertThat(box.run("let n = 0; queueMicrotask(() => n++); Promise.resolve().then(() => n * 10)")
                            .value())
                    .isEqualTo(10L);
        }
    }

    @Test
    void performanceNowCountsFromTheSandboxStartOnItsClock() {
        try (Sandbox box = js.newSandbox()) {
            ExecutionResult r = box.run("const a = performance.now();\n"
                    + "setTimeout(() => console.log(performance.now() - a), 250);\n"
                    + "[a >= 0, a < 1000, typeof performance.timeOrigin]");
            assertThat(r.value()).isEqualTo(List.of(true, true, "number"));
            assertThat(r.stdout()).isEqualTo("250\n"); // virtual time: exactly the timer's delay
            // time only moves forward: the next run starts where the last one's timers left the clock
            assertThat(box.eval("performance.now() >= 250")).isEqualTo(true);
        }
    }

    @Test
    void aTimerFloodIsAnOutOfMemory() {
        // so far past the limit that QuickJS cannot make its own error object (it throws null)
        try (Sandbox box = js.sandbox()
                .limits(Limits.builder()
                        .memoryMiB(24)
                        .timeout(Duration.ofSeconds(60))
                        .build())
                .build()) {
            ExecutionResult r = box.run("for (let i = 0; ; i++) setTimeout(() => {}, i)");
            assertThat(r.memoryLimitHit()).as(r.toString()).isTrue();
            assertThat(r.error().type()).isEqualTo("InternalError");
            assertThat(r.error().message()).isEqualTo("out of memory");
            // throw null on its own, with memory to spare, is the script's own error, not an out-of-memory
            ExecutionResult thrown = box.run("throw null");
            assertThat(thrown.memoryLimitHit()).isFalse();
            assertThat(thrown.error().message()).contains("Uncaught null");
        }
    }

    @Test
    void anEndlessIntervalEndsAtTheTimeout() {
        Sandbox box = js.sandbox()
                .limits(Limits.builder().timeout(Duration.ofMillis(500)).build())
                .build();
        ExecutionResult r = box.run("let n = 0; setInterval(() => n++, 1); 'started'");
        assertThat(r.timeoutHit()).isTrue();
        assertThat(box.isClosed()).isTrue();
    }

    @Test
    void withTheRealClockTimersWait() {
        try (Sandbox box = js.sandbox()
                .options(SandboxOptions.builder().realtime().build())
                .build()) {
            ExecutionResult r = box.run("""
                    const t0 = Date.now();
                    new Promise((r) => setTimeout(() => r(Date.now() - t0), 200))""");
            assertThat((Long) r.value()).isBetween(190L, 5_000L);
            assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        }
    }

    @Test
    void mathRandomIsSeededPerSandbox() {
        String draw = "[Math.random(), Math.random()]";
        Object first;
        try (Sandbox a = js.newSandbox()) {
            first = a.eval(draw);
        }
        try (Sandbox b = js.newSandbox()) {
            assertThat(b.eval(draw)).isEqualTo(first);
        }
        try (Sandbox c = js.sandbox()
                .options(SandboxOptions.builder().randomSeed(7).build())
                .build()) {
            assertThat(c.eval(draw)).isNotEqualTo(first);
        }
        try (Sandbox d = js.sandbox()
                        .options(SandboxOptions.builder().realtime().build())
                        .build();
                Sandbox e = js.sandbox()
                        .options(SandboxOptions.builder().realtime().build())
                        .build()) {
            assertThat(d.eval(draw)).isNotEqualTo(e.eval(draw));
        }
        try (Sandbox f = js.newSandbox()) {
            @SuppressWarnings("unchecked")
            List<Double> values = (List<Double>) f.eval("Array.from({length: 1000}, Math.random)");
            assertThat(values).allMatch(v -> v >= 0 && v < 1);
            assertThat(values.stream().distinct().count()).isEqualTo(1000);
        }
    }
}

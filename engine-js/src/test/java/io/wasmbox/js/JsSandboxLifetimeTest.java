package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import org.junit.jupiter.api.Test;

/**
 * The known per-run growth of a JavaScript sandbox (docs/SECURITY.md, "JavaScript sandbox lifetime"):
 * javy's {@code invoke} loads a new ES module per run and QuickJS keeps it, ~850 bytes. These tests hold
 * the line: no run may leave more than that, whatever it computes, and host calls must not add to it.
 */
class JsSandboxLifetimeTest {
    private static final int RUNS = 2000;
    /** The measured ~847 bytes per run, with room for the allocator's rounding; a new leak breaks it. */
    private static final double MAX_BYTES_PER_RUN = 1024;

    @Test
    void aRunLeavesAtMostTheRunnerModuleBehind() {
        try (Sandbox box = Wasmbox.interpreter("js").newSandbox()) {
            box.run("function make(n) { const o = {list: [], text: ''}; for (let i = 0; i < n; i++) {"
                    + " o.list.push({i, s: 'x' + i}); o.text += i; } return o; }");
            assertThat(growthPerRun(box, "make(10).list.length")).isLessThan(MAX_BYTES_PER_RUN);
        }
    }

    @Test
    void hostCallsLeaveNothingBehind() {
        try (Sandbox box = Wasmbox.interpreter("js").newSandbox()) {
            box.bind("noop", HostFunction.of(args -> args.getFirst()));
            box.run("function callHost(n) { let s = 0; for (let i = 0; i < n; i++) s += noop(i); return s; }");
            box.eval("callHost(2000)");
            long before = box.run("0").peakMemoryBytes();
            // 20,000 calls in one run: 8 bytes kept per call would take at least two more 64 KiB pages
            assertThat(box.eval("callHost(20000)")).isEqualTo(199_990_000L);
            long after = box.run("0").peakMemoryBytes();
            assertThat(after - before).isLessThanOrEqualTo(64 * 1024);
        }
    }

    @Test
    void aSandboxAtTheEndOfItsLifetimeFailsWithATypedOutOfMemory() {
        // a 4 MiB cap leaves ~2.5 MiB above the snapshot: a few thousand runs
        try (Sandbox box = Wasmbox.interpreter("js").newSandbox(Limits.builder().memoryBytes(4L << 20).build())) {
            ExecutionResult failed = null;
            for (int i = 0; i < 20_000 && failed == null && !box.isClosed(); i++) {
                ExecutionResult r = box.run("1+1");
                if (r.error() != null) failed = r;
                else assertThat(r.value()).isEqualTo(2L);
            }
            assertThat(failed).as("the runs should have exhausted the 4 MiB cap").isNotNull();
            assertThat(failed.error().type()).as(failed.toString()).isEqualTo(GuestError.OUT_OF_MEMORY);
            assertThat(failed.memoryLimitHit()).isTrue();
        }
    }

    /** Linear memory grows in 64 KiB pages, so growth is measured over many runs after a warm-up. */
    private static double growthPerRun(Sandbox box, String code) {
        for (int i = 0; i < 200; i++) box.eval(code);
        long before = box.run(code).peakMemoryBytes();
        for (int i = 0; i < RUNS; i++) box.eval(code);
        long after = box.run(code).peakMemoryBytes();
        return (after - before) / (double) RUNS;
    }
}

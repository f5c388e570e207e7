package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.ExecutionResult;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A JavaScript sandbox lives as long as its owner wants: a run leaves nothing behind (scripts run as global
 * scripts, not as a module per run as with the javy-based engine, which leaked ~850 bytes a run), host
 * calls leave nothing, and QuickJS's cycle collector frees cyclic garbage. Linear memory grows in 64 KiB
 * pages, so "flat" means not a single page more after a warm-up.
 */
class JsSandboxLifetimeTest {
    /** The smallest cap a JavaScript sandbox takes: the snapshot plus a little room. */
    private static final long SMALL_CAP = 10L << 20;

    @Test
    void aSmallSandboxHoldsTwoHundredThousandRunsWithFlatMemory() {
        try (Sandbox box = Wasmbox.interpreter("js")
                .sandbox()
                .limits(Limits.builder().memoryBytes(SMALL_CAP).build())
                .build()) {
            for (int i = 0; i < 1000; i++) assertThat(box.eval("1+1")).isEqualTo(2L);
            long before = box.run("1+1").peakMemoryBytes();
            for (int i = 0; i < 200_000; i++) {
                ExecutionResult r = box.run("1+1");
                if (r.error() != null || !Long.valueOf(2).equals(r.value())) {
                    throw new AssertionError("run " + i + " failed: " + r);
                }
            }
            assertThat(box.run("1+1").peakMemoryBytes()).isEqualTo(before);
        }
    }

    @Test
    void hostCallsLeaveNothingBehind() {
        // generous timeouts: a cold JVM (no JIT yet) is what a test runs in
        Limits slow = Limits.builder().timeout(Duration.ofSeconds(120)).build();
        try (Sandbox box = Wasmbox.interpreter("js").sandbox().limits(slow).build()) {
            box.bind("noop", HostFunction.of(args -> args.getFirst()));
            box.run("function callHost(n) { let s = 0; for (let i = 0; i < n; i++) s += noop(i); return s; }");
            box.eval("callHost(2000)");
            long before = box.run("0").peakMemoryBytes();
            assertThat(box.eval("callHost(20000)")).isEqualTo(199_990_000L);
            for (int i = 0; i < 2000; i++) box.eval("noop(1)");
            assertThat(box.run("0").peakMemoryBytes()).isEqualTo(before);
        }
    }

    @Test
    void cyclicGarbageIsCollected() {
        // a tree with parent links rebuilt 2,000 times, 364 nodes a round: the javy-based engine never
        // collected it and filled the 128 MiB cap; node prints 6000 at once
        Limits slow = Limits.builder().timeout(Duration.ofSeconds(120)).build();
        try (Sandbox box = Wasmbox.interpreter("js").sandbox().limits(slow).build()) {
            long baseline = box.run("0").peakMemoryBytes();
            ExecutionResult r = box.run("""
                    function build(depth, parent) {
                      const node = { parent, children: [] };
                      if (depth > 0) for (let i = 0; i < 3; i++) node.children.push(build(depth - 1, node));
                      return node;
                    }
                    let count = 0;
                    for (let round = 0; round < 2000; round++) { const root = build(5, null); count += 3; }
                    count""");
            assertThat(r.error()).as(r.toString()).isNull();
            assertThat(r.value()).isEqualTo(6000L);
            assertThat(r.peakMemoryBytes()).isLessThan(baseline + (4L << 20));
            assertThat(r.peakMemoryBytes()).isLessThan(16L << 20);
        }
    }
}

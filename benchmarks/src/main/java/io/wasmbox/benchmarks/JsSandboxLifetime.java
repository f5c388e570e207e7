package io.wasmbox.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The memory curve of one long-lived JavaScript sandbox: {@code --runs} runs of {@code 1+1}, then
 * {@code --calls} host calls (in runs of 1,000), with the sandbox's linear memory recorded every
 * {@code --every} runs. Flat means the memory at the end is the memory after the first sample. Not a
 * timed test: the rate is printed for information.
 *
 * <p>{@code java -cp benchmarks.jar io.wasmbox.benchmarks.JsSandboxLifetime --runs 10000000 --calls
 * 1000000 --out lifetime.json}
 */
public final class JsSandboxLifetime {
    public static void main(String[] args) throws Exception {
        long runs = 10_000_000;
        long calls = 1_000_000;
        long every = 250_000;
        Path out = Path.of("js-lifetime.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Long.parseLong(args[++i]);
                case "--calls" -> calls = Long.parseLong(args[++i]);
                case "--every" -> every = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("usage: --runs N --calls N --every N --out FILE");
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("kind", "js-lifetime");
        root.set("machine", Machine.describe());
        ArrayNode curve = root.putArray("runs");
        ArrayNode callCurve = root.putArray("hostCalls");
        Limits limits = Limits.builder().timeout(Duration.ofMinutes(10)).build();
        try (Sandbox box = Wasmbox.interpreter("js").sandbox().limits(limits).build()) {
            box.bind("echo", HostFunction.of(a -> a.getFirst()));
            long start = System.nanoTime();
            for (long i = 1; i <= runs; i++) {
                ExecutionResult r = box.run("1+1");
                if (r.error() != null) throw new IllegalStateException("run " + i + " failed: " + r);
                if (i % every == 0 || i == 1) sample(curve, i, r.peakMemoryBytes(), start);
            }
            box.run("function calls(n) { let s = 0; for (let i = 0; i < n; i++) s += echo(1); return s }");
            start = System.nanoTime();
            for (long done = 0; done < calls; ) {
                ExecutionResult r = box.run("calls(1000)");
                if (r.error() != null) throw new IllegalStateException("host calls failed: " + r);
                done += 1000;
                if (done % every == 0 || done == 1000) sample(callCurve, done, r.peakMemoryBytes(), start);
            }
        }
        Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        System.out.println("wrote " + out);
    }

    private static void sample(ArrayNode curve, long n, long memory, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        curve.addObject().put("n", n).put("linearMemoryBytes", memory).put("seconds", seconds);
        System.out.printf(
                "%,12d  linear memory %,d bytes  %.1f s  (%.1f us each)%n", n, memory, seconds, seconds * 1e6 / n);
    }
}

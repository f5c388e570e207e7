package io.wasmbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.wasmbox.spi.Json;
import java.time.Duration;

/**
 * Everything one run produced. A run that the guest ended badly (uncaught error, timeout, memory cap)
 * still yields a result: {@link Sandbox#run} never throws for what the guest did, {@link Sandbox#eval}
 * and {@link #valueOrThrow()} turn failures into typed exceptions. {@link #kind()} says how the run
 * ended.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExecutionResult {
    /** Exit code reported for a run stopped at its timeout (as GNU {@code timeout} does). */
    public static final int TIMEOUT_EXIT_CODE = 124;
    /** Exit code reported for a run stopped at its CPU-time limit (128 + SIGXCPU, as {@code ulimit -t} gives). */
    public static final int CPU_TIME_LIMIT_EXIT_CODE = 152;

    private final String stdout;
    private final String stderr;
    private final JsonNode value;
    private final int exitCode;
    private final Duration duration;
    private final long peakMemoryBytes;
    private final boolean timeoutHit;
    private final boolean memoryLimitHit;
    private final boolean outputTruncated;
    private final GuestError error;
    private final boolean cpuTimeLimitHit;
    private final Duration cpuTime;

    private ExecutionResult(Builder b) {
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.value = b.value == null ? NullNode.getInstance() : b.value;
        this.exitCode = b.exitCode;
        this.duration = b.duration;
        this.peakMemoryBytes = b.peakMemoryBytes;
        this.timeoutHit = b.timeoutHit;
        this.memoryLimitHit = b.memoryLimitHit;
        this.outputTruncated = b.outputTruncated;
        this.error = b.error;
        this.cpuTimeLimitHit = b.cpuTimeLimitHit;
        this.cpuTime = b.cpuTime;
    }

    /**
     * What the guest wrote to standard output, up to the output cap.
     *
     * @return the text, empty when nothing was written
     */
    public String stdout() {
        return stdout;
    }

    /**
     * What the guest wrote to standard error, up to the output cap (shared with stdout).
     *
     * @return the text, empty when nothing was written
     */
    public String stderr() {
        return stderr;
    }

    /**
     * The value of the script's last expression, JSON-mapped: objects to {@code Map}, arrays to {@code
     * List}, integers to {@code Long} or {@code BigInteger}, other numbers to {@code Double}, strings,
     * booleans, and {@code null}. A guest value with no JSON form arrives as its string representation.
     *
     * @return a fresh plain Java value (the caller may change it), or null
     */
    public Object value() {
        return Json.toJava(value);
    }

    /**
     * The value as JSON text, e.g. to hand to your own JSON library.
     *
     * @return JSON text; {@code null} when there is no value
     */
    public String valueAsJson() {
        return Json.write(value);
    }

    /**
     * The value converted to {@code type} as Jackson maps JSON to it (records, beans, collections).
     *
     * @param type the target type
     * @param <T> the target type
     * @return the converted value, or null
     * @throws IllegalArgumentException if the value cannot be converted
     */
    public <T> T valueAs(Class<T> type) {
        return Json.convert(value, type);
    }

    /** The value's JSON tree, for this package's proxies. */
    JsonNode valueTree() {
        return value;
    }

    /**
     * How the guest ended.
     *
     * @return 0 on success, the guest's {@code exit(n)} value, 1 after an uncaught error, 124 after a timeout
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The run's wall-clock time, from the start of the guest call to its end.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    /**
     * Size of the guest's linear memory at its largest (WebAssembly memory never shrinks).
     *
     * @return bytes
     */
    public long peakMemoryBytes() {
        return peakMemoryBytes;
    }

    /**
     * Whether the run was stopped at its timeout (then {@link #kind()} is {@link ErrorKind#TIMEOUT}).
     *
     * @return true when stopped at its timeout
     */
    public boolean timeoutHit() {
        return timeoutHit;
    }

    /**
     * Whether the run was stopped at its CPU-time limit ({@link Limits#cpuTime()}); then {@link #kind()} is
     * {@link ErrorKind#CPU_TIME}.
     *
     * @return true when stopped at its CPU-time limit
     */
    public boolean cpuTimeLimitHit() {
        return cpuTimeLimitHit;
    }

    /**
     * CPU time the guest thread used in this run, measured when the run has a CPU-time limit ({@link
     * Limits#cpuTime()}): reading a thread's CPU clock costs two system calls a run, a sixth of a warm
     * JavaScript {@code 1+1}, so runs without the limit are not measured.
     *
     * @return the CPU time, or null when the run had no CPU-time limit or the JVM cannot measure thread CPU time
     */
    public Duration cpuTime() {
        return cpuTime;
    }

    /**
     * Whether the guest ran out of its memory cap (then {@link #kind()} is {@link ErrorKind#MEMORY}).
     *
     * @return true when the memory cap was hit
     */
    public boolean memoryLimitHit() {
        return memoryLimitHit;
    }

    /**
     * Whether output beyond the output cap was dropped. Not a failure: the script kept running.
     *
     * @return true when output was cut
     */
    public boolean outputTruncated() {
        return outputTruncated;
    }

    /**
     * The error that ended the run: the guest's uncaught error, or the host's verdict (timeout, crash).
     *
     * @return the error, or null
     */
    public GuestError error() {
        return error;
    }

    /**
     * How the run ended, as one typed verdict: {@link ErrorKind#NONE} when it succeeded, {@link
     * ErrorKind#TIMEOUT}, {@link ErrorKind#CPU_TIME} or {@link ErrorKind#MEMORY} when a limit stopped it, the error's {@link
     * GuestError#kind()} when it raised one, {@link ErrorKind#EXIT} for a non-zero exit code alone.
     *
     * @return the kind, never null
     */
    public ErrorKind kind() {
        if (timeoutHit) return ErrorKind.TIMEOUT;
        if (cpuTimeLimitHit) return ErrorKind.CPU_TIME;
        if (memoryLimitHit) return ErrorKind.MEMORY;
        if (error != null) return error.kind();
        return exitCode != 0 ? ErrorKind.EXIT : ErrorKind.NONE;
    }

    /**
     * Whether the run ended normally.
     *
     * @return true when the run ended normally with exit code 0
     */
    public boolean succeeded() {
        return error == null && !timeoutHit && !cpuTimeLimitHit && exitCode == 0;
    }

    /**
     * The value when the run succeeded; otherwise the typed exception: {@link ExecutionTimeoutException},
     * {@link CpuTimeLimitException}, {@link MemoryLimitException} or {@link GuestException} (also for a
     * non-zero exit code).
     *
     * @return the value, as {@link #value()}
     * @throws WasmboxException the failure
     */
    public Object valueOrThrow() {
        if (timeoutHit) throw new ExecutionTimeoutException(this);
        if (cpuTimeLimitHit) throw new CpuTimeLimitException(this);
        if (memoryLimitHit) throw new MemoryLimitException(this);
        if (error != null || exitCode != 0) throw new GuestException(this);
        return value();
    }

    @Override
    public String toString() {
        return "ExecutionResult[exitCode=" + exitCode + ", value=" + value + ", error="
                + (error == null ? null : error.summary()) + ", duration=" + duration.toMillis() + " ms"
                + (timeoutHit ? ", timeoutHit" : "") + (cpuTimeLimitHit ? ", cpuTimeLimitHit" : "")
                + (memoryLimitHit ? ", memoryLimitHit" : "")
                + (outputTruncated ? ", outputTruncated" : "") + "]";
    }

    static Builder builder() {
        return new Builder();
    }

    /** Builds a result field by field (the sandbox's side: no positional run of booleans). */
    static final class Builder {
        private String stdout = "";
        private String stderr = "";
        private JsonNode value;
        private int exitCode;
        private Duration duration = Duration.ZERO;
        private long peakMemoryBytes;
        private boolean timeoutHit;
        private boolean memoryLimitHit;
        private boolean outputTruncated;
        private GuestError error;
        private boolean cpuTimeLimitHit;
        private Duration cpuTime;

        private Builder() {}

        Builder output(String stdout, String stderr, boolean truncated) {
            this.stdout = stdout;
            this.stderr = stderr;
            this.outputTruncated = truncated;
            return this;
        }

        Builder value(JsonNode value) {
            this.value = value;
            return this;
        }

        Builder exitCode(int exitCode) {
            this.exitCode = exitCode;
            return this;
        }

        Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        Builder peakMemoryBytes(long bytes) {
            this.peakMemoryBytes = bytes;
            return this;
        }

        Builder timeoutHit(boolean hit) {
            this.timeoutHit = hit;
            return this;
        }

        Builder memoryLimitHit(boolean hit) {
            this.memoryLimitHit = hit;
            return this;
        }

        Builder error(GuestError error) {
            this.error = error;
            return this;
        }

        Builder cpuTimeLimitHit(boolean hit) {
            this.cpuTimeLimitHit = hit;
            return this;
        }

        Builder cpuTime(Duration cpuTime) {
            this.cpuTime = cpuTime;
            return this;
        }

        ExecutionResult build() {
            return new ExecutionResult(this);
        }
    }
}

package io.wasmbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.wasmbox.spi.Json;
import java.time.Duration;

/**
 * Everything one run produced. A run that the guest ended badly (uncaught error, timeout, memory cap)
 * still yields a result: {@link Sandbox#run} never throws for what the guest did, {@link Sandbox#eval}
 * and {@link #valueOrThrow()} turn failures into typed exceptions.
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

    ExecutionResult(String stdout, String stderr, JsonNode value, int exitCode, Duration duration,
            long peakMemoryBytes, boolean timeoutHit, boolean memoryLimitHit, boolean outputTruncated,
            GuestError error) {
        this(stdout, stderr, value, exitCode, duration, peakMemoryBytes, timeoutHit, memoryLimitHit,
                outputTruncated, error, false, null);
    }

    ExecutionResult(String stdout, String stderr, JsonNode value, int exitCode, Duration duration,
            long peakMemoryBytes, boolean timeoutHit, boolean memoryLimitHit, boolean outputTruncated,
            GuestError error, boolean cpuTimeLimitHit, Duration cpuTime) {
        this.cpuTimeLimitHit = cpuTimeLimitHit;
        this.cpuTime = cpuTime;
        this.stdout = stdout;
        this.stderr = stderr;
        this.value = value == null ? NullNode.getInstance() : value;
        this.exitCode = exitCode;
        this.duration = duration;
        this.peakMemoryBytes = peakMemoryBytes;
        this.timeoutHit = timeoutHit;
        this.memoryLimitHit = memoryLimitHit;
        this.outputTruncated = outputTruncated;
        this.error = error;
    }

    public String stdout() {
        return stdout;
    }

    public String stderr() {
        return stderr;
    }

    /**
     * The value of the script's last expression, JSON-mapped: objects to {@code Map}, arrays to {@code
     * List}, integers to {@code Long} or {@code BigInteger}, other numbers to {@code Double}, strings,
     * booleans, and {@code null}. A guest value with no JSON form arrives as its string representation.
     */
    public Object value() {
        return Json.toJava(value);
    }

    /** The value as a JSON tree. */
    public JsonNode valueJson() {
        return value;
    }

    /** The value converted to {@code type} by Jackson. */
    public <T> T valueAs(Class<T> type) {
        return Json.convert(value, type);
    }

    /** 0 on success, the guest's {@code exit(n)} value, 1 after an uncaught error, 124 after a timeout. */
    public int exitCode() {
        return exitCode;
    }

    public Duration duration() {
        return duration;
    }

    /** Size of the guest's linear memory at its largest (WebAssembly memory never shrinks). */
    public long peakMemoryBytes() {
        return peakMemoryBytes;
    }

    public boolean timeoutHit() {
        return timeoutHit;
    }

    /** True when the run was stopped at its CPU-time limit ({@link Limits#cpuTime()}). */
    public boolean cpuTimeLimitHit() {
        return cpuTimeLimitHit;
    }

    /** CPU time the guest thread used in this run, or null when the JVM cannot measure thread CPU time. */
    public Duration cpuTime() {
        return cpuTime;
    }

    public boolean memoryLimitHit() {
        return memoryLimitHit;
    }

    public boolean outputTruncated() {
        return outputTruncated;
    }

    /** The uncaught guest error, or null. */
    public GuestError error() {
        return error;
    }

    /** True when the run ended normally with exit code 0. */
    public boolean succeeded() {
        return error == null && !timeoutHit && !cpuTimeLimitHit && exitCode == 0;
    }

    /**
     * The value when the run succeeded; otherwise the typed exception: {@link ExecutionTimeoutException},
     * {@link CpuTimeLimitException}, {@link MemoryLimitException} or {@link GuestException} (also for a non-zero exit code).
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
                + (timeoutHit ? ", timeoutHit" : "") + (cpuTimeLimitHit ? ", cpuTimeLimitHit" : "") + (memoryLimitHit ? ", memoryLimitHit" : "")
                + (outputTruncated ? ", outputTruncated" : "") + "]";
    }
}

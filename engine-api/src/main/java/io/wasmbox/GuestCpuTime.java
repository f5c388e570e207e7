package io.wasmbox;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of one run's guest thread, read from the JVM's {@link ThreadMXBean}: the guest thread notes
 * where its CPU clock stood when the run started and when it ended; the waiting caller reads it while the
 * run goes on, to enforce {@link Limits#cpuTime()}.
 *
 * <p>Only runs with a CPU-time limit are measured: a thread's CPU clock is a system call (2 µs each on a
 * virtualised machine, two a run: a sixth of a warm JavaScript {@code 1+1}).
 */
final class GuestCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = enable();

    private final boolean measured;
    private volatile long threadId = -1;
    private volatile long startNanos;
    private volatile long usedNanos = -1;

    private static boolean enable() {
        try {
            if (!THREADS.isThreadCpuTimeSupported()) return false;
            if (!THREADS.isThreadCpuTimeEnabled()) THREADS.setThreadCpuTimeEnabled(true);
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** A run's clock: measuring only when {@code measured} (the run has a CPU-time limit) and the JVM can. */
    GuestCpuTime(boolean measured) {
        this.measured = measured && SUPPORTED;
    }

    /** True when this JVM measures per-thread CPU time (HotSpot on Linux, macOS and Windows does). */
    static boolean supported() {
        return SUPPORTED;
    }

    /** Called on the guest thread as the run starts. */
    void started() {
        if (!measured) return;
        startNanos = THREADS.getCurrentThreadCpuTime();
        threadId = Thread.currentThread().threadId();
    }

    /** Called on the guest thread as the run ends. */
    void ended() {
        if (!measured || threadId < 0) return;
        usedNanos = THREADS.getCurrentThreadCpuTime() - startNanos;
    }

    /** CPU nanoseconds the run has used so far (0 before it started), or -1 when not measured. */
    long usedNanos() {
        if (!measured) return -1;
        long used = usedNanos;
        if (used >= 0) return used;
        long id = threadId;
        if (id < 0) return 0;
        long now = THREADS.getThreadCpuTime(id);
        return now < 0 ? -1 : Math.max(0, now - startNanos);
    }
}

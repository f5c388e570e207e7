package io.wasmbox.security;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Threads, descriptors and heap of the host JVM, as the suite checks them after hostile work. */
final class HostHealth {
    static final String GUEST_THREAD_PREFIX = "wasmbox-guest-";

    private HostHealth() {}

    /** Live threads that are not guest pool threads, by name. */
    static List<String> nonGuestThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.getName().startsWith(GUEST_THREAD_PREFIX)) names.add(t.getName());
        }
        names.sort(null);
        return names;
    }

    static int threadCount() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    static int guestThreadCount() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(GUEST_THREAD_PREFIX)) n++;
        }
        return n;
    }

    /**
     * Waits until every guest pool thread is back in the pool (parked waiting for work), up to {@code max}.
     * Returns the busy ones with their top frames, empty when all are idle.
     */
    static List<String> awaitGuestThreadsIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (; ; ) {
            List<String> busy = new ArrayList<>();
            for (Map.Entry<Thread, StackTraceElement[]> e :
                    Thread.getAllStackTraces().entrySet()) {
                Thread t = e.getKey();
                if (!t.isAlive() || !t.getName().startsWith(GUEST_THREAD_PREFIX)) continue;
                boolean idle = Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().equals("io.wasmbox.GuestThreads$Worker")
                                && f.getMethodName().equals("next"));
                if (!idle) {
                    StackTraceElement[] frames = e.getValue();
                    busy.add(t.getName() + " at " + Arrays.toString(Arrays.copyOf(frames, Math.min(6, frames.length))));
                }
            }
            if (busy.isEmpty() || System.nanoTime() > deadline) return busy;
            Thread.sleep(10);
        }
    }

    /** Waits until the idle guest threads have left the pool (30 s keep-alive), up to {@code max}. */
    static int awaitGuestThreadsGone(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        int n;
        while ((n = guestThreadCount()) > 0 && System.nanoTime() < deadline) Thread.sleep(200);
        return n;
    }

    /** Open file descriptors of this process (Linux). */
    static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Heap in use after full collections, settled. */
    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(150);
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

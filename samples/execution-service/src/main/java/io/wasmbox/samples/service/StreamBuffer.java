package io.wasmbox.samples.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Output of a streamed run waiting to be written to its client. The guest thread only appends (it never
 * waits for the client); consecutive output of the same stream is merged, so a million one-byte writes cost
 * a million appends, not a million events. What waits is bounded: when more than {@code limit} characters
 * are pending the buffer overflows, once, and calls its overflow action (which cuts the stream and stops the
 * run): a reader that does not keep up costs at most the limit, not the run's whole output.
 */
final class StreamBuffer {
    /** Most characters handed to the writer at once. */
    static final int SLICE = 16 * 1024;

    /** What the writer takes: whether the run started, output segments, whether it ended. */
    record Take(boolean started, List<String[]> segments, boolean end) {}

    private final long limit;
    private final Runnable onOverflow;
    private final ArrayDeque<String[]> segments = new ArrayDeque<>();
    private final ArrayDeque<StringBuilder> builders = new ArrayDeque<>();
    private long pending;
    private boolean started;
    private boolean startTaken;
    private boolean ended;
    private boolean overflowed;

    StreamBuffer(long limit, Runnable onOverflow) {
        this.limit = limit;
        this.onOverflow = onOverflow;
    }

    /** Appends output of {@code kind} (stdout or stderr); false once the buffer has overflowed. */
    boolean add(String kind, String text) {
        boolean overflowNow;
        synchronized (this) {
            if (overflowed) return false;
            if (pending + text.length() > limit) {
                overflowed = true;
                overflowNow = true;
                notifyAll();
            } else {
                String[] last = segments.peekLast();
                if (last != null && last[0].equals(kind)) {
                    builders.peekLast().append(text);
                } else {
                    segments.addLast(new String[] {kind});
                    builders.addLast(new StringBuilder(text));
                }
                pending += text.length();
                notifyAll();
                return true;
            }
        }
        if (overflowNow) onOverflow.run();
        return false;
    }

    synchronized void started() {
        started = true;
        notifyAll();
    }

    synchronized void end() {
        ended = true;
        notifyAll();
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    synchronized long pending() {
        return pending;
    }

    /**
     * Waits for something to write and takes up to {@link #SLICE} characters of output; {@code end} is only
     * set once all output has been taken. Returns null when {@code maxWaitNanos} passed with nothing (time for
     * a keep-alive comment) or when the buffer overflowed.
     */
    synchronized Take take(long maxWaitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (!overflowed && segments.isEmpty() && !ended && !(started && !startTaken)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (overflowed) return null;
        boolean start = started && !startTaken;
        startTaken |= start;
        List<String[]> out = new ArrayList<>();
        int taken = 0;
        while (!segments.isEmpty() && taken < SLICE) {
            String kind = segments.peekFirst()[0];
            StringBuilder sb = builders.peekFirst();
            int n = Math.min(sb.length(), SLICE - taken);
            if (n < sb.length() && n > 0 && Character.isHighSurrogate(sb.charAt(n - 1))) n--;
            if (n <= 0) break;
            out.add(new String[] {kind, sb.substring(0, n)});
            taken += n;
            if (n == sb.length()) {
                segments.removeFirst();
                builders.removeFirst();
            } else {
                sb.delete(0, n);
            }
        }
        pending -= taken;
        return new Take(start, out, ended && segments.isEmpty());
    }
}

package io.wasmbox;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Guest code runs on pooled daemon threads with a large stack, never on the caller's thread: the
 * interpreters compiled to JVM bytecode use deep JVM stacks, and the timeout works by interrupting the
 * thread that runs the guest, which must not be the application's own thread.
 *
 * <p>Handing a run to another thread costs two thread wake-ups, each 50-80 us on a virtualised 2-core
 * machine when the other thread is parked: as much as a warm {@code 1+1} itself. So both sides spin briefly
 * before parking: an idle worker polls for its next call, and the caller polls for the result, each for
 * {@link #SPIN_NANOS}. Back-to-back runs then hand over in a few microseconds; a sandbox used now and then
 * costs at most that much CPU per run. After the first {@link #PAUSE_NANOS} a waiting side yields its core
 * between polls instead of only pausing.
 *
 * <p>Spinning only pays while the spinner has a core of its own. A waiting side therefore spins only while
 * the guests running and the sides spinning, itself included, fit in the machine's cores ({@link #BUSY});
 * otherwise it parks at once. Measured on 2 cores, the execution service with 8 clients (2 guests running,
 * their callers and idle workers waiting) spent 30% of its CPU in these spins before this check.
 */
final class GuestThreads {
    /** Guest call depth is bounded by this stack; large frames of the AOT-compiled interpreters need room. */
    static final long STACK_BYTES = 256L * 1024 * 1024;
    /** How long a waiting side spins before parking. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** How long a waiting side only pauses between polls before it yields its core between them. */
    static final long PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(5);
    /** Cores a spinning side may use: beyond them it would take a core from a running guest. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** Guest calls running now plus waiting sides spinning now. */
    private static final AtomicInteger BUSY = new AtomicInteger();
    /** An idle worker thread ends after this long without work. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Idle workers, most recently used first (its caches are warm and it may still be spinning). */
    private static final ConcurrentLinkedDeque<Worker> IDLE = new ConcurrentLinkedDeque<>();

    private GuestThreads() {}

    static <T> Call<T> start(Supplier<T> work) {
        Call<T> call = new Call<>(work);
        for (Worker idle; (idle = IDLE.pollFirst()) != null; ) {
            if (idle.offer(call)) return call;
        }
        new Worker(call).start();
        return call;
    }

    /** Counts a waiting side as spinning if a core is free for it; false (count unchanged) if none is. */
    private static boolean startSpinning() {
        if (BUSY.incrementAndGet() <= CORES) return true;
        BUSY.decrementAndGet();
        return false;
    }

    /** One poll's wait: a pause at first, then a yield of the core to any thread that has work. */
    private static void spinOnce(long waitedNanos) {
        if (waitedNanos < PAUSE_NANOS) Thread.onSpinWait();
        else Thread.yield();
    }

    /** A pooled thread: runs calls handed to it through {@link #slot} until it idles out. */
    private static final class Worker extends Thread {
        private static final Runnable RETIRED = () -> {};
        /** The next call, null while idle, or {@link #RETIRED} once the worker has ended. */
        private final AtomicReference<Runnable> slot;

        Worker(Runnable first) {
            super(null, null, "wasmbox-guest-" + COUNTER.incrementAndGet(), STACK_BYTES);
            slot = new AtomicReference<>(first);
            setDaemon(true);
        }

        /** Hands a call to this idle worker; false when it has just retired. */
        boolean offer(Runnable call) {
            if (!slot.compareAndSet(null, call)) return false;
            LockSupport.unpark(this);
            return true;
        }

        @Override
        public void run() {
            Runnable call = slot.get();
            while (call != null) {
                call.run();
                call = null; // an idle worker must not pin its last call's sandbox (and its memory) from its stack
                call = next();
            }
        }

        /** Waits for the next call: spins, then parks; null when the worker retires. */
        private Runnable next() {
            slot.set(null);
            IDLE.addFirst(this);
            long start = System.nanoTime();
            boolean spinning = startSpinning();
            try {
                for (; ; ) {
                    Runnable call = slot.get();
                    if (call != null) return call;
                    long waited = System.nanoTime() - start;
                    if (spinning && waited < SPIN_NANOS) {
                        spinOnce(waited);
                        continue;
                    }
                    if (spinning) {
                        spinning = false;
                        BUSY.decrementAndGet();
                    }
                    if (waited < IDLE_NANOS) {
                        LockSupport.parkNanos(this, IDLE_NANOS - waited);
                        Thread.interrupted(); // a stale interrupt must not reach the next call
                    } else if (slot.compareAndSet(null, RETIRED)) {
                        IDLE.remove(this);
                        return null;
                    }
                }
            } finally {
                if (spinning) BUSY.decrementAndGet();
            }
        }
    }

    /** One guest call on a pool thread; the caller waits for it and may interrupt it. */
    static final class Call<T> implements Runnable {
        /** Dropped once run: the caller may keep the call (for its value) long after the sandbox is gone. */
        private Supplier<T> work;

        private final CountDownLatch done = new CountDownLatch(1);
        private Thread runner;
        private boolean finished;
        private boolean cancelled;
        private T value;
        private Throwable failure;

        Call(Supplier<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            synchronized (this) {
                runner = Thread.currentThread();
            }
            BUSY.incrementAndGet();
            try {
                synchronized (this) {
                    if (cancelled)
                        throw new com.dylibso.chicory.runtime.ChicoryInterruptedException("cancelled before start");
                }
                value = work.get();
            } catch (Throwable t) {
                failure = t;
            } finally {
                BUSY.decrementAndGet();
                work = null;
                synchronized (this) {
                    finished = true;
                    runner = null;
                }
                Thread.interrupted(); // an interrupt aimed at this call must not reach the next task
                done.countDown();
            }
        }

        /** Waits up to {@code nanos} (spinning first, see the class comment); true when the call finished. */
        boolean await(long nanos) throws InterruptedException {
            if (done.getCount() == 0) return true;
            long start = System.nanoTime();
            if (startSpinning()) {
                try {
                    long spin = Math.min(nanos, SPIN_NANOS);
                    while (done.getCount() > 0) {
                        long waited = System.nanoTime() - start;
                        if (waited >= spin) break;
                        if (Thread.interrupted()) throw new InterruptedException();
                        spinOnce(waited);
                    }
                } finally {
                    BUSY.decrementAndGet();
                }
                if (done.getCount() == 0) return true;
            }
            return done.await(nanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
        }

        /** Interrupts the guest if it is still running (this is how Chicory is told to stop). */
        synchronized void interrupt() {
            cancelled = true;
            if (!finished && runner != null) runner.interrupt();
        }

        T value() {
            return value;
        }

        Throwable failure() {
            return failure;
        }
    }
}

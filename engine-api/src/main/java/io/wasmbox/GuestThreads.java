package io.wasmbox;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Guest code runs on pooled daemon threads with a large stack, never on the caller's thread: the
 * interpreters compiled to JVM bytecode use deep JVM stacks, and the timeout works by interrupting the
 * thread that runs the guest, which must not be the application's own thread.
 */
final class GuestThreads {
    /** Guest call depth is bounded by this stack; large frames of the AOT-compiled interpreters need room. */
    static final long STACK_BYTES = 256L * 1024 * 1024;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ExecutorService POOL = new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(null, r, "wasmbox-guest-" + COUNTER.incrementAndGet(), STACK_BYTES);
                t.setDaemon(true);
                return t;
            });

    private GuestThreads() {}

    static <T> Call<T> start(Supplier<T> work) {
        Call<T> call = new Call<>(work);
        POOL.execute(call);
        return call;
    }

    /** One guest call on a pool thread; the caller waits for it and may interrupt it. */
    static final class Call<T> implements Runnable {
        private final Supplier<T> work;
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
            try {
                synchronized (this) {
                    if (cancelled) throw new com.dylibso.chicory.runtime.ChicoryInterruptedException("cancelled before start");
                }
                value = work.get();
            } catch (Throwable t) {
                failure = t;
            } finally {
                synchronized (this) {
                    finished = true;
                    runner = null;
                }
                Thread.interrupted(); // an interrupt aimed at this call must not reach the next task
                done.countDown();
            }
        }

        /** Waits up to {@code nanos}; true when the call finished. */
        boolean await(long nanos) throws InterruptedException {
            return done.await(nanos, TimeUnit.NANOSECONDS);
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

package io.wasmbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GuestThreadsTest {
    /**
     * An idle pooled worker (it idles 30 s before it ends) and a caller that keeps its finished call must not
     * keep what the call's work captured alive: in the service that is the last sandbox with all its linear
     * memory, per idle worker (found by HttpSurfaceTest's heap bound).
     */
    @Test
    void finishedCallPinsNothingItsWorkCaptured() throws Exception {
        Object[] holder = {new byte[8 << 20]};
        WeakReference<Object> captured = new WeakReference<>(holder[0]);
        GuestThreads.Call<Integer> call = runAndForget(holder);
        assertThat(call.value()).isEqualTo(8 << 20);
        for (int i = 0; i < 20 && captured.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(captured.get())
                .as("the work's captured state, with the worker idle and the call kept")
                .isNull();
    }

    private static GuestThreads.Call<Integer> runAndForget(Object[] holder) throws InterruptedException {
        Object big = holder[0];
        holder[0] = null;
        GuestThreads.Call<Integer> call = GuestThreads.start(() -> ((byte[]) big).length);
        assertThat(call.await(TimeUnit.SECONDS.toNanos(10))).isTrue();
        return call;
    }
}

package io.wasmbox.spi;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * What the shared layer gives a language to build one guest: the memory cap, the streams, the clock, the
 * randomness and the bound host functions, plus the policy every guest shares (no host environment,
 * arguments or files at the WASI level).
 *
 * @param memoryLimitBytes hard cap on the guest's linear memory
 * @param stdout where the guest's WASI stdout goes (capped and captured by the shared layer)
 * @param stderr where the guest's WASI stderr goes
 * @param stdin the guest's WASI stdin: a run's lazy stdin stream while it runs (see {@link
 *     GuestRequest#stdinStream()}), empty otherwise
 * @param clock the guest's clock, or null for the real one
 * @param randomSeed seed of the guest's random sources when {@code clock} is not null
 * @param hostCalls the sandbox's bound host functions, for the language's host-call channel
 */
public record GuestContext(
        long memoryLimitBytes,
        OutputStream stdout,
        OutputStream stderr,
        InputStream stdin,
        Clock clock,
        long randomSeed,
        HostCalls hostCalls) {
    private static final int PAGE_SIZE = 64 * 1024;
    private static final int MAX_PAGES = 65536;
    private static final int CLOCK_REALTIME = 0;

    /**
     * A context for a guest that will only be set up and snapshotted (no output, no stdin, no host calls).
     *
     * @param memoryLimitBytes the template's memory cap
     * @return the context
     */
    public static GuestContext forTemplate(long memoryLimitBytes) {
        OutputStream discard = OutputStream.nullOutputStream();
        return new GuestContext(
                memoryLimitBytes, discard, discard, InputStream.nullInputStream(), null, 0, HostCalls.NONE);
    }

    /**
     * WASI options with this sandbox's streams, clock and randomness and nothing of the host: no
     * environment, no arguments, no preopened directories. Languages add only what their driver needs.
     *
     * @return a builder languages add to
     */
    public WasiOptions.Builder wasiOptions() {
        return WasiOptions.builder()
                .withStdout(stdout, false)
                .withStderr(stderr, false)
                .withStdin(stdin, false)
                .withArguments(List.of("guest"))
                .withClock(clock != null ? clock : Clock.systemUTC())
                .withRandom(clock != null ? new Random(randomSeed) : new SecureRandom());
    }

    /**
     * The WASI host functions, hardened for guests:
     *
     * <ul>
     *   <li>a call the host's WASI cannot serve (an unsupported descriptor or feature, a bad pointer,
     *       an invalid clock) returns an errno to the guest instead of throwing through it: a Java
     *       exception unwinding a guest leaves its stack pointer corrupt and names Java classes;
     *   <li>when the guest's time is frozen, {@code clock_time_get} answers every clock (monotonic and
     *       CPU clocks too, which Chicory otherwise takes from {@link System#nanoTime()}) from {@link
     *       #clock()}, so nothing the guest measures depends on the host.
     * </ul>
     *
     * @param wasi the guest's WASI
     * @return the functions to import
     */
    public HostFunction[] wasiFunctions(WasiPreview1 wasi) {
        HostFunction[] functions = wasi.toHostFunctions();
        if (clock != null) functions = WasiFunctions.wrap(functions, "clock_time_get", this::frozenClock);
        return WasiFunctions.wrap(
                functions, f -> f.returnTypes().equals(List.of(ValType.I32)), GuestContext::errnoOnFailure);
    }

    /** {@code clock_time_get} answering every clock id from {@link #clock()}. */
    private WasmFunctionHandle frozenClock(WasmFunctionHandle real) {
        return (instance, args) -> {
            int clockId = (int) args[0];
            if (clockId < CLOCK_REALTIME || clockId > 3) return real.apply(instance, args);
            Instant now = clock.instant();
            instance.memory().writeLong((int) args[2], now.getEpochSecond() * 1_000_000_000L + now.getNano());
            return new long[] {WasiErrno.SUCCESS};
        };
    }

    private static WasmFunctionHandle errnoOnFailure(WasmFunctionHandle handle) {
        return (instance, args) -> {
            try {
                return handle.apply(instance, args);
            } catch (WasmRuntimeException e) {
                // Chicory 1.7 reports a bad guest pointer only as a WasmRuntimeException with this message
                String message = String.valueOf(e.getMessage());
                return new long[] {message.contains("out of bounds") ? WasiErrno.FAULT : WasiErrno.NOTSUP};
            } catch (IllegalArgumentException e) {
                return new long[] {WasiErrno.INVAL};
            }
        };
    }

    /**
     * The module's declared memory limits with the maximum set to this sandbox's cap.
     *
     * @param declared the module's declared limits
     * @return the limits with the cap as the maximum
     */
    public MemoryLimits memoryLimits(MemoryLimits declared) {
        int capPages = (int) Math.min(MAX_PAGES, memoryLimitBytes / PAGE_SIZE);
        if (declared.initialPages() > capPages) {
            throw new IllegalArgumentException("memory cap of " + memoryLimitBytes / (1024 * 1024)
                    + " MiB is below the guest's initial memory of "
                    + (long) declared.initialPages() * PAGE_SIZE / (1024 * 1024) + " MiB");
        }
        return new MemoryLimits(declared.initialPages(), capPages);
    }

    /**
     * The memory implementation every guest uses: 64 KiB byte-array pages, which HotSpot compiles far
     * better than the default ByteBuffer-backed memory (docs/BENCHMARKS.md). It is the same class as the
     * copy-on-write memory of instances restored from an {@link InstanceSnapshot} (here with no shared
     * pages), so that the compiled guest code only ever sees one {@link Memory} class: with two, every
     * memory access in the huge AOT-compiled interpreter methods inlines both, and C2 gives up inlining
     * sooner (a CPU-bound Python loop measured ~20% slower).
     *
     * @return the factory
     */
    public Function<MemoryLimits, Memory> memoryFactory() {
        return CopyOnWriteMemory::new;
    }

    /**
     * Whether a guest's memory refused a {@code memory.grow} at its maximum.
     *
     * @param memory a memory made by {@link #memoryFactory()}
     * @return true once a grow was refused
     */
    public static boolean growRefused(Memory memory) {
        return memory instanceof CopyOnWriteMemory m && m.growRefused();
    }
}

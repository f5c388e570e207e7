package io.wasmbox.spi;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;

/**
 * What the shared layer gives a language to build one guest: the memory cap and the output streams, plus
 * the policy every guest shares (no host environment, arguments or files at the WASI level).
 *
 * @param memoryLimitBytes hard cap on the guest's linear memory
 * @param stdout where the guest's WASI stdout goes (capped and captured by the shared layer)
 * @param stderr where the guest's WASI stderr goes
 * @param stdin the guest's WASI stdin: a run's lazy stdin stream while it runs (see {@link
 *     GuestRequest#stdinStream()}), empty otherwise
 */
public record GuestContext(long memoryLimitBytes, OutputStream stdout, OutputStream stderr, InputStream stdin) {
    private static final int PAGE_SIZE = 64 * 1024;
    private static final int MAX_PAGES = 65536;

    /**
     * WASI options with this sandbox's streams and nothing of the host: no environment, no arguments, no
     * preopened directories. Languages add only what their driver needs.
     */
    public WasiOptions.Builder wasiOptions() {
        return WasiOptions.builder()
                .withStdout(stdout, false)
                .withStderr(stderr, false)
                .withStdin(stdin, false)
                .withArguments(List.of("guest"));
    }

    /** The module's declared memory limits with the maximum set to this sandbox's cap. */
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
     * The memory implementation every guest uses: a plain byte array, which HotSpot compiles far better
     * than the default ByteBuffer-backed memory (docs/BENCHMARKS.md).
     */
    public Function<MemoryLimits, Memory> memoryFactory() {
        return ByteArrayMemory::new;
    }
}

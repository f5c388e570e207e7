package io.wasmbox.js;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.wasmbox.spi.WasiErrno;
import java.util.List;

/**
 * What the QuickJS module imports (src/main/quickjs/build.sh): its memory, the host-function callback
 * ({@code wasmbox.host_call}, to {@link Host#call}) and the four WASI calls the C library makes, done for a
 * sandbox: the clock is the sandbox's, there are no file descriptors but the guest's stderr for the
 * runtime's own diagnostics. Local time is UTC (wasi-libc has no time zones); heap growth is {@code
 * memory.grow}, bounded by the memory's cap.
 */
final class QuickJsImports {
    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;
    private static final String WASI = "wasi_snapshot_preview1";

    /** What a guest provides to its instance's imports. */
    interface Host {
        /** Milliseconds since the epoch ({@code Date.now()}). */
        double epochMillis();

        /** A call of a host function made with {@code QTS_NewFunction}: returns a JSValue* or 0 (undefined). */
        int call(int context, int argc, int argv, int id);

        /** Bytes the C runtime writes to a file descriptor (only diagnostics: scripts print through the driver). */
        void diagnostics(byte[] bytes);
    }

    private QuickJsImports() {}

    static ImportValues of(Memory memory, Host host) {
        return ImportValues.builder()
                .addMemory(new ImportMemory("env", "memory", memory))
                .addFunction(
                        new HostFunction(
                                "wasmbox",
                                "host_call",
                                FunctionType.of(List.of(I32, I32, I32, I32, I32), List.of(I32)),
                                (inst, a) -> new long[] {host.call((int) a[0], (int) a[2], (int) a[3], (int) a[4])}),
                        wasi("clock_time_get", List.of(I32, I64, I32), (inst, a) -> {
                            // every clock reads the sandbox's: QuickJS asks only for the time of day
                            inst.memory().writeLong((int) a[2], (long) (host.epochMillis() * 1_000_000d));
                            return new long[] {0};
                        }),
                        wasi("fd_close", List.of(I32), (inst, a) -> new long[] {0}),
                        wasi("fd_seek", List.of(I32, I64, I32, I32), (inst, a) -> new long[] {WasiErrno.SPIPE}),
                        wasi("fd_write", List.of(I32, I32, I32, I32), (inst, a) -> fdWrite(inst, host, a)))
                .build();
    }

    private static HostFunction wasi(String name, List<ValType> params, WasmFunctionHandle h) {
        return new HostFunction(WASI, name, FunctionType.of(params, List.of(I32)), h);
    }

    /** fd_write(fd, iovs, count, written): the runtime's own diagnostics, to the guest's stderr. */
    private static long[] fdWrite(Instance inst, Host host, long[] a) {
        Memory memory = inst.memory();
        int iovs = (int) a[1];
        int total = 0;
        for (int i = 0; i < (int) a[2]; i++) {
            int base = memory.readInt(iovs + 8 * i);
            int length = memory.readInt(iovs + 8 * i + 4);
            host.diagnostics(memory.readBytes(base, length));
            total += length;
        }
        memory.writeI32((int) a[3], total);
        return new long[] {0};
    }

    /** True when the linear memory is within 1 MiB of its cap (an allocation there may fail). */
    static boolean atMemoryCap(Memory memory) {
        return memory.maximumPages() - memory.pages() <= (1 << 20) / QuickJsModule.PAGE;
    }
}

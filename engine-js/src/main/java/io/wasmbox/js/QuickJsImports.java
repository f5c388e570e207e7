package io.wasmbox.js;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.wasmbox.ErrorKind;
import io.wasmbox.GuestError;
import io.wasmbox.spi.GuestCrashedException;
import io.wasmbox.spi.WasiErrno;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The 19 functions the QuickJS module imports (module {@code a}, minified names; their roles are in the
 * package's emscripten-module.mjs) and its memory. What emscripten's JavaScript glue does for a browser or
 * node, done for a sandbox: time comes from the sandbox's clock, local time is UTC, there is no environment,
 * no file descriptors but the guest's stderr for the runtime's own diagnostics, no timers of the C library,
 * no module loader; heap growth is bounded by the memory cap; the host-function callback goes to {@link
 * Host#call}.
 */
final class QuickJsImports {
    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;
    private static final ValType F64 = ValType.F64;

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
                .addMemory(new ImportMemory("a", "a", memory))
                .addFunction(
                        fn("b", List.of(I32, I32, I32, I32), List.of(), (inst, a) -> {
                            throw crash("assertion failed in the JavaScript runtime", inst);
                        }),
                        fn("c", List.of(I32, I32, I32, I32), List.of(I32), (inst, a) -> fdWrite(inst, host, a)),
                        fn("d", List.of(I32), List.of(I32), (inst, a) -> new long[] {WasiErrno.NOSYS}),
                        fn("e", List.of(I32, I32), List.of(I32), (inst, a) -> new long[] {0}),
                        fn("f", List.of(I32, I32), List.of(I32), (inst, a) -> {
                            inst.memory().writeI32((int) a[0], 0);
                            inst.memory().writeI32((int) a[1], 0);
                            return new long[] {0};
                        }),
                        fn("g", List.of(I32, I32, I32, I32), List.of(I32), (inst, a) -> new long[] {0}),
                        fn("h", List.of(I32, I32, I32), List.of(I32), (inst, a) -> new long[] {0}),
                        fn("i", List.of(I32), List.of(I32), (inst, a) -> new long[] {0}),
                        fn("j", List.of(I32, F64), List.of(I32), (inst, a) -> new long[] {0}),
                        fn("k", List.of(I32), List.of(I32), (inst, a) -> new long[] {resizeHeap(inst.memory(), a[0])}),
                        fn("l", List.of(), List.of(), (inst, a) -> null),
                        fn("m", List.of(I64, I32), List.of(), (inst, a) -> {
                            localTime(inst.memory(), a[0], (int) a[1]);
                            return null;
                        }),
                        fn("n", List.of(I32, I32, I32, I32), List.of(), (inst, a) -> {
                            timeZone(inst.memory(), a);
                            return null;
                        }),
                        fn("o", List.of(I32, I64, I32, I32), List.of(I32), (inst, a) -> new long[] {WasiErrno.SPIPE}),
                        fn("p", List.of(), List.of(F64), (inst, a) ->
                                new long[] {Double.doubleToRawLongBits(host.epochMillis())}),
                        fn("q", List.of(), List.of(), (inst, a) -> {
                            throw crash("the JavaScript runtime aborted", inst);
                        }),
                        fn("r", List.of(I32), List.of(), (inst, a) -> {
                            throw crash("the JavaScript runtime exited", inst);
                        }),
                        fn("s", List.of(I32, I32, I32, I32, I32), List.of(I32), (inst, a) ->
                                new long[] {host.call((int) a[0], (int) a[2], (int) a[3], (int) a[4])}),
                        fn("t", List.of(I32, I32), List.of(), (inst, a) -> null))
                .build();
    }

    private static HostFunction fn(String name, List<ValType> params, List<ValType> results, WasmFunctionHandle h) {
        return new HostFunction("a", name, FunctionType.of(params, results), h);
    }

    /**
     * emscripten_resize_heap: the allocator needs the memory to be at least {@code requested} bytes. Grows
     * with some room to spare (fewer, larger steps, as emscripten's glue does), never past the cap.
     */
    private static long resizeHeap(Memory memory, long requested) {
        long wanted = (requested + QuickJsModule.PAGE - 1) / QuickJsModule.PAGE;
        int pages = memory.pages();
        if (wanted <= pages) return 1;
        long target = Math.max(wanted, pages + pages / 8L);
        target = Math.min(target, memory.maximumPages());
        if (target < wanted) return 0;
        return memory.grow((int) (target - pages)) < 0 ? 0 : 1;
    }

    /** The C library's struct tm for {@code seconds}, in UTC (a sandbox has no local time zone). */
    private static void localTime(Memory memory, long seconds, int tm) {
        ZonedDateTime t = Instant.ofEpochSecond(seconds).atZone(ZoneOffset.UTC);
        memory.writeI32(tm, t.getSecond());
        memory.writeI32(tm + 4, t.getMinute());
        memory.writeI32(tm + 8, t.getHour());
        memory.writeI32(tm + 12, t.getDayOfMonth());
        memory.writeI32(tm + 16, t.getMonthValue() - 1);
        memory.writeI32(tm + 20, t.getYear() - 1900);
        memory.writeI32(tm + 24, t.getDayOfWeek().getValue() % 7);
        memory.writeI32(tm + 28, t.getDayOfYear() - 1);
        memory.writeI32(tm + 32, 0);
        memory.writeI32(tm + 36, 0);
    }

    /** tzset: UTC, no daylight saving. */
    private static void timeZone(Memory memory, long[] a) {
        memory.writeI32((int) a[0], 0);
        memory.writeI32((int) a[1], 0);
        byte[] utc = "UTC\0".getBytes(StandardCharsets.US_ASCII);
        memory.write((int) a[2], utc);
        memory.write((int) a[3], utc);
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

    /** The runtime gave up; with the memory at its cap that is the cap's doing. */
    private static GuestCrashedException crash(String what, Instance inst) {
        Memory memory = inst.memory();
        boolean atCap = atMemoryCap(memory);
        GuestError error = atCap
                ? new GuestError(
                        ErrorKind.MEMORY, GuestError.OUT_OF_MEMORY, what + ": out of memory within the cap", "", -1)
                : new GuestError(ErrorKind.INTERNAL, "InternalError", what, "", -1);
        return new GuestCrashedException(error, atCap, null);
    }
}

package io.wasmbox.python;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.wasmbox.ErrorKind;
import io.wasmbox.GuestError;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import io.wasmbox.spi.InstanceSnapshot;
import io.wasmbox.spi.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One CPython instance. The trino-wasm-python host ABI calls one Python function with typed arguments;
 * we use it as a string-in, string-out channel: {@code guest.run(request_json) -> response_json}.
 */
final class PythonGuest implements Guest {
    // trino-wasm-python type codes (little-endian i32 in type descriptors)
    private static final int ROW = 0;
    private static final int VARCHAR = 11;
    /** The driver's private directory: only guest.py, in an in-memory file system capped at 1 MiB. */
    private static final long SCRATCH_FS_BYTES = 1024 * 1024;
    /** How often {@link #train} runs each path: CPython 3.13 specialises an instruction after a few runs. */
    private static final int TRAINING_ROUNDS = 8;

    private final FileSystem fileSystem;
    private final WasiPreview1 wasi;
    private final Instance instance;
    private final Memory memory;
    private final ExportFunction allocate;
    private final ExportFunction deallocate;
    private final ExportFunction execute;
    private GuestError hostReportedError;
    /** The host function names of the last JSON request, which the driver uses for short-form requests. */
    private List<String> driverHostNames = List.of();

    /**
     * @param setUp the snapshot to start from, or null to instantiate the module and import the driver
     *     (done once per JVM, to make that snapshot)
     */
    PythonGuest(PythonGuestFactory factory, GuestContext context, InstanceSnapshot setUp) {
        this.fileSystem = Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setAttributeViews("unix") // WASI path_filestat_get needs unix attributes
                .setMaxSize(SCRATCH_FS_BYTES)
                .build());
        Path guestDir = fileSystem.getPath("/guest");
        try {
            Files.createDirectories(guestDir);
            Files.write(guestDir.resolve("guest.py"), factory.driver);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.wasi = WasiPreview1.builder()
                .withOptions(
                        context.wasiOptions().withDirectory("/guest", guestDir).build())
                .build();
        ImportValues imports = ImportValues.builder()
                .addFunction(new HostCallChannel(context.hostCalls()).wrap(context.wasiFunctions(wasi)))
                .addFunction(returnErrorFunction())
                .build();
        MemoryLimits memoryLimits = context.memoryLimits(factory.declaredMemory);
        this.instance = setUp != null
                ? setUp.restore(imports, factory.machineFactory, memoryLimits.maximumPages())
                : Instance.builder(factory.module)
                        .withImportValues(imports)
                        .withMachineFactory(factory.machineFactory)
                        .withMemoryFactory(context.memoryFactory())
                        .withMemoryLimits(memoryLimits)
                        .withStart(false)
                        .build();
        this.memory = instance.memory();
        this.allocate = instance.export("allocate");
        this.deallocate = instance.export("deallocate");
        this.execute = instance.export("execute");
        if (setUp == null) setup();
    }

    /**
     * Runs the driver's common paths (a short run, a JSON run that prints, an invoke) a few times on the
     * template, before its snapshot: CPython specialises the bytecode it runs and fills caches lazily,
     * and in the snapshot that work is done once for every sandbox: a fresh sandbox's first run then costs
     * about what its second did (docs/BENCHMARKS.md). What the runs leave is what any first
     * run leaves (the same globals, streams and environment); the source they registered for tracebacks
     * is dropped again.
     */
    void train() {
        GuestRequest shortRun =
                GuestRequest.builder(GuestRequest.RUN).code("1 + 1").build();
        GuestRequest jsonRun = GuestRequest.builder(GuestRequest.RUN)
                .code("print(\",\".join(str(x * 2) for x in [1, 2, 3]))")
                .args(List.of("training"))
                .build();
        GuestRequest invoke = GuestRequest.builder(GuestRequest.INVOKE)
                .target("len")
                .invokeArgs(List.of(Json.nodes().textNode("ab")))
                .build();
        train(List.of(shortRun, jsonRun, invoke), TRAINING_ROUNDS);
        GuestResponse cleanUp = run(GuestRequest.builder(GuestRequest.RUN)
                .code("import linecache as _l\n_l.cache.clear()\ndel _l")
                .args(List.of("training"))
                .build());
        if (cleanUp.error() != null) throw new IllegalStateException("training clean-up failed: " + cleanUp.error());
    }

    InstanceSnapshot snapshot() {
        return InstanceSnapshot.capture(instance.module(), instance);
    }

    /** Imports the driver and binds {@code run(str) -> str}. The type descriptors must stay allocated. */
    private void setup() {
        int name = writeCString("run");
        int argType = writeInts(ROW, 1, VARCHAR);
        int returnType = writeInts(VARCHAR);
        instance.export("setup").apply(name, argType, returnType);
    }

    @Override
    public GuestResponse run(GuestRequest request) {
        byte[] json = payload(request).getBytes(StandardCharsets.UTF_8);
        // ROW(VARCHAR) value: [i8 row present][i8 field present][i32 length][utf-8 bytes]
        int data = alloc(6 + json.length);
        memory.writeByte(data, (byte) 1);
        memory.writeByte(data + 1, (byte) 1);
        memory.writeI32(data + 2, json.length);
        memory.write(data + 6, json);
        hostReportedError = null;
        int result;
        try {
            result = (int) execute.apply(data)[0];
        } finally {
            deallocate.apply(data);
        }
        if (result == 0) {
            GuestError error = hostReportedError != null
                    ? hostReportedError
                    : new GuestError(
                            ErrorKind.INTERNAL, "InternalError", "the Python driver returned no result", "", -1);
            return new GuestResponse(null, 1, error, error.kind() == ErrorKind.MEMORY);
        }
        // VARCHAR result: [i32 size][i8 present][i32 length][utf-8 bytes]
        try {
            int length = memory.readInt(result + 5);
            String response = new String(memory.readBytes(result + 9, length), StandardCharsets.UTF_8);
            return GuestResponse.fromAnswer(response);
        } finally {
            deallocate.apply(result);
        }
    }

    /**
     * What the driver gets: a run or invoke with nothing but its code or target, and the host functions the
     * driver already knows, in a short form ({@code guest.py}'s {@code _request}); anything else as JSON,
     * which the driver parses at interpreted speed.
     */
    private String payload(GuestRequest request) {
        boolean plain = request.hasPlainContext() && request.hostFunctions().equals(driverHostNames);
        if (plain && GuestRequest.RUN.equals(request.mode())) return "r" + request.code();
        if (plain
                && GuestRequest.INVOKE.equals(request.mode())
                && request.target() != null
                && request.target().indexOf('\n') < 0) {
            return "i" + request.target() + "\n" + Json.write(request.invokeArgs());
        }
        driverHostNames = request.hostFunctions();
        return request.toJson();
    }

    @Override
    public long memoryBytes() {
        return memory.pages() * 65536L;
    }

    @Override
    public void close() {
        wasi.close();
        try {
            fileSystem.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code trino.return_error}: the driver itself failed (it catches everything the user code raises). */
    private HostFunction returnErrorFunction() {
        FunctionType type =
                FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32), List.of());
        return new HostFunction("trino", "return_error", type, (inst, args) -> {
            String message = readString((int) args[1], (int) args[2]);
            String traceback = readString((int) args[3], (int) args[4]);
            hostReportedError = driverFailure(message, traceback);
            return null;
        });
    }

    /**
     * The driver's own failure as {@code trino.return_error} reports it: CPython's {@code "Type: message"}
     * line, whose type is the exception class's name. Only the driver's failures arrive here (it catches
     * everything user code raises), and a MemoryError there is the guest out of memory.
     */
    static GuestError driverFailure(String message, String traceback) {
        int colon = message.indexOf(':');
        String type = (colon < 0 ? message : message.substring(0, colon)).strip();
        return type.equals("MemoryError")
                ? new GuestError(ErrorKind.MEMORY, "MemoryError", message, traceback, -1)
                : new GuestError(ErrorKind.INTERNAL, "InternalError", message, traceback, -1);
    }

    private String readString(int ptr, int len) {
        return ptr == 0 || len <= 0 ? "" : new String(memory.readBytes(ptr, len), StandardCharsets.UTF_8);
    }

    private int writeCString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int ptr = alloc(bytes.length + 1);
        memory.write(ptr, bytes);
        memory.writeByte(ptr + bytes.length, (byte) 0);
        return ptr;
    }

    private int writeInts(int... values) {
        int ptr = alloc(4 * values.length);
        for (int i = 0; i < values.length; i++) memory.writeI32(ptr + 4 * i, values[i]);
        return ptr;
    }

    private int alloc(int size) {
        return (int) allocate.apply(size)[0];
    }
}

package io.wasmbox.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.wasmbox.ErrorKind;
import io.wasmbox.GuestError;
import io.wasmbox.Units;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One sandbox's WebAssembly guest. A run instantiates the module afresh with the run's WASI state (argv,
 * environment, stdin) under the sandbox's memory cap: a command module runs {@code _start} to its end; a
 * reactor is kept for {@link GuestRequest#INVOKE} and {@link GuestRequest#GLOBAL} requests. Traps and
 * exits are the run's result, not a crash: the next run gets a fresh instance anyway.
 */
final class WasmGuest implements Guest {
    private static final int PAGE_SIZE = 64 * 1024;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ModuleCache modules;
    private final GuestContext context;
    /** The instance of the last run (its memory is what {@link #memoryBytes()} reports). */
    private Instance instance;
    /** The last run's reactor instance, or null. */
    private Instance reactor;

    private CompiledModule reactorModule;

    WasmGuest(ModuleCache modules, GuestContext context) {
        this.modules = modules;
        this.context = context;
    }

    @Override
    public GuestResponse run(GuestRequest request) {
        return switch (request.mode()) {
            case GuestRequest.RUN -> runModule(modules.load(request.code()), request);
            case GuestRequest.CHECK -> ok(null);
            case GuestRequest.INVOKE -> invoke(request.target(), request.invokeArgs());
            case GuestRequest.CALLABLE ->
                ok(JSON.booleanNode(reactor != null && exportedFunction(request.target()) != null));
            case GuestRequest.GLOBAL -> global(request.target());
            default -> error("Error", "unsupported request for a WebAssembly module: " + request.mode());
        };
    }

    GuestResponse runModule(CompiledModule module, GuestRequest request) {
        reactor = null;
        instance = null;
        MemoryLimits limits;
        try {
            limits = memoryLimits(module);
        } catch (IllegalArgumentException e) { // its initial memory is above the cap
            return new GuestResponse(
                    null, 1, new GuestError(ErrorKind.MEMORY, GuestError.OUT_OF_MEMORY, e.getMessage(), "", -1), true);
        }
        try (WasiPreview1 wasi =
                WasiPreview1.builder().withOptions(wasiOptions(request)).build()) {
            Instance.Builder builder = Instance.builder(module.module())
                    .withImportValues(ImportValues.builder()
                            .addFunction(context.wasiFunctions(wasi))
                            .build())
                    .withMachineFactory(module.machineFactory())
                    .withMemoryFactory(context.memoryFactory())
                    .withStart(false);
            if (limits != null) builder.withMemoryLimits(limits);
            try {
                instance = builder.build();
                if (module.isCommand()) {
                    instance.export("_start").apply();
                    return ok(null);
                }
                if (module.exportsFunction("_initialize"))
                    instance.export("_initialize").apply();
                reactor = instance;
                reactorModule = module;
                return ok(null);
            } catch (WasiExitException exit) {
                return new GuestResponse(null, exit.exitCode(), null, exit.exitCode() != 0 && capHit(limits));
            } catch (ChicoryInterruptedException e) {
                throw e; // the sandbox stopped the run (timeout, CPU time)
            } catch (ChicoryException | StackOverflowError | IllegalArgumentException e) {
                reactor = null;
                return trapped(e, limits);
            }
        }
    }

    private WasiOptions wasiOptions(GuestRequest request) {
        List<String> argv = new ArrayList<>();
        argv.add(request.fileName() != null ? request.fileName() : "main.wasm");
        if (request.args() != null) argv.addAll(request.args());
        WasiOptions.Builder options = context.wasiOptions().withArguments(argv);
        if (request.env() != null) request.env().forEach(options::withEnvironment);
        if (!request.stdinStream()) {
            String stdin = request.stdin() == null ? "" : request.stdin();
            options.withStdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false);
        }
        return options.build();
    }

    /** The module's own limits with the maximum lowered to the sandbox's cap (never raised above the module's). */
    private MemoryLimits memoryLimits(CompiledModule module) {
        MemoryLimits declared = module.declaredMemory();
        if (declared == null) return null;
        MemoryLimits capped = context.memoryLimits(declared);
        return new MemoryLimits(capped.initialPages(), Math.min(capped.maximumPages(), declared.maximumPages()));
    }

    private boolean capHit(MemoryLimits limits) {
        return instance != null
                && limits != null
                && GuestContext.growRefused(instance.memory())
                && (long) limits.maximumPages() * PAGE_SIZE >= context.memoryLimitBytes() - PAGE_SIZE + 1;
    }

    private GuestResponse trapped(Throwable e, MemoryLimits limits) {
        String message = e instanceof StackOverflowError ? "call stack exhausted" : String.valueOf(e.getMessage());
        if (instance == null && e instanceof IllegalArgumentException) {
            // instantiation refused: the module's initial memory is above the cap
            return new GuestResponse(
                    null, 1, new GuestError(ErrorKind.MEMORY, GuestError.OUT_OF_MEMORY, message, "", -1), true);
        }
        boolean outOfMemory = capHit(limits);
        GuestError error = outOfMemory
                ? new GuestError(
                        ErrorKind.MEMORY,
                        GuestError.OUT_OF_MEMORY,
                        "the module ran out of memory (cap " + Units.formatBytes(context.memoryLimitBytes())
                                + ") and trapped: " + message,
                        "",
                        -1)
                : e instanceof StackOverflowError
                        ? new GuestError(ErrorKind.STACK_OVERFLOW, GuestError.TRAP, message, "", -1)
                        : new GuestError(ErrorKind.TRAP, GuestError.TRAP, message, "", -1);
        return new GuestResponse(null, 1, error, outOfMemory);
    }

    private GuestResponse invoke(String name, List<JsonNode> args) {
        ExportFunction function = reactor == null ? null : exportedFunction(name);
        if (function == null) {
            return error(
                    "NameError",
                    reactor == null
                            ? "no reactor module is loaded: run a module without _start first, then invoke its exports"
                            : "the module exports no function '" + name + "'");
        }
        FunctionType type = reactor.exportType(name);
        List<JsonNode> given = args == null ? List.of() : args;
        if (given.size() != type.params().size()) {
            return error("TypeError", name + " takes " + type.params().size() + " arguments, got " + given.size());
        }
        long[] params = new long[given.size()];
        for (int i = 0; i < params.length; i++) {
            JsonNode arg = given.get(i);
            if (!arg.isNumber()) return error("TypeError", name + ": argument " + (i + 1) + " is not a number: " + arg);
            ValType t = type.params().get(i);
            if (t.equals(ValType.I32)) params[i] = arg.asInt();
            else if (t.equals(ValType.I64)) params[i] = arg.asLong();
            else if (t.equals(ValType.F32)) params[i] = Float.floatToRawIntBits((float) arg.asDouble());
            else if (t.equals(ValType.F64)) params[i] = Double.doubleToRawLongBits(arg.asDouble());
            else return error("TypeError", name + ": parameter " + (i + 1) + " is not a number type (" + t + ")");
        }
        try {
            long[] results = function.apply(params);
            List<JsonNode> values = new ArrayList<>();
            for (int i = 0; i < type.returns().size(); i++)
                values.add(number(type.returns().get(i), results[i]));
            return ok(
                    values.isEmpty()
                            ? null
                            : values.size() == 1
                                    ? values.getFirst()
                                    : JSON.arrayNode().addAll(values));
        } catch (WasiExitException exit) {
            reactor = null;
            return new GuestResponse(null, exit.exitCode(), null, false);
        } catch (ChicoryInterruptedException e) {
            throw e;
        } catch (ChicoryException | StackOverflowError e) {
            reactor = null; // its state may be half-updated
            return trapped(e, null);
        }
    }

    private GuestResponse global(String name) {
        if (reactor == null) return error("NameError", "no reactor module is loaded");
        GlobalInstance global;
        try {
            global = reactor.exports().global(name);
        } catch (ChicoryException e) {
            global = null;
        }
        if (global == null) return error("NameError", "the module exports no global '" + name + "'");
        return ok(number(global.getType(), global.getValue()));
    }

    private ExportFunction exportedFunction(String name) {
        if (name == null || reactor == null || !reactorModule.exportsFunction(name)) return null;
        return reactor.export(name);
    }

    private static JsonNode number(ValType type, long bits) {
        if (type.equals(ValType.I32)) return JSON.numberNode((int) bits);
        if (type.equals(ValType.I64)) return JSON.numberNode(bits);
        if (type.equals(ValType.F32)) return JSON.numberNode((double) Float.intBitsToFloat((int) bits));
        if (type.equals(ValType.F64)) return JSON.numberNode(Double.longBitsToDouble(bits));
        return JSON.textNode(type + ":" + bits);
    }

    private static GuestResponse ok(JsonNode value) {
        return new GuestResponse(value, 0, null, false);
    }

    private static GuestResponse error(String type, String message) {
        return new GuestResponse(null, 1, new GuestError(type, message, "", -1), false);
    }

    @Override
    public long memoryBytes() {
        Instance current = instance;
        return current == null || current.module().memorySection().isEmpty()
                ? 0
                : (long) current.memory().pages() * PAGE_SIZE;
    }

    @Override
    public void close() {
        instance = null;
        reactor = null;
    }
}

package io.wasmbox.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import io.wasmbox.ErrorKind;
import io.wasmbox.GuestError;
import io.wasmbox.InvalidCodeException;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;

/**
 * A guest whose code is source: a run takes the compilation its factory made before the run (compiling
 * now only if it was evicted since) and runs the module; compiler diagnostics are the run's {@code
 * CompileError}. Everything else is the {@link WasmGuest}'s.
 */
final class SourceGuest implements Guest {
    /** Error type of a run whose source did not compile; the message holds the compiler's diagnostics. */
    static final String COMPILE_ERROR = "CompileError";

    private final SourceModules sources;
    private final ModuleCache modules;
    private final WasmGuest wasm;

    SourceGuest(SourceModules sources, ModuleCache modules, WasmGuest wasm) {
        this.sources = sources;
        this.modules = modules;
        this.wasm = wasm;
    }

    @Override
    public GuestResponse run(GuestRequest request) {
        boolean check = GuestRequest.CHECK.equals(request.mode());
        if (!check && !GuestRequest.RUN.equals(request.mode())) return wasm.run(request);
        CompileResult compiled;
        try {
            compiled = sources.compile(request.code());
        } catch (InterruptedException e) {
            throw new ChicoryInterruptedException("interrupted while compiling");
        }
        if (!compiled.succeeded()) {
            String message = compiled.timedOut()
                    ? "compilation timed out\n" + compiled.diagnostics()
                    : compiled.diagnostics().isBlank()
                            ? "the compiler failed (exit " + compiled.exitCode() + ")"
                            : compiled.diagnostics();
            return new GuestResponse(null, 1, new GuestError(ErrorKind.SYNTAX, COMPILE_ERROR, message, "", -1), false);
        }
        if (check) return new GuestResponse(null, 0, null, false);
        CompiledModule module;
        try {
            module = modules.load(compiled.module());
        } catch (InvalidCodeException e) {
            return new GuestResponse(
                    null, 1, new GuestError(ErrorKind.SYNTAX, COMPILE_ERROR, e.getMessage(), "", -1), false);
        }
        return wasm.runModule(module, request);
    }

    @Override
    public long memoryBytes() {
        return wasm.memoryBytes();
    }

    @Override
    public void close() {
        wasm.close();
    }
}

package io.wasmbox.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import io.wasmbox.InvalidCodeException;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether bytes are a module Wasmbox can run: a WebAssembly binary that Chicory parses and
 * validates, whose every import is a WASI preview 1 function with its WASI signature, that neither
 * imports nor shares memory, and that exports a memory when it has WASI imports.
 */
final class ModuleValidator {
    static final String WASI_MODULE = "wasi_snapshot_preview1";
    private static final byte[] MAGIC = {0, 'a', 's', 'm'};
    private static final Map<String, FunctionType> WASI_FUNCTIONS = wasiFunctions();

    private ModuleValidator() {}

    /** @throws InvalidCodeException naming what is wrong */
    static WasmModule parseAndValidate(byte[] bytes) {
        if (bytes.length < 8
                || bytes[0] != MAGIC[0]
                || bytes[1] != MAGIC[1]
                || bytes[2] != MAGIC[2]
                || bytes[3] != MAGIC[3]) {
            throw new InvalidCodeException("not a WebAssembly module (it does not start with \\0asm)");
        }
        WasmModule module;
        try {
            module = Parser.parse(bytes);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidCodeException("invalid WebAssembly module: " + e.getMessage());
        }
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            checkImport(module, imports.getImport(i));
        }
        module.memorySection().ifPresent(memories -> {
            for (int i = 0; i < memories.memoryCount(); i++) {
                if (memories.getMemory(i).limits().shared()) {
                    throw new InvalidCodeException("shared memories (threads) are not supported");
                }
            }
        });
        return module;
    }

    private static void checkImport(WasmModule module, Import imported) {
        String name = imported.module() + "." + imported.name();
        if (!(imported instanceof FunctionImport function)) {
            throw new InvalidCodeException(
                    "the module imports " + imported.importType().name().toLowerCase() + " " + name
                            + "; only WASI preview 1 functions (" + WASI_MODULE + ") are provided");
        }
        FunctionType wasi = WASI_MODULE.equals(imported.module()) ? WASI_FUNCTIONS.get(imported.name()) : null;
        if (wasi == null) {
            throw new InvalidCodeException("the module imports " + name + ", which does not exist here: only WASI"
                    + " preview 1 functions (" + WASI_MODULE + ") are provided");
        }
        FunctionType declared = module.typeSection().getType(function.typeIndex());
        if (!declared.params().equals(wasi.params()) || !declared.returns().equals(wasi.returns())) {
            throw new InvalidCodeException(
                    "the module imports " + name + " as " + declared + ", but WASI's is " + wasi);
        }
    }

    private static Map<String, FunctionType> wasiFunctions() {
        Map<String, FunctionType> types = new HashMap<>();
        try (WasiPreview1 wasi = WasiPreview1.builder()
                .withOptions(WasiOptions.builder().build())
                .build()) {
            for (HostFunction f : wasi.toHostFunctions()) types.put(f.name(), f.functionType());
        }
        return Map.copyOf(types);
    }
}

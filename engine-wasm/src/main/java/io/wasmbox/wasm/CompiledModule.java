package io.wasmbox.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.function.Function;

/**
 * A validated module and its machine compiled to JVM bytecode: immutable, shared by every sandbox that
 * runs these bytes.
 *
 * @param sha256 hex SHA-256 of the module's bytes
 */
record CompiledModule(String sha256, WasmModule module, Function<Instance, Machine> machineFactory) {
    /** True for a command module (it exports {@code _start}); false for a reactor. */
    boolean isCommand() {
        return exportsFunction("_start");
    }

    boolean exportsFunction(String name) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            var e = exports.getExport(i);
            if (e.exportType() == ExternalType.FUNCTION && e.name().equals(name)) return true;
        }
        return false;
    }

    /** The module's own memory limits, or null when it has no memory. */
    MemoryLimits declaredMemory() {
        return module.memorySection()
                .filter(s -> s.memoryCount() > 0)
                .map(s -> s.getMemory(0).limits())
                .orElse(null);
    }
}

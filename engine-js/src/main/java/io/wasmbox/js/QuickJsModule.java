package io.wasmbox.js;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemoryImport;
import io.wasmbox.spi.Resources;
import java.util.function.Function;

/**
 * QuickJS compiled to WebAssembly by this project (src/main/quickjs/build.sh: QuickJS 2025-09-13 and
 * Wasmbox's embedding interface for wasm32-wasi) and compiled to JVM bytecode by the build ({@code
 * QuickJsWasmModule}): the parsed module and its machine factory.
 *
 * <p>The module imports its memory (the sandbox's, capped) with a minimum of {@link #MINIMUM_PAGES}: the 5
 * MiB shadow stack, placed first, then static data; the C library grows the heap above them with {@code
 * memory.grow}, which fails at the cap.
 */
final class QuickJsModule {
    static final int PAGE = 64 * 1024;
    /** The memory import's minimum: shadow stack plus static data (~5.1 MiB). */
    static final int MINIMUM_PAGES = 82;
    /** What a reactor module exports to run the C library's constructors before any other call. */
    static final String INITIALIZE = "_initialize";

    final WasmModule module;

    private QuickJsModule() {
        this.module = QuickJsWasmModule.load();
        int minimum = memoryImport(module).limits().initialPages();
        if (minimum != MINIMUM_PAGES) {
            throw new IllegalStateException("the QuickJS module's memory needs " + minimum + " pages, not "
                    + MINIMUM_PAGES + ": rebuilt without updating QuickJsModule.MINIMUM_PAGES");
        }
    }

    /** The parsed module, parsed on first use (not by the resource helpers below). */
    static QuickJsModule get() {
        return Parsed.INSTANCE;
    }

    private static final class Parsed {
        static final QuickJsModule INSTANCE = new QuickJsModule();
    }

    Function<Instance, Machine> machineFactory() {
        return QuickJsWasmModule::create;
    }

    private static MemoryImport memoryImport(WasmModule module) {
        ImportSection section = module.importSection();
        for (int i = 0; i < section.importCount(); i++) {
            if (section.getImport(i) instanceof MemoryImport memory) return memory;
        }
        throw new IllegalStateException("the QuickJS module imports no memory");
    }

    /** A resource of this package, as text. */
    static String resource(String name) {
        return Resources.text(QuickJsModule.class, name);
    }

    /** A resource of this package ({@code /}-prefixed names: of the class path). */
    static byte[] resourceBytes(String name) {
        return Resources.bytes(QuickJsModule.class, name);
    }
}

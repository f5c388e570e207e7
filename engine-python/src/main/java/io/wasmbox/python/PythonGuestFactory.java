package io.wasmbox.python;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.trino.wasm.python.Python;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.InstanceSnapshot;
import io.wasmbox.spi.Resources;
import java.util.function.Function;

/** Loads the CPython module once and creates isolated guests from it. */
final class PythonGuestFactory implements GuestFactory {
    /** Headroom above the pre-initialised interpreter's memory for setting up the driver and running code. */
    private static final long HEADROOM_BYTES = 2L * 1024 * 1024;

    private static final long TEMPLATE_MEMORY = 64L * 1024 * 1024;

    final WasmModule module;
    final Function<Instance, Machine> machineFactory;
    final MemoryLimits declaredMemory;
    final byte[] driver;
    /** A set-up interpreter (driver imported) that every guest starts from, instead of importing it again. */
    final InstanceSnapshot setUp;

    PythonGuestFactory() {
        Python python = new Python();
        this.module = python.wasmModule();
        this.machineFactory = python.machineFactory();
        this.declaredMemory = module.memorySection().orElseThrow().getMemory(0).limits();
        this.driver = resource("guest.py");
        try (PythonGuest template = new PythonGuest(this, GuestContext.forTemplate(TEMPLATE_MEMORY), null)) {
            template.train();
            this.setUp = template.snapshot();
        }
    }

    @Override
    public long minimumMemoryBytes() {
        return setUp.memoryBytes() + HEADROOM_BYTES;
    }

    @Override
    public Guest create(GuestContext context) {
        return new PythonGuest(this, context, setUp);
    }

    private static byte[] resource(String name) {
        return Resources.bytes(PythonGuestFactory.class, name);
    }
}

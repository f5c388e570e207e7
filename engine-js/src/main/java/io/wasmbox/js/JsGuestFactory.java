package io.wasmbox.js;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.roastedroot.quickjs4j.core.JavyPluginModule;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.HostCalls;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.InstanceSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Loads the QuickJS module once and makes every guest from one snapshot of an instance whose runtime is
 * initialised and whose driver is installed: a new sandbox skips QuickJS start-up, the driver's
 * compilation and its installation.
 */
final class JsGuestFactory implements GuestFactory {
    static final int PAGE = 64 * 1024;
    /** Room above the snapshot for a first run; real sandboxes get far more (default 128 MiB). */
    private static final long HEADROOM_BYTES = 2L * 1024 * 1024;
    /** The per-run module; the driver reads the request itself. Never {@code await} here (driver.js). */
    private static final String RUNNER = "__wasmbox_run();\n";

    final WasmModule module;
    final MemoryLimits declaredMemory;
    final InstanceSnapshot snapshot;
    /** Addresses inside the snapshot's memory: the runner's bytecode and the host-call return block. */
    final int runnerAddress;
    final int runnerLength;
    final int returnBlock;

    /** Extra set-up of the template after the driver is installed, before the snapshot is taken. */
    interface SetUp {
        void apply(JsGuest template);
    }

    /** The plain JavaScript factory, made once per JVM and shared (JavaScript and TypeScript guests). */
    static JsGuestFactory shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final JsGuestFactory INSTANCE = new JsGuestFactory(JavyPluginModule.load(), null);
    }

    /**
     * A factory whose snapshot holds the driver and, when {@code extra} is given, whatever it sets up
     * (TypeScript: the compiler), on the same QuickJS module.
     */
    JsGuestFactory(WasmModule module, SetUp extra) {
        this.module = module;
        this.declaredMemory = module.memorySection().orElseThrow().getMemory(0).limits();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        GuestContext setUp = new GuestContext(4L << 30, diagnostics, diagnostics, InputStream.nullInputStream(), null, 0,
                HostCalls.NONE);
        try (JsGuest template = JsGuest.template(this, setUp)) {
            try {
                template.initializeRuntime();
                byte[] driver = template.compile(resource("driver.js"));
                byte[] runner = template.compile(RUNNER.getBytes(StandardCharsets.UTF_8));
                this.returnBlock = template.allocate(8);
                this.runnerLength = runner.length;
                this.runnerAddress = template.allocate(runner.length);
                template.memory().write(runnerAddress, runner);
                template.evaluate(driver);
                if (extra != null) extra.apply(template);
            } catch (RuntimeException e) {
                throw new IllegalStateException("the JavaScript driver" + (extra == null ? "" : " or its set-up")
                        + " failed to install: "
                        + diagnostics.toString(StandardCharsets.UTF_8), e);
            }
            if (diagnostics.size() > 0) {
                throw new IllegalStateException("the JavaScript driver" + (extra == null ? "" : " or its set-up")
                        + " wrote during installation: "
                        + diagnostics.toString(StandardCharsets.UTF_8));
            }
            this.snapshot = InstanceSnapshot.capture(module, template.instance());
        }
    }

    @Override
    public long minimumMemoryBytes() {
        return snapshot.memoryBytes() + HEADROOM_BYTES;
    }

    @Override
    public Guest create(GuestContext context) {
        return JsGuest.restored(this, context);
    }

    private static byte[] resource(String name) {
        try (InputStream in = JsGuestFactory.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

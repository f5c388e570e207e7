package io.wasmbox.js;

import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.InstanceSnapshot;
import io.wasmbox.spi.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sets up one QuickJS runtime and context with the driver installed, snapshots it, and makes every guest
 * from that snapshot: a new sandbox skips QuickJS's start-up and the driver's evaluation.
 */
final class JsGuestFactory implements GuestFactory {
    /** Room above the snapshot for a first run; real sandboxes get far more (default 128 MiB). */
    private static final long HEADROOM_BYTES = 2L * 1024 * 1024;
    /** QuickJS's recursion limit, within the module's 5 MiB shadow stack (room left for host callbacks). */
    private static final int MAX_STACK_BYTES = 4 << 20;
    /** The cap the template is set up under (set-up code is trusted; the snapshot holds what it used). */
    private static final long TEMPLATE_CAP_BYTES = 1L << 30;
    /** How often {@link #train} runs each path. */
    private static final int TRAINING_ROUNDS = 8;

    final QuickJsModule module;
    final InstanceSnapshot snapshot;
    final JsGuest.Layout layout;

    /** Extra set-up of the template after the driver is installed, before the snapshot is taken. */
    interface SetUp {
        void apply(JsGuest template, int context);
    }

    /** The plain JavaScript factory, made once per JVM and shared (JavaScript and TypeScript guests). */
    static JsGuestFactory shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final JsGuestFactory INSTANCE = new JsGuestFactory(null);
    }

    /** A factory whose snapshot holds the driver and, when {@code extra} is given, whatever it sets up. */
    JsGuestFactory(SetUp extra) {
        this.module = QuickJsModule.get();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        GuestContext setUp = new GuestContext(
                TEMPLATE_CAP_BYTES,
                diagnostics,
                diagnostics,
                InputStream.nullInputStream(),
                null,
                0,
                io.wasmbox.spi.HostCalls.NONE);
        JsGuest template = JsGuest.template(module, setUp);
        Qts qts = template.qts();
        try {
            int runtime = qts.newRuntime();
            qts.setMaxStackSize(runtime, MAX_STACK_BYTES);
            int context = qts.newContext(runtime);
            int undefined = qts.undefined();
            int argv = qts.malloc(4 * 4);
            int scratch = qts.malloc(4);
            // driver.js is a function expression: called with the host function and the eval it runs scripts
            // with (indirect eval keeping recent compiled scripts), it returns {run, tick, finish}
            int install = template.evaluate(context, QuickJsModule.resource("driver.js"), "wasmbox:driver");
            int host = qts.newFunction(context, "host", JsGuest.DRIVER_HOST_FUNCTION);
            int eval = qts.newEval(context);
            template.instance().memory().writeI32(argv, host);
            template.instance().memory().writeI32(argv + 4, eval);
            int driver = qts.call(context, install, undefined, 2, argv);
            if (qts.resolveException(context, driver) != 0) {
                throw new IllegalStateException("the JavaScript driver failed to install");
            }
            qts.freeValue(context, host);
            qts.freeValue(context, eval);
            qts.freeValue(context, install);
            int run = property(template, context, driver, "run", argv);
            int tick = property(template, context, driver, "tick", argv);
            int finish = property(template, context, driver, "finish", argv);
            qts.freeValue(context, driver);
            JsGuest.Layout layout = new JsGuest.Layout(runtime, context, run, tick, finish, argv, scratch, undefined);
            template.layout(layout);
            if (extra != null) extra.apply(template, context);
            else train(template);
            this.layout = layout;
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "the JavaScript driver" + (extra == null ? "" : " or its set-up") + " failed to install: "
                            + diagnostics.toString(StandardCharsets.UTF_8),
                    e);
        }
        if (diagnostics.size() > 0) {
            throw new IllegalStateException("the JavaScript driver" + (extra == null ? "" : " or its set-up")
                    + " wrote during installation: " + diagnostics.toString(StandardCharsets.UTF_8));
        }
        this.snapshot = InstanceSnapshot.capture(module.module, template.instance());
    }

    /**
     * Runs the driver's common paths (a plain run, a JSON request, an invoke) a few times on the template
     * before its snapshot, so that what QuickJS makes on first use (atoms, shapes, the allocator's free
     * lists) is made once for every sandbox, as {@code PythonGuest.train} does for CPython. Nothing here reads
     * the clock or {@code Math.random} (the driver seeds on first use: the seed must stay each sandbox's).
     */
    private static void train(JsGuest template) {
        GuestRequest plainRun =
                GuestRequest.builder(GuestRequest.RUN).code("1 + 1").build();
        GuestRequest jsonRun = GuestRequest.builder(GuestRequest.RUN)
                .code("[1, 2, 3].map(x => x * 2).join(\",\")")
                .args(List.of("training"))
                .build();
        GuestRequest invoke = GuestRequest.builder(GuestRequest.INVOKE)
                .target("Math.max")
                .invokeArgs(List.of(Json.nodes().numberNode(1), Json.nodes().numberNode(2)))
                .build();
        template.train(List.of(plainRun, jsonRun, invoke), TRAINING_ROUNDS);
    }

    /** A factory over a snapshot taken earlier (at build time: {@link TypeScriptSnapshot}). */
    JsGuestFactory(InstanceSnapshot snapshot, JsGuest.Layout layout) {
        this.module = QuickJsModule.get();
        this.snapshot = snapshot;
        this.layout = layout;
    }

    /** {@code object[name]} as a JSValue* the template keeps (read with a tiny evaluated accessor). */
    private static int property(JsGuest template, int context, int object, String name, int argv) {
        Qts qts = template.qts();
        int getter = template.evaluate(context, "(o) => o." + name, "wasmbox:setup");
        template.instance().memory().writeI32(argv, object);
        int value = qts.call(context, getter, qts.undefined(), 1, argv);
        qts.freeValue(context, getter);
        if (qts.resolveException(context, value) != 0) throw new IllegalStateException("driver has no " + name);
        return value;
    }

    @Override
    public long minimumMemoryBytes() {
        return snapshot.memoryBytes() + HEADROOM_BYTES;
    }

    @Override
    public Guest create(GuestContext context) {
        return JsGuest.restored(this, context);
    }
}

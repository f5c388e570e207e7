package io.wasmbox.js;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ErrorKind;
import io.wasmbox.GuestError;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestCrashedException;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import io.wasmbox.spi.HostCalls;
import io.wasmbox.spi.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * One QuickJS runtime and context (one WebAssembly instance), driven through QuickJS's embedding API.
 *
 * <p>A run: the request JSON goes to the driver's {@code run} function ({@code QTS_Call}); the driver runs
 * the code as a global script (no module per run: nothing is left behind but what the script keeps) and
 * returns the response JSON, or {@code ""} when the run has work left: then this class runs the event loop,
 * pending jobs ({@code QTS_ExecutePendingJob}) first, then the driver's {@code tick} for the next timer,
 * until neither is left, and takes the response from the driver's {@code finish}.
 *
 * <p>The driver reaches the host through one function made with {@code QTS_NewFunction} and never exposed to
 * scripts: {@code host(op, text)} for host calls, output, stdin, the clock and the random seed.
 *
 * <p>Time: with a frozen clock, timers fire in deadline order on virtual time: waiting for a timer advances the
 * guest's clock instead of the host's. With the real clock the loop sleeps until the next timer is due.
 */
final class JsGuest implements Guest {
    // The driver's host operations (driver.js: OP_*).
    private static final int OP_CALL = 0;
    private static final int OP_STDOUT = 1;
    private static final int OP_STDERR = 2;
    private static final int OP_READ = 3;
    private static final int OP_NOW = 4;
    private static final int OP_EVAL_ASYNC = 5;
    private static final int OP_SEED = 6;
    private static final int OP_MONOTONIC = 7;
    /** The driver offers its run's value in binary form ({@link #takeValue}). */
    private static final int OP_VALUE = 8;
    /** {@link #takeValue}'s answers: read, and the driver checks it is plain data; read, and it is. */
    private static final int TAKEN = 1;

    private static final int TAKEN_PLAIN = 2;
    /** A run's answer when its value was taken in binary form: never JSON text (see driver.js). */
    private static final String VALUE_TAKEN = "\u0001";
    /** Added to an output op when the text crosses as a JSON string (it holds a NUL). */
    private static final int OP_AS_JSON = 16;
    /** Id of the driver's host function (QTS_NewFunction's host_ref_id). */
    static final int DRIVER_HOST_FUNCTION = 1;

    private static final int READ_CHUNK = 64 * 1024;

    /** Addresses inside the instance's memory, the same in every guest restored from one snapshot. */
    record Layout(int runtime, int context, int run, int tick, int finish, int argv, int scratch, int undefined) {}

    private final Instance instance;
    private final Qts qts;
    private final Memory memory;
    private Layout layout;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final InputStream stdin;
    private final HostCalls hostCalls;
    private final Clock clock;
    private final long randomSeed;
    /** How far the frozen clock has been advanced by timers. */
    private long virtualNanos;

    private final long monotonicOrigin = System.nanoTime();
    private final CharsetDecoder stdinDecoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer stdinBytes = ByteBuffer.allocate(READ_CHUNK);
    private boolean stdinEnded;
    /**
     * QuickJS's own out-of-memory error as it prints (JS_ThrowOutOfMemory: an InternalError with exactly
     * this message), the same test as the driver's {@code isOutOfMemory}; a script's error that merely
     * mentions memory is not it.
     */
    static final String QUICKJS_OUT_OF_MEMORY = "InternalError: out of memory";

    private String jobFailure;
    /** The run's value, read in binary form when the driver offered it; null otherwise. */
    private JsonNode takenValue;
    /** Whether values may leave in binary form (tests compare with the text path). */
    boolean valuesInBinary = true;
    /** Runs whose value left in binary form (for tests). */
    long valuesTaken;
    /** The host function names the driver holds for plain runs (it is sent them when they change). */
    private List<String> plainHostNames = List.of();

    /**
     * A guest in its factory's set-up state for trusted work of the host's own (the TypeScript compiler):
     * memory capped at {@code capBytes}, output discarded, no stdin, no host functions.
     */
    static JsGuest quiet(JsGuestFactory factory, long capBytes) {
        OutputStream discard = OutputStream.nullOutputStream();
        return restored(
                factory,
                new GuestContext(capBytes, discard, discard, InputStream.nullInputStream(), null, 0, HostCalls.NONE));
    }

    /** A guest in its factory's set-up state, with the memory cap of {@code context}. */
    static JsGuest restored(JsGuestFactory factory, GuestContext context) {
        int maxPages = (int) Math.min(65536, context.memoryLimitBytes() / QuickJsModule.PAGE);
        JsGuest[] self = new JsGuest[1];
        Memory memory = factory.snapshot.memory(maxPages);
        Instance instance = factory.snapshot.restore(
                QuickJsImports.of(memory, host(self)), factory.module.machineFactory(), maxPages);
        JsGuest guest = new JsGuest(instance, context);
        self[0] = guest;
        guest.layout = factory.layout;
        guest.qts.setMemoryLimit(factory.layout.runtime(), quickJsLimit(context.memoryLimitBytes()));
        return guest;
    }

    /** A new instance with nothing set up, for the factory to set up and snapshot. */
    static JsGuest template(QuickJsModule module, GuestContext context) {
        JsGuest[] self = new JsGuest[1];
        Memory memory = context.memoryFactory().apply(new MemoryLimits(QuickJsModule.MINIMUM_PAGES, (int)
                Math.min(65536, context.memoryLimitBytes() / QuickJsModule.PAGE)));
        Instance instance = Instance.builder(module.module)
                .withMachineFactory(module.machineFactory())
                .withImportValues(QuickJsImports.of(memory, host(self)))
                .build();
        JsGuest guest = new JsGuest(instance, context);
        self[0] = guest;
        instance.export(QuickJsModule.INITIALIZE).apply(); // the C library's constructors, before any other call
        return guest;
    }

    private static QuickJsImports.Host host(JsGuest[] self) {
        return new QuickJsImports.Host() {
            @Override
            public double epochMillis() {
                return self[0].epochMillis();
            }

            @Override
            public int call(int context, int argc, int argv, int id) {
                return self[0].hostFunction(context, argc, argv);
            }

            @Override
            public void diagnostics(byte[] bytes) {
                try {
                    self[0].stderr.write(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private JsGuest(Instance instance, GuestContext context) {
        this.instance = instance;
        this.qts = new Qts(instance);
        this.memory = instance.memory();
        this.stdout = context.stdout();
        this.stderr = context.stderr();
        this.stdin = context.stdin();
        this.hostCalls = context.hostCalls();
        this.clock = context.clock();
        this.randomSeed = context.randomSeed();
    }

    /**
     * QuickJS's own allocation limit: the cap less the static data and shadow stack below the heap and a
     * margin for the allocator's bookkeeping and the host's request strings. Past it QuickJS throws a
     * catchable {@code InternalError: out of memory} before the linear memory is exhausted.
     */
    static long quickJsLimit(long capBytes) {
        long heap = capBytes - (long) QuickJsModule.MINIMUM_PAGES * QuickJsModule.PAGE;
        return Math.max(1 << 20, heap - heap / 16 - (256 << 10));
    }

    @Override
    public GuestResponse run(GuestRequest request) {
        stdinDecoder.reset();
        stdinBytes.clear();
        stdinEnded = false;
        jobFailure = null;
        takenValue = null;
        try {
            String response = takeString(call(request), "run");
            if (response.isEmpty() || qts.isJobPending(layout.runtime())) {
                loop();
                response = takeString(qts.call(layout.context(), layout.finish(), layout.undefined(), 0, 0), "finish");
            }
            GuestResponse parsed = response.equals(VALUE_TAKEN) && takenValue != null
                    ? new GuestResponse(takenValue, 0, null, false)
                    : GuestResponse.fromAnswer(response);
            takenValue = null;
            if (jobFailure != null && parsed.error() == null) {
                boolean oom = jobFailure.equals(QUICKJS_OUT_OF_MEMORY);
                return new GuestResponse(
                        parsed.value(),
                        1,
                        new GuestError(oom ? "InternalError" : "Error", jobFailure, jobFailure + "\n", -1),
                        oom);
            }
            return parsed;
        } catch (ChicoryInterruptedException | GuestCrashedException e) {
            throw e;
        } catch (Qts.OutOfGuestMemory e) {
            throw outOfMemory(e);
        } catch (ChicoryException e) {
            throw crash(e);
        }
    }

    // The driver's run(kind, ...): see driver.js.
    private static final int REQUEST = 0;
    private static final int PLAIN_RUN = 1;
    private static final int PLAIN_INVOKE = 2;

    /**
     * Calls the driver's {@code run}. A run or invoke without stdin, args, environment, prelude or globals
     * (the common case) goes without a JSON request, which the driver would parse at interpreted speed:
     * code or target as it is, the host functions' names only when they changed, invoke's arguments as JSON.
     */
    private int call(GuestRequest request) {
        int kind = kind(request);
        if (kind == REQUEST) return callRun(REQUEST, request.toJson(), null, null);
        boolean namesChanged = !request.hostFunctions().equals(plainHostNames);
        int result = kind == PLAIN_RUN
                ? callRun(PLAIN_RUN, request.code(), namesChanged ? request.hostFunctions() : null, null)
                : callInvoke(request.target(), namesChanged ? request.hostFunctions() : null, request.invokeArgs());
        if (namesChanged) plainHostNames = request.hostFunctions();
        return result;
    }

    /**
     * A plain invoke: the arguments cross in QuickJS's binary object format ({@link Bjson}), read in C
     * instead of parsed from text by the guest; as JSON text when they are not plain JSON data or cannot
     * be read (out of memory: the text path then reports it).
     */
    private int callInvoke(String target, List<String> names, List<JsonNode> args) {
        byte[] bjson = Bjson.array(args);
        if (bjson != null) {
            int context = layout.context();
            int argsValue = qts.bjsonValue(context, bjson);
            if (argsValue != 0) {
                int exception = qts.resolveException(context, argsValue);
                if (exception == 0) {
                    try {
                        return callRun(PLAIN_INVOKE, target, names, null, argsValue);
                    } finally {
                        qts.freeValue(context, argsValue);
                    }
                }
                qts.freeValue(context, exception);
                qts.freeValue(context, argsValue);
            }
        }
        return callRun(PLAIN_INVOKE, target, names, Json.write(args), 0);
    }

    private int callRun(int kind, String text, List<String> names, String argsJson) {
        return callRun(kind, text, names, argsJson, 0);
    }

    /** The driver's run(kind, text, names, args): args as JSON text, or as the value {@code argsValue}. */
    private int callRun(int kind, String text, List<String> names, String argsJson, int argsValue) {
        int context = layout.context();
        int argv = layout.argv();
        int kindValue = qts.newFloat64(context, kind);
        int textValue = qts.newString(context, text);
        int namesValue = names != null ? qts.newString(context, Json.write(names)) : layout.undefined();
        if (argsValue == 0) argsValue = argsJson != null ? qts.newString(context, argsJson) : layout.undefined();
        memory.writeI32(argv, kindValue);
        memory.writeI32(argv + 4, textValue);
        memory.writeI32(argv + 8, namesValue);
        memory.writeI32(argv + 12, argsValue);
        try {
            return qts.call(context, layout.run(), layout.undefined(), 4, argv);
        } finally {
            qts.freeValue(context, kindValue);
            qts.freeValue(context, textValue);
            if (names != null) qts.freeValue(context, namesValue);
            if (argsJson != null) qts.freeValue(context, argsValue);
        }
    }

    /** How the request crosses: plain when it carries nothing but code or target (neither holding a NUL). */
    private static int kind(GuestRequest request) {
        if (!request.hasPlainContext()) return REQUEST;
        if (GuestRequest.RUN.equals(request.mode()) && request.code().indexOf('\0') < 0) return PLAIN_RUN;
        if (GuestRequest.INVOKE.equals(request.mode())
                && request.target() != null
                && request.target().indexOf('\0') < 0) {
            return PLAIN_INVOKE;
        }
        return REQUEST;
    }

    /** Runs pending jobs and due timers until none is left. */
    private void loop() {
        int runtime = layout.runtime();
        int context = layout.context();
        while (true) {
            if (qts.isJobPending(runtime)) {
                int done = qts.executePendingJobs(runtime, layout.scratch());
                int exception = qts.resolveException(context, done);
                if (exception != 0) {
                    if (jobFailure == null) jobFailure = qts.string(context, exception);
                    qts.freeValue(context, exception);
                }
                qts.freeValue(context, done);
                continue;
            }
            int next = qts.call(context, layout.tick(), layout.undefined(), 0, 0);
            int exception = qts.resolveException(context, next);
            if (exception != 0) {
                if (jobFailure == null) jobFailure = qts.string(context, exception);
                qts.freeValue(context, exception);
                qts.freeValue(context, next);
                continue;
            }
            double wait = qts.float64(context, next);
            qts.freeValue(context, next);
            if (wait < 0) return; // no timer left
            if (wait > 0) waitFor(wait);
        }
    }

    /** Until the next timer is due: on virtual time when the clock is frozen, else really. */
    private void waitFor(double millis) {
        long nanos = (long) Math.ceil(millis * 1_000_000d);
        if (clock != null) {
            virtualNanos += nanos;
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChicoryInterruptedException("interrupted while waiting for a timer");
        }
    }

    /** The string in JSValue* {@code value} (freed); an exception the driver let through is the run's error. */
    private String takeString(int value, String what) {
        int context = layout.context();
        if (value == 0) throw outOfMemory(null);
        int exception = qts.resolveException(context, value);
        if (exception != 0) {
            String text = String.valueOf(qts.string(context, exception));
            qts.freeValue(context, exception);
            qts.freeValue(context, value);
            boolean oom = text.equals(QUICKJS_OUT_OF_MEMORY);
            String type = text.indexOf(':') > 0 ? text.substring(0, text.indexOf(':')) : "InternalError";
            return "!{\"value\":null,\"exitCode\":1,\"outOfMemory\":" + oom + ",\"error\":{\"type\":"
                    + Json.write(type) + ",\"message\":" + Json.write("the driver's " + what + " failed: " + text)
                    + ",\"stack\":\"\",\"line\":-1}}";
        }
        String text = qts.string(context, value);
        qts.freeValue(context, value);
        return text == null ? "" : text;
    }

    /** The driver's host function: {@code host(op, text)}. Returns a JSValue* the caller frees, or 0. */
    private int hostFunction(int context, int argc, int argv) {
        int op = argc > 0 ? (int) qts.float64(context, argv) : -1;
        if (op == OP_VALUE) return takeValue(context, argc > 1 ? argv + Qts.VALUE_BYTES : 0);
        String text = argc > 1 ? qts.string(context, argv + Qts.VALUE_BYTES) : null;
        try {
            switch (op) {
                case OP_CALL:
                    return hostReply(context, hostCalls.call(text));
                case OP_STDOUT:
                    stdout.write(text.getBytes(StandardCharsets.UTF_8));
                    return 0;
                case OP_STDERR:
                    stderr.write(text.getBytes(StandardCharsets.UTF_8));
                    return 0;
                case OP_STDOUT + OP_AS_JSON:
                    stdout.write(Json.parse(text).asText().getBytes(StandardCharsets.UTF_8));
                    return 0;
                case OP_STDERR + OP_AS_JSON:
                    stderr.write(Json.parse(text).asText().getBytes(StandardCharsets.UTF_8));
                    return 0;
                case OP_READ:
                    String chunk = readStdin();
                    return chunk == null ? 0 : qts.newString(context, chunk);
                case OP_NOW:
                    return qts.newFloat64(context, epochMillis());
                case OP_EVAL_ASYNC:
                    return qts.eval(context, text, "<input>", Qts.EVAL_ASYNC);
                case OP_SEED:
                    return qts.newFloat64(context, seed());
                case OP_MONOTONIC:
                    return qts.newFloat64(context, monotonicNanos() / 1e6);
                default:
                    return 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The driver offers a run's plain value (an object or array) to be read in QuickJS's binary format
     * ({@link Bjson#read}) instead of written as JSON text: {@link #TAKEN_PLAIN} when taken and the C writer
     * found only plain objects and arrays, {@link #TAKEN} when taken but the driver must still check that
     * (the run then answers {@link #VALUE_TAKEN}), 0 when refused (the driver writes the text).
     */
    private int takeValue(int context, int value) {
        takenValue = null;
        if (value == 0 || !valuesInBinary) return 0;
        Qts.WrittenValue written;
        try {
            written = qts.writeValue(context, value);
            takenValue = written == null ? null : Bjson.read(written.bytes());
        } catch (ChicoryInterruptedException e) {
            throw e; // the run's timeout
        } catch (RuntimeException e) {
            return 0; // the driver writes JSON text, which reports whatever went wrong
        }
        if (takenValue == null) return 0;
        valuesTaken++;
        return qts.newFloat64(context, written.plainData() ? TAKEN_PLAIN : TAKEN);
    }

    /** A host call's reply as the driver's callHost reads it: a number as itself, else a tagged string. */
    private int hostReply(int context, HostCalls.Reply reply) {
        if (reply.error() != null) {
            String message = reply.error();
            return qts.newString(context, message.indexOf('\0') < 0 ? "e" + message : "E" + Json.write(message));
        }
        JsonNode value = reply.value();
        if (value.isNumber()) {
            double d = value.doubleValue();
            // NaN and the infinities reach the guest as the strings JSON writes for them, as they always have
            return Double.isFinite(d) ? qts.newFloat64(context, d) : qts.newString(context, "s" + d);
        }
        if (value.isTextual() && value.textValue().indexOf('\0') < 0) {
            return qts.newString(context, "s" + value.textValue());
        }
        return qts.newString(context, "j" + reply.json());
    }

    /** The next piece of the run's stdin stream as text (UTF-8 split safely), or null at its end. */
    private String readStdin() throws IOException {
        if (stdinEnded) return null;
        CharBuffer chars = CharBuffer.allocate(READ_CHUNK + 8);
        while (chars.position() == 0) {
            int n = stdin.read(stdinBytes.array(), stdinBytes.position(), stdinBytes.remaining());
            if (n < 0) {
                stdinBytes.flip();
                stdinDecoder.decode(stdinBytes, chars, true);
                stdinDecoder.flush(chars);
                stdinBytes.clear();
                stdinEnded = true;
                break;
            }
            stdinBytes.position(stdinBytes.position() + n);
            stdinBytes.flip();
            stdinDecoder.decode(stdinBytes, chars, false);
            stdinBytes.compact();
        }
        chars.flip();
        if (chars.length() == 0) return null;
        String s = chars.toString();
        // NUL cannot cross as a C string: the driver's stdin gets it back from the escape
        return s.indexOf('\0') < 0 ? s : s.replace("\0", "\uFFFD");
    }

    private double epochMillis() {
        Instant now = clock != null ? clock.instant() : Instant.now();
        return now.toEpochMilli() + (now.getNano() % 1_000_000) / 1e6 + virtualNanos / 1e6;
    }

    private long monotonicNanos() {
        if (clock != null) return virtualNanos;
        return System.nanoTime() - monotonicOrigin;
    }

    /** Math.random's seed: from the sandbox's seed when deterministic, else fresh. */
    private double seed() {
        long s = clock != null ? mix(randomSeed) : new SecureRandom().nextLong();
        return (double) (s >>> 11); // exact in a double: 53 bits
    }

    /** SplitMix64's finaliser: neighbouring seeds give unrelated sequences. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private GuestCrashedException outOfMemory(Throwable cause) {
        return new GuestCrashedException(
                new GuestError(
                        ErrorKind.MEMORY,
                        GuestError.OUT_OF_MEMORY,
                        "the JavaScript runtime could not allocate memory within the cap",
                        "",
                        -1),
                true,
                cause);
    }

    /** Names the machine failures QuickJS cannot report itself; anything else is left to the sandbox. */
    private RuntimeException crash(ChicoryException e) {
        if (QuickJsImports.atMemoryCap(memory)) return outOfMemory(e);
        // Chicory 1.7 reports an exhausted call stack only as a plain ChicoryException with this message.
        String message = String.valueOf(e.getMessage());
        if (message.contains("call stack exhausted")) {
            return new GuestCrashedException(
                    new GuestError(
                            ErrorKind.STACK_OVERFLOW,
                            GuestError.STACK_OVERFLOW,
                            "Maximum call stack size exceeded (too deep recursion)",
                            "",
                            -1),
                    false,
                    e);
        }
        return e;
    }

    @Override
    public long memoryBytes() {
        return memory.pages() * (long) QuickJsModule.PAGE;
    }

    @Override
    public void close() {
        // nothing outside the instance: it goes with its last reference
    }

    // ---- used by JsGuestFactory to set up the template -------------------------------------------

    Instance instance() {
        return instance;
    }

    Qts qts() {
        return qts;
    }

    void layout(Layout layout) {
        this.layout = layout;
    }

    /** Evaluates trusted set-up code as a global script; its value as a JSValue* (throws on an exception). */
    int evaluate(int context, String code, String fileName) {
        int value = qts.eval(context, code, fileName, 0);
        int exception = qts.resolveException(context, value);
        if (exception != 0) {
            String text = qts.string(context, exception);
            throw new IllegalStateException("set-up code " + fileName + " failed: " + text);
        }
        return value;
    }
}

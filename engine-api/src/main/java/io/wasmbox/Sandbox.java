package io.wasmbox;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasi.WasiExitException;
import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestCrashedException;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import io.wasmbox.spi.HostCalls;
import io.wasmbox.spi.Json;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One isolated guest interpreter: its own linear memory, globals that persist between runs, and hard
 * limits. Obtain one from {@link Interpreter#newSandbox}; free it with {@link #close()}.
 *
 * <p>Thread-safe: runs on one sandbox are serialised. A run stopped at its timeout, or a guest that
 * crashed (trap, stack overflow, process exit), leaves the sandbox discarded: later runs throw {@link
 * SandboxClosedException}. Errors the guest raises and handles itself (including its own out-of-memory
 * error) leave it usable.
 */
public final class Sandbox implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Sandbox.class.getName());
    /** How long a stopped guest gets to unwind after its interrupt before the run reports anyway. */
    private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Shortest wait between two reads of the guest's CPU clock near its CPU-time limit. */
    private static final long MIN_CPU_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Interpreter interpreter;
    private final GuestFactory factory;
    private final SandboxOptions options;
    private final Limits limits;
    private final Map<String, HostFunction> hostFunctions = new java.util.concurrent.ConcurrentHashMap<>();
    /** The thread running this sandbox's guest, so a host function cannot re-enter its own sandbox. */
    private volatile Thread guestThread;
    /** Set while the sandbox interrupts a run it is stopping, so host calls let that interrupt through. */
    private volatile boolean stopping;
    private final Guest guest;
    private final RedirectableOutputStream stdout = new RedirectableOutputStream();
    private final RedirectableOutputStream stderr = new RedirectableOutputStream();
    private final RunStdin stdin = new RunStdin();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private volatile String discardedBecause;

    Sandbox(Interpreter interpreter, GuestFactory factory, SandboxOptions options) {
        this.interpreter = interpreter;
        this.factory = factory;
        this.options = options;
        this.limits = options.limits();
        this.guest = factory.create(new GuestContext(limits.memoryBytes(), stdout, stderr, stdin, options.clock(),
                options.randomSeed(), new HostCalls(hostFunctions, () -> stopping)));
    }

    public Interpreter interpreter() {
        return interpreter;
    }

    public Limits limits() {
        return limits;
    }

    public SandboxOptions options() {
        return options;
    }

    /**
     * Grants the guest a host function: from the next run on, {@code name} is a global function in the
     * guest that calls {@code function} with its arguments as JSON. Binding is per sandbox; binding a
     * name again replaces the function.
     *
     * @throws IllegalArgumentException if {@code name} is not a plain identifier
     */
    public Sandbox bind(String name, HostFunction function) {
        Objects.requireNonNull(function, "function");
        if (name == null || !name.matches("[A-Za-z_$][A-Za-z0-9_$]*") || name.startsWith("__")) {
            throw new IllegalArgumentException("host function name must be an identifier not starting with '__': "
                    + name);
        }
        hostFunctions.put(name, function);
        return this;
    }

    /**
     * Withdraws a host function: from the next run on the guest can no longer call it (a call the guest
     * still makes through a kept reference fails with its {@code HostFunctionError}). Unknown names are
     * ignored.
     */
    public Sandbox unbind(String name) {
        if (name != null) hostFunctions.remove(name);
        return this;
    }

    /** Names of the bound host functions. */
    public java.util.Set<String> boundFunctions() {
        return java.util.Set.copyOf(hostFunctions.keySet());
    }

    /**
     * Calls the guest's global function {@code function} (or a method, with a dotted path such as {@code
     * calculator.add}) with JSON-mapped arguments. Like {@link #run}, never throws for what the guest
     * does; the result's value is the function's return value.
     */
    public ExecutionResult invoke(String function, Object... args) {
        Objects.requireNonNull(function, "function");
        List<JsonNode> json = new java.util.ArrayList<>(args.length);
        for (Object arg : args) json.add(Json.toTree(arg));
        return request(GuestRequest.INVOKE, "", function, json, RunOptions.none());
    }

    /**
     * A Java object implementing {@code type} with the guest's functions: each method call is {@link
     * #invoke} of the function with the method's name (or, with {@code objectPath}, of that guest
     * object's method), arguments JSON-mapped, the result converted to the method's declared (generic)
     * return type by Jackson. A guest failure surfaces as the typed {@link WasmboxException}.
     *
     * @param objectPath a guest global object whose methods implement {@code type}, or null for global functions
     * @throws IllegalArgumentException if {@code type} is not an interface or the guest lacks one of its methods
     */
    public <T> T asInterface(String objectPath, Class<T> type) {
        if (type == null || !type.isInterface()) throw new IllegalArgumentException("not an interface: " + type);
        List<String> missing = missingFunctions(objectPath, type);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the guest does not define " + String.join(", ", missing)
                    + " needed by " + type.getName());
        }
        return GuestProxy.create(this, objectPath == null ? "" : objectPath + ".", type);
    }

    /** {@link #asInterface(String, Class)} with the guest's global functions. */
    public <T> T asInterface(Class<T> type) {
        return asInterface(null, type);
    }

    /** The abstract methods of {@code type} the guest does not define as functions. */
    public List<String> missingFunctions(String objectPath, Class<?> type) {
        String prefix = objectPath == null ? "" : objectPath + ".";
        List<String> missing = new java.util.ArrayList<>();
        for (java.lang.reflect.Method m : type.getMethods()) {
            if (java.lang.reflect.Modifier.isAbstract(m.getModifiers()) && !hasFunction(prefix + m.getName())) {
                missing.add(prefix + m.getName());
            }
        }
        return missing;
    }

    /** The guest's global {@code name}, JSON-mapped, or null when it is undefined (or null). */
    public Object getGlobal(String name) {
        ExecutionResult r = request(GuestRequest.GLOBAL, "", Objects.requireNonNull(name, "name"), List.of(),
                RunOptions.none());
        return r.error() == null ? r.valueOrThrow() : null;
    }

    /** True when {@code name} (or a dotted path) is a callable global in the guest. */
    public boolean hasFunction(String name) {
        return Boolean.TRUE.equals(request(GuestRequest.CALLABLE, "", Objects.requireNonNull(name, "name"),
                List.of(), RunOptions.none()).valueOrThrow());
    }

    /**
     * Compiles {@code code} without running it. Returns null when it compiles, else the syntax error (with
     * its line). Runs of the same code then reuse the compiled form where the language can.
     */
    public GuestError check(String code) {
        checkCode(Objects.requireNonNull(code, "code"), "");
        return request(GuestRequest.CHECK, code, null, List.of(), RunOptions.none()).error();
    }

    /** Runs code and returns its value, or throws the typed error (see {@link ExecutionResult#valueOrThrow()}). */
    public Object eval(String code) {
        return run(code, RunOptions.none()).valueOrThrow();
    }

    public ExecutionResult run(String code) {
        return run(code, RunOptions.none());
    }

    /** Runs UTF-8 encoded code; invalid UTF-8 is an {@link InvalidCodeException}. */
    public ExecutionResult run(byte[] utf8Code, RunOptions options) {
        return run(decodeUtf8(utf8Code), options);
    }

    /**
     * Runs code with the given options. Never throws for what the guest does (errors, exit codes,
     * timeout, memory cap: all are in the result); throws for input that cannot run: {@link
     * InvalidCodeException}, {@link CodeTooLargeException}, {@link InputTooLargeException}, {@link
     * SandboxClosedException}.
     */
    public ExecutionResult run(String code, RunOptions options) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(options, "options");
        checkCode(code, options.prelude());
        long stdinBytes = utf8Length(options.stdin());
        if (stdinBytes > limits.maxStdinBytes()) {
            throw new InputTooLargeException("stdin is " + stdinBytes + " bytes, over the limit of "
                    + Limits.formatBytes(limits.maxStdinBytes()));
        }
        return request(GuestRequest.RUN, code, null, List.of(), options);
    }

    private ExecutionResult request(String mode, String code, String target, List<JsonNode> invokeArgs,
            RunOptions options) {
        if (Thread.currentThread() == guestThread) {
            throw new IllegalStateException("a host function cannot run code in its own sandbox");
        }
        GuestRequest request = new GuestRequest(mode, code, options.fileName(), options.stdin(),
                options.stdinStream() != null, options.args(), options.env(), options.prelude(),
                toJsonGlobals(options.globals()), List.copyOf(hostFunctions.keySet()), target, invokeArgs);
        lock.lock();
        try {
            ensureUsable();
            stdin.redirect(options.stdinStream(), limits.maxStdinBytes());
            return execute(request, options.outputListener(),
                    options.timeout() != null ? options.timeout() : limits.timeout());
        } finally {
            stdin.redirect(null, 0);
            lock.unlock();
            if (closed && !lock.isLocked()) closeGuestQuietly();
        }
    }

    private ExecutionResult execute(GuestRequest request, OutputListener listener, Duration timeout) {
        OutputCapture capture = new OutputCapture(limits.maxOutputBytes(), listener);
        stdout.redirect(capture.stdout());
        stderr.redirect(capture.stderr());
        long start = System.nanoTime();
        GuestCpuTime cpu = new GuestCpuTime();
        GuestThreads.Call<GuestResponse> call = GuestThreads.start(() -> {
            guestThread = Thread.currentThread();
            cpu.started();
            try {
                return guest.run(request);
            } finally {
                cpu.ended();
                guestThread = null;
            }
        });
        boolean timedOut = false;
        boolean cpuLimitHit = false;
        try {
            Stop stop = awaitWithinLimits(call, cpu, start, timeout);
            if (stop != null) {
                timedOut = stop == Stop.TIMEOUT;
                cpuLimitHit = stop == Stop.CPU_TIME;
                stopping = true;
                call.interrupt();
                if (!call.await(STOP_GRACE_NANOS)) {
                    LOG.log(Level.WARNING, "guest did not stop within {0} ms of its interrupt; abandoning it",
                            TimeUnit.NANOSECONDS.toMillis(STOP_GRACE_NANOS));
                }
            }
        } catch (InterruptedException e) {
            stopping = true;
            call.interrupt();
            Thread.currentThread().interrupt();
            discard("the calling thread was interrupted during a run");
            throw new WasmboxException("interrupted while waiting for the guest", e);
        } finally {
            stdout.redirect(null);
            stderr.redirect(null);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        long cpuNanos = cpu.usedNanos();
        Duration cpuTime = cpuNanos < 0 ? null : Duration.ofNanos(cpuNanos);
        String[] output = capture.finish();
        long memory = guest.memoryBytes();
        if (timedOut) {
            discard("its run timed out");
            GuestError error = new GuestError(GuestError.TIMEOUT,
                    "execution timed out after " + timeout.toMillis() + " ms", "", -1);
            return new ExecutionResult(output[0], output[1], null, ExecutionResult.TIMEOUT_EXIT_CODE, duration,
                    memory, true, false, capture.truncated(), error, false, cpuTime);
        }
        if (cpuLimitHit) {
            discard("its run used up its CPU-time limit");
            GuestError error = new GuestError(GuestError.CPU_TIME_LIMIT, "execution stopped after "
                    + limits.cpuTime().toMillis() + " ms of CPU time (its CPU-time limit)", "", -1);
            return new ExecutionResult(output[0], output[1], null, ExecutionResult.CPU_TIME_LIMIT_EXIT_CODE,
                    duration, memory, false, false, capture.truncated(), error, true, cpuTime);
        }
        Throwable failure = call.failure();
        if (failure != null) {
            return crashed(failure, output, duration, memory, capture.truncated());
        }
        GuestResponse response = call.value();
        int exitCode = response.error() != null && response.exitCode() == 0 ? 1 : response.exitCode();
        return new ExecutionResult(output[0], output[1], response.value(), exitCode, duration, memory, false,
                response.outOfMemory(), capture.truncated(), response.error(), false, cpuTime);
    }

    private enum Stop { TIMEOUT, CPU_TIME }

    /**
     * Waits for the call within the wall-clock timeout and the CPU-time limit; null when it finished, else
     * the limit it reached. A thread cannot use more CPU time than wall time passes, so the caller sleeps
     * for the CPU time left, then reads the guest thread's CPU clock: no polling while the guest waits.
     */
    private Stop awaitWithinLimits(GuestThreads.Call<GuestResponse> call, GuestCpuTime cpu, long start,
            Duration timeout) throws InterruptedException {
        Duration cpuLimit = limits.cpuTime();
        if (cpuLimit == null || !GuestCpuTime.supported()) {
            return call.await(timeout.toNanos()) ? null : Stop.TIMEOUT;
        }
        long deadline = start + timeout.toNanos();
        for (;;) {
            long cpuLeft = cpuLimit.toNanos() - Math.max(0, cpu.usedNanos());
            if (cpuLeft <= 0) return Stop.CPU_TIME;
            long wallLeft = deadline - System.nanoTime();
            if (wallLeft <= 0) return Stop.TIMEOUT;
            if (call.await(Math.min(wallLeft, Math.max(cpuLeft, MIN_CPU_CHECK_NANOS)))) return null;
        }
    }

    /** The guest machine failed; the sandbox is discarded and the failure reported as a result. */
    private ExecutionResult crashed(Throwable failure, String[] output, Duration duration, long memory,
            boolean truncated) {
        GuestError error;
        int exitCode = 1;
        boolean outOfMemory = false;
        switch (failure) {
            case WasiExitException exit -> {
                exitCode = exit.exitCode();
                error = null;
            }
            case GuestCrashedException crash -> {
                error = crash.error();
                outOfMemory = crash.outOfMemory();
            }
            case StackOverflowError so -> error = new GuestError(GuestError.STACK_OVERFLOW,
                    "the guest exhausted its stack (too deep recursion)", "", -1);
            case ChicoryInterruptedException ie -> error = new GuestError("Interrupted",
                    "the guest was interrupted", "", -1);
            case OutOfMemoryError oom -> {
                outOfMemory = true;
                error = new GuestError(GuestError.OUT_OF_MEMORY, "the host ran out of heap while running the guest",
                        "", -1);
            }
            case RuntimeException trap -> {
                // TrapException, WasmRuntimeException, ...: the WebAssembly machine failed.
                outOfMemory = memory + (1 << 20) >= limits.memoryBytes();
                error = new GuestError(outOfMemory ? GuestError.OUT_OF_MEMORY : GuestError.TRAP,
                        outOfMemory ? "the guest ran out of memory (cap " + Limits.formatBytes(limits.memoryBytes())
                                + ") and crashed" : "the guest crashed: " + trap.getMessage(), "", -1);
            }
            default -> {
                discard("its guest failed: " + failure);
                throw new WasmboxException("internal error while running the guest: " + failure, failure);
            }
        }
        discard("its guest " + (error == null ? "exited" : "crashed: " + error.summary()));
        LOG.log(Level.DEBUG, "guest crashed", failure);
        return new ExecutionResult(output[0], output[1], null, exitCode, duration, memory, false, outOfMemory,
                truncated, error);
    }

    private void ensureUsable() {
        if (discardedBecause != null) {
            throw new SandboxClosedException("sandbox was discarded because " + discardedBecause
                    + "; create a new one");
        }
        if (closed) throw new SandboxClosedException("sandbox is closed");
    }

    private void discard(String reason) {
        discardedBecause = reason;
        closed = true;
    }

    /** True after {@link #close()}, or after a timeout or guest crash discarded the sandbox. */
    public boolean isClosed() {
        return closed;
    }

    /** Frees the guest. A run in progress finishes first. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (lock.tryLock()) {
            try {
                closeGuestQuietly();
            } finally {
                lock.unlock();
            }
        }
    }

    private void closeGuestQuietly() {
        try {
            guest.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing guest failed", e);
        }
    }

    private void checkCode(String code, String prelude) {
        if (code.isBlank()) throw new InvalidCodeException("code is empty");
        checkText("code", code);
        checkText("prelude", prelude);
        long size = utf8Length(code) + utf8Length(prelude);
        if (size > limits.maxCodeBytes()) {
            throw new CodeTooLargeException("code is " + size + " bytes, over the limit of "
                    + Limits.formatBytes(limits.maxCodeBytes()));
        }
        factory.validate(code);
    }

    private static void checkText(String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) throw new InvalidCodeException(what + " contains a NUL character at offset " + i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) throw new InvalidCodeException(what + " is not valid Unicode: unpaired surrogate at offset " + i);
                i++;
            }
        }
    }

    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidCodeException("code is not valid UTF-8: " + e.getMessage());
        }
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }

    private static Map<String, JsonNode> toJsonGlobals(Map<String, Object> globals) {
        if (globals.isEmpty()) return Map.of();
        Map<String, JsonNode> json = new LinkedHashMap<>();
        globals.forEach((name, value) -> json.put(name, Json.toTree(value)));
        return json;
    }

}

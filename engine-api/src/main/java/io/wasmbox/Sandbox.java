package io.wasmbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import io.wasmbox.spi.HostCalls;
import io.wasmbox.spi.Json;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One isolated guest interpreter: its own linear memory, globals that persist between runs, and hard
 * limits. Obtain one from {@link Interpreter#newSandbox()} or {@link Interpreter#sandbox()}; free it with
 * {@link #close()}.
 *
 * <p>Thread-safe: runs on one sandbox are serialised. A run stopped at its timeout, or a guest that
 * crashed (trap, stack overflow, process exit), leaves the sandbox discarded: later runs throw {@link
 * SandboxClosedException}. Errors the guest raises and handles itself (including its own out-of-memory
 * error) leave it usable.
 *
 * <p>The roles around a run live in their own classes: input checks ({@code InputChecks}), the guest
 * thread and its timeout ({@code GuestThreads}), crash classification ({@code CrashClassifier}) and
 * typed proxies ({@code GuestProxy}).
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
    private final Map<String, HostFunction> hostFunctions = new ConcurrentHashMap<>();
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
        this.guest = factory.create(new GuestContext(
                limits.memoryBytes(),
                stdout,
                stderr,
                stdin,
                options.realtime() ? null : options.clock(),
                options.randomSeed(),
                new HostCalls(hostFunctions, () -> stopping)));
    }

    /**
     * Describes a sandbox to make: its limits, clock and randomness. Obtain one from {@link
     * Interpreter#sandbox()}. Not thread-safe; the sandbox it builds is.
     */
    public static final class Builder {
        private final Interpreter interpreter;
        private SandboxOptions.Builder options = SandboxOptions.builder();

        Builder(Interpreter interpreter) {
            this.interpreter = interpreter;
        }

        /**
         * Starts over from these options (limits, clock, randomness).
         *
         * @param options the options
         * @return this builder
         */
        public Builder options(SandboxOptions options) {
            this.options = options.toBuilder();
            return this;
        }

        /**
         * The sandbox's limits.
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(Limits limits) {
            options.limits(limits);
            return this;
        }

        /**
         * Freezes the guest's time at {@code instant}.
         *
         * @param instant the guest's time
         * @return this builder
         */
        public Builder frozenAt(Instant instant) {
            options.frozenAt(instant);
            return this;
        }

        /**
         * The guest's clock, e.g. a test clock that ticks.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            options.clock(clock);
            return this;
        }

        /**
         * The real clock and real (unseeded) randomness.
         *
         * @return this builder
         */
        public Builder realtime() {
            options.realtime();
            return this;
        }

        /**
         * The seed of the guest's random sources.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder randomSeed(long seed) {
            options.randomSeed(seed);
            return this;
        }

        /**
         * Makes the sandbox.
         *
         * @return a new sandbox; close it when done
         * @throws IllegalArgumentException if the memory cap is below what the language needs to start
         */
        public Sandbox build() {
            return interpreter.create(options.build());
        }
    }

    /**
     * The interpreter that made this sandbox.
     *
     * @return the interpreter
     */
    public Interpreter interpreter() {
        return interpreter;
    }

    /**
     * This sandbox's limits (those of its {@link #options()}).
     *
     * @return the limits
     */
    public Limits limits() {
        return limits;
    }

    /**
     * The options this sandbox was made with.
     *
     * @return the options
     */
    public SandboxOptions options() {
        return options;
    }

    /**
     * Grants the guest a host function: from the next run on, {@code name} is a global function in the
     * guest that calls {@code function} with its arguments as JSON. Binding is per sandbox; binding a
     * name again replaces the function.
     *
     * @param name the global's name, an identifier not starting with {@code __}
     * @param function the Java side
     * @return this sandbox
     * @throws IllegalArgumentException if {@code name} is not a plain identifier
     */
    public Sandbox bind(String name, HostFunction function) {
        Objects.requireNonNull(function, "function");
        if (name == null || !name.matches("[A-Za-z_$][A-Za-z0-9_$]*") || name.startsWith("__")) {
            throw new IllegalArgumentException(
                    "host function name must be an identifier not starting with '__': " + name);
        }
        hostFunctions.put(name, function);
        return this;
    }

    /**
     * Withdraws a host function: from the next run on the guest can no longer call it (a call the guest
     * still makes through a kept reference fails with its {@code HostFunctionError}). Unknown names are
     * ignored.
     *
     * @param name the bound name
     * @return this sandbox
     */
    public Sandbox unbind(String name) {
        if (name != null) hostFunctions.remove(name);
        return this;
    }

    /**
     * Names of the bound host functions.
     *
     * @return an immutable snapshot
     */
    public Set<String> boundFunctions() {
        return Set.copyOf(hostFunctions.keySet());
    }

    /**
     * Calls the guest's global function {@code function} (or a method, with a dotted path such as {@code
     * calculator.add}) with JSON-mapped arguments. Like {@link #run}, never throws for what the guest
     * does; the result's value is the function's return value.
     *
     * @param function the function's global name or dotted path
     * @param args the arguments, each mapped to JSON by Jackson
     * @return the result
     * @throws SandboxClosedException if the sandbox was closed or discarded
     * @throws IllegalArgumentException if an argument has no JSON form, or is nested more than {@value
     *     #MAX_ARGUMENT_DEPTH} levels deep
     */
    public ExecutionResult invoke(String function, Object... args) {
        Objects.requireNonNull(function, "function");
        List<JsonNode> json = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            JsonNode tree = Json.toTree(args[i]);
            if (depth(tree) > MAX_ARGUMENT_DEPTH) {
                throw new IllegalArgumentException("argument " + (i + 1) + " of " + function + " is nested more than "
                        + MAX_ARGUMENT_DEPTH + " levels deep");
            }
            json.add(tree);
        }
        return request(GuestRequest.INVOKE, "", function, json, RunOptions.none());
    }

    /** Nesting of an invoke argument: within the arguments array, under the JSON writer's 1,000 levels. */
    static final int MAX_ARGUMENT_DEPTH = 999;

    /** Levels of arrays and objects in {@code tree} (0 for a scalar), walked level by level without recursion. */
    private static int depth(JsonNode tree) {
        int depth = 0;
        List<JsonNode> level = tree.isContainerNode() ? List.of(tree) : List.of();
        while (!level.isEmpty() && depth <= MAX_ARGUMENT_DEPTH) {
            depth++;
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : level) {
                for (JsonNode child : node) {
                    if (child.isContainerNode()) next.add(child);
                }
            }
            level = next;
        }
        return depth;
    }

    /**
     * A Java object implementing {@code type} with the guest's functions: each method call is {@link
     * #invoke} of the function with the method's name (or, with {@code objectPath}, of that guest
     * object's method), arguments JSON-mapped, the result converted to the method's declared (generic)
     * return type by Jackson. A guest failure surfaces as the typed {@link WasmboxException}.
     *
     * @param objectPath a guest global object whose methods implement {@code type}, or null for global functions
     * @param type the interface
     * @param <T> the interface
     * @return the proxy; thread-safe as the sandbox is (calls are serialised)
     * @throws IllegalArgumentException if {@code type} is not an interface or the guest lacks one of its methods
     */
    public <T> T asInterface(String objectPath, Class<T> type) {
        if (type == null || !type.isInterface()) throw new IllegalArgumentException("not an interface: " + type);
        List<String> missing = missingFunctions(objectPath, type);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "the guest does not define " + String.join(", ", missing) + " needed by " + type.getName());
        }
        return GuestProxy.create(this, objectPath == null ? "" : objectPath + ".", type);
    }

    /**
     * {@link #asInterface(String, Class)} with the guest's global functions.
     *
     * @param type the interface
     * @param <T> the interface
     * @return the proxy
     */
    public <T> T asInterface(Class<T> type) {
        return asInterface(null, type);
    }

    /**
     * The abstract methods of {@code type} the guest does not define as functions.
     *
     * @param objectPath a guest global object, or null for global functions
     * @param type the interface
     * @return the missing functions' paths, empty when the guest implements them all
     */
    public List<String> missingFunctions(String objectPath, Class<?> type) {
        return GuestProxy.missingFunctions(this, objectPath, type);
    }

    /**
     * Reads a guest global.
     *
     * @param name the global's name or dotted path
     * @return its value JSON-mapped, or null when it is undefined (or null)
     */
    public Object getGlobal(String name) {
        ExecutionResult r =
                request(GuestRequest.GLOBAL, "", Objects.requireNonNull(name, "name"), List.of(), RunOptions.none());
        return r.error() == null ? r.valueOrThrow() : null;
    }

    /**
     * Whether the guest defines a function.
     *
     * @param name a global name or dotted path
     * @return true when it is a callable global in the guest
     */
    public boolean hasFunction(String name) {
        return Boolean.TRUE.equals(
                request(GuestRequest.CALLABLE, "", Objects.requireNonNull(name, "name"), List.of(), RunOptions.none())
                        .valueOrThrow());
    }

    /**
     * Compiles {@code code} without running it. Returns null when it compiles, else the syntax error (with
     * its line). Runs of the same code then reuse the compiled form where the language can.
     *
     * @param code the code
     * @return null, or the syntax error
     */
    public GuestError check(String code) {
        InputChecks.checkCode(Objects.requireNonNull(code, "code"), "", limits);
        factory.validate(code);
        return request(GuestRequest.CHECK, code, null, List.of(), RunOptions.none())
                .error();
    }

    /**
     * Runs code and returns its value, or throws the typed error (see {@link ExecutionResult#valueOrThrow()}).
     *
     * @param code the code
     * @return the value of its last expression, JSON-mapped
     * @throws WasmboxException the typed failure
     */
    public Object eval(String code) {
        return run(code, RunOptions.none()).valueOrThrow();
    }

    /**
     * {@link #run(String, RunOptions)} with no options.
     *
     * @param code the code
     * @return the result
     */
    public ExecutionResult run(String code) {
        return run(code, RunOptions.none());
    }

    /**
     * Runs UTF-8 encoded code; invalid UTF-8 is an {@link InvalidCodeException}.
     *
     * @param utf8Code the code's bytes
     * @param options the run's options
     * @return the result
     */
    public ExecutionResult run(byte[] utf8Code, RunOptions options) {
        return run(InputChecks.decodeUtf8(utf8Code), options);
    }

    /**
     * Runs code with the given options. Never throws for what the guest does (errors, exit codes,
     * timeout, memory cap: all are in the result); throws for input that cannot run: {@link
     * InvalidCodeException}, {@link CodeTooLargeException}, {@link InputTooLargeException}, {@link
     * SandboxClosedException}.
     *
     * @param code the code
     * @param options the run's options
     * @return the result
     */
    public ExecutionResult run(String code, RunOptions options) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(options, "options");
        InputChecks.checkCode(code, options.prelude(), limits);
        factory.validate(code);
        InputChecks.checkStdin(options.stdin(), limits);
        return request(GuestRequest.RUN, code, null, List.of(), options);
    }

    private ExecutionResult request(
            String mode, String code, String target, List<JsonNode> invokeArgs, RunOptions options) {
        if (Thread.currentThread() == guestThread) {
            throw new IllegalStateException("a host function cannot run code in its own sandbox");
        }
        GuestRequest request = GuestRequest.builder(mode)
                .code(code)
                .fileName(options.fileName())
                .stdin(options.stdin(), options.stdinStream() != null)
                .args(options.args())
                .env(options.env())
                .prelude(options.prelude())
                .globals(toJsonGlobals(options.globals()))
                .hostFunctions(List.copyOf(hostFunctions.keySet()))
                .target(target)
                .invokeArgs(invokeArgs)
                .build();
        lock.lock();
        try {
            ensureUsable();
            stdin.redirect(options.stdinStream(), limits.maxStdinBytes());
            return execute(request, options.outputListener(), options.timeoutOr(limits));
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
        GuestCpuTime cpu = new GuestCpuTime(limits.cpuTime() != null);
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
                    LOG.log(
                            Level.WARNING,
                            "guest did not stop within {0} ms of its interrupt; abandoning it",
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
        ExecutionResult.Builder result = ExecutionResult.builder()
                .output(output[0], output[1], capture.truncated())
                .duration(duration)
                .peakMemoryBytes(memory)
                .cpuTime(cpuTime);
        if (timedOut) {
            discard("its run timed out");
            return result.timeoutHit(true)
                    .exitCode(ExecutionResult.TIMEOUT_EXIT_CODE)
                    .error(new GuestError(
                            ErrorKind.TIMEOUT,
                            GuestError.TIMEOUT,
                            "execution timed out after " + timeout.toMillis() + " ms",
                            "",
                            -1))
                    .build();
        }
        if (cpuLimitHit) {
            discard("its run used up its CPU-time limit");
            return result.cpuTimeLimitHit(true)
                    .exitCode(ExecutionResult.CPU_TIME_LIMIT_EXIT_CODE)
                    .error(new GuestError(
                            ErrorKind.CPU_TIME,
                            GuestError.CPU_TIME_LIMIT,
                            "execution stopped after " + limits.cpuTime().toMillis()
                                    + " ms of CPU time (its CPU-time limit)",
                            "",
                            -1))
                    .build();
        }
        Throwable failure = call.failure();
        if (failure != null) return crashed(failure, result, memory);
        GuestResponse response = call.value();
        int exitCode = response.error() != null && response.exitCode() == 0 ? 1 : response.exitCode();
        return result.value(response.value())
                .exitCode(exitCode)
                .memoryLimitHit(response.outOfMemory())
                .error(response.error())
                .build();
    }

    private enum Stop {
        TIMEOUT,
        CPU_TIME
    }

    /**
     * Waits for the call within the wall-clock timeout and the CPU-time limit; null when it finished, else
     * the limit it reached. A thread cannot use more CPU time than wall time passes, so the caller sleeps
     * for the CPU time left, then reads the guest thread's CPU clock: no polling while the guest waits.
     */
    private Stop awaitWithinLimits(
            GuestThreads.Call<GuestResponse> call, GuestCpuTime cpu, long start, Duration timeout)
            throws InterruptedException {
        Duration cpuLimit = limits.cpuTime();
        if (cpuLimit == null || !GuestCpuTime.supported()) {
            return call.await(timeout.toNanos()) ? null : Stop.TIMEOUT;
        }
        long deadline = start + timeout.toNanos();
        for (; ; ) {
            long cpuLeft = cpuLimit.toNanos() - Math.max(0, cpu.usedNanos());
            if (cpuLeft <= 0) return Stop.CPU_TIME;
            long wallLeft = deadline - System.nanoTime();
            if (wallLeft <= 0) return Stop.TIMEOUT;
            if (call.await(Math.min(wallLeft, Math.max(cpuLeft, MIN_CPU_CHECK_NANOS)))) return null;
        }
    }

    /** The guest machine failed; the sandbox is discarded and the failure reported as a result. */
    private ExecutionResult crashed(Throwable failure, ExecutionResult.Builder result, long memory) {
        CrashClassifier.Crash crash = CrashClassifier.classify(failure, memory, limits.memoryBytes());
        if (crash == null) {
            discard("its guest failed: " + failure);
            throw new WasmboxException("internal error while running the guest: " + failure, failure);
        }
        GuestError error = crash.error();
        discard("its guest " + (error == null ? "exited" : "crashed: " + error.summary()));
        LOG.log(Level.DEBUG, "guest crashed", failure);
        return result.exitCode(crash.exitCode())
                .memoryLimitHit(crash.outOfMemory())
                .error(error)
                .build();
    }

    private void ensureUsable() {
        if (discardedBecause != null) {
            throw new SandboxClosedException(
                    "sandbox was discarded because " + discardedBecause + "; create a new one");
        }
        if (closed) throw new SandboxClosedException("sandbox is closed");
    }

    private void discard(String reason) {
        discardedBecause = reason;
        closed = true;
    }

    /**
     * Whether the sandbox can no longer run.
     *
     * @return true after {@link #close()}, or after a timeout or guest crash discarded the sandbox
     */
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

    private static Map<String, JsonNode> toJsonGlobals(Map<String, Object> globals) {
        if (globals.isEmpty()) return Map.of();
        Map<String, JsonNode> json = new LinkedHashMap<>();
        globals.forEach((name, value) -> json.put(name, Json.toTree(value)));
        return json;
    }
}

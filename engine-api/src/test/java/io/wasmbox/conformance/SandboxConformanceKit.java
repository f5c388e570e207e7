package io.wasmbox.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmbox.CodeTooLargeException;
import io.wasmbox.ErrorKind;
import io.wasmbox.ExecutionResult;
import io.wasmbox.ExecutionTimeoutException;
import io.wasmbox.GuestError;
import io.wasmbox.GuestException;
import io.wasmbox.InputTooLargeException;
import io.wasmbox.Interpreter;
import io.wasmbox.InvalidCodeException;
import io.wasmbox.Limits;
import io.wasmbox.MemoryLimitException;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxClosedException;
import io.wasmbox.Units;
import io.wasmbox.UnsupportedLanguageException;
import io.wasmbox.Wasmbox;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every Wasmbox language must have, specified once. A language module runs it by
 * extending this class with its {@link LanguageSnippets}; only the snippets differ between languages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SandboxConformanceKit {
    /** A host environment variable that always exists, to prove the guest cannot see it. */
    private static final String HOST_ENV_VAR = System.getenv().containsKey("PATH")
            ? "PATH"
            : System.getenv().keySet().iterator().next();

    protected final LanguageSnippets lang;
    protected Interpreter interpreter;
    /** Shared by tests that need no isolation, to keep the suite fast. */
    protected Sandbox shared;

    protected SandboxConformanceKit(LanguageSnippets lang) {
        this.lang = lang;
    }

    @BeforeAll
    void createSharedSandbox() {
        interpreter = Wasmbox.interpreter(lang.language());
        shared = interpreter.newSandbox();
    }

    @AfterAll
    void closeSharedSandbox() {
        shared.close();
    }

    // ---- results and output -------------------------------------------------------------------

    @Test
    void valueOfLastExpressionIsJsonMapped() {
        ExecutionResult r = shared.run(lang.jsonValues());
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) r.value();
        assertThat(v)
                .containsEntry("s", "x")
                .containsEntry("i", 42L)
                .containsEntry("f", 1.5)
                .containsEntry("b", true)
                .containsEntry("n", null)
                .containsEntry("l", List.of(1L, 2L, 3L))
                .containsEntry("big", BigInteger.TWO.pow(70));
        assertThat(r.valueAsJson()).contains("\"i\":42").startsWith("{").endsWith("}");
    }

    @Test
    void stdoutAndStderrAreCapturedSeparately() {
        ExecutionResult r = shared.run(lang.printLine("to out") + "\n" + lang.printErrorLine("to err"));
        assertThat(r.stdout()).isEqualTo("to out\n");
        assertThat(r.stderr()).isEqualTo("to err\n");
        assertThat(r.exitCode()).isZero();
        assertThat(r.outputTruncated()).isFalse();
    }

    @Test
    void outputListenerSeesOutputLive() {
        StringBuilder seen = new StringBuilder();
        ExecutionResult r = shared.run(
                lang.printLine("héllo ✓"),
                RunOptions.builder()
                        .outputListener(new OutputListener() {
                            @Override
                            public void stdout(String text) {
                                seen.append(text);
                            }
                        })
                        .build());
        assertThat(seen.toString()).isEqualTo("héllo ✓\n").isEqualTo(r.stdout());
    }

    @Test
    void stdinArgsAndEnvironmentReachTheGuest() {
        RunOptions options = RunOptions.builder()
                .stdin("first line\nsecond\n")
                .args(List.of("a", "b c"))
                .env(Map.of("GREETING", "hi"))
                .build();
        assertThat(shared.run(lang.readStdinLine(), options).value()).isEqualTo("first line");
        assertThat(shared.run(lang.scriptArgs(), options).value()).isEqualTo(List.of("a", "b c"));
        assertThat(shared.run(lang.readEnv("GREETING"), options).value()).isEqualTo("hi");
        assertThat(shared.run(lang.environment(), options).value()).isEqualTo(Map.of("GREETING", "hi"));
    }

    @Test
    void stdinOfOneRunDoesNotLeakIntoTheNext() {
        ExecutionResult first = shared.run(
                lang.printLine("x"),
                RunOptions.builder().stdin("secret\nmore\n").build());
        assertThat(first.succeeded()).as(first.toString()).isTrue();
        assertThat(first.stdout()).isEqualTo("x\n");
        ExecutionResult r = shared.run(lang.readStdinLine());
        // the next run's stdin is empty: its read gives nothing or the language's end-of-input error
        assertThat(r.kind()).as(r.toString()).isIn(ErrorKind.NONE, ErrorKind.GUEST_ERROR);
        String seen =
                r.stdout() + r.value() + (r.error() == null ? "" : r.error().message());
        assertThat(seen).doesNotContain("more").doesNotContain("secret");
        if (r.succeeded()) assertThat(r.value()).isIn(null, "");
    }

    @Test
    void lazyStdinStreamIsReadOnlyAsFarAsTheScriptReads() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stream = new PipedInputStream(feed);
        // like an interactive console: one line is available, the stream stays open
        feed.write("typed line\n".getBytes(StandardCharsets.UTF_8));
        ExecutionResult r = shared.run(
                lang.readStdinLine(), RunOptions.builder().stdin(stream).build());
        assertThat(r.value()).as(r.toString()).isEqualTo("typed line");
        feed.close();
    }

    @Test
    void lazyStdinStreamIsCutAtTheStdinLimit() {
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().maxStdinBytes(5).build())
                .build()) {
            InputStream stream = new ByteArrayInputStream("abcdefghij\n".getBytes(StandardCharsets.UTF_8));
            ExecutionResult r = box.run(
                    lang.readStdinLine(), RunOptions.builder().stdin(stream).build());
            assertThat(r.value()).isEqualTo("abcde");
        }
    }

    @Test
    void preludeAndGlobalsAreVisibleToTheScript() {
        RunOptions options = RunOptions.builder()
                .prelude(lang.defineGlobal("fromPrelude", 40))
                .global("fromHost", Map.of("n", 2))
                .build();
        ExecutionResult r = shared.run(lang.readGlobal("fromPrelude"), options);
        assertThat(r.value()).isEqualTo(40L);
        assertThat(shared.run(lang.readGlobal("fromHost"), options).value()).isEqualTo(Map.of("n", 2L));
    }

    @Test
    void globalsPersistBetweenRunsOfOneSandbox() {
        shared.run(lang.defineGlobal("persisted", 7)).valueOrThrow();
        assertThat(shared.eval(lang.readGlobal("persisted"))).isEqualTo(7L);
    }

    @Test
    void exitCodeIsReported() {
        ExecutionResult r = shared.run(lang.exit(3));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.error()).isNull();
        assertThatThrownBy(r::valueOrThrow).isInstanceOf(GuestException.class).hasMessageContaining("3");
    }

    // ---- errors -------------------------------------------------------------------------------

    @Test
    void uncaughtErrorHasTypeMessageLineAndGuestStack() {
        ExecutionResult r = shared.run(lang.throwOnLine2("boom"));
        assertThat(r.succeeded()).isFalse();
        assertThat(r.exitCode()).isEqualTo(1);
        GuestError e = r.error();
        assertThat(e.type()).isEqualTo(lang.errorType());
        assertThat(e.message()).contains("boom");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.stackTrace()).contains("boom").doesNotContain("java.").doesNotContain("io.wasmbox");
        GuestException thrown = (GuestException) catchThrowable(r::valueOrThrow);
        assertThat(thrown.guestError()).isEqualTo(e);
        assertThat(thrown.lineNumber()).isEqualTo(2);
    }

    @Test
    void syntaxErrorHasLine() {
        ExecutionResult r = shared.run(lang.syntaxErrorOnLine2());
        assertThat(r.kind()).as(r.toString()).isEqualTo(ErrorKind.SYNTAX);
        assertThat(r.error()).isNotNull();
        assertThat(r.error().type()).isEqualTo(lang.syntaxErrorType());
        assertThat(r.error().line()).isEqualTo(2);
    }

    @Test
    void sandboxStaysUsableAfterAGuestError() {
        Sandbox box = interpreter.sandbox().limits(Limits.defaults()).build();
        try (box) {
            box.run(lang.throwOnLine2("first"));
            assertThat(box.eval(lang.add(2, 3))).isEqualTo(5L);
        }
    }

    // ---- limits -------------------------------------------------------------------------------

    @Test
    void infiniteLoopStopsAtTheTimeoutAndTheHostStaysHealthy() {
        Duration timeout = Duration.ofMillis(500);
        Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().timeout(timeout).build())
                .build();
        long start = System.nanoTime();
        ExecutionResult r = box.run(lang.infiniteLoop());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.timeoutHit()).isTrue();
        assertThat(r.exitCode()).isEqualTo(ExecutionResult.TIMEOUT_EXIT_CODE);
        assertThat(r.error().type()).isEqualTo(GuestError.TIMEOUT);
        assertThat(took).isGreaterThanOrEqualTo(timeout).isLessThanOrEqualTo(timeout.plusMillis(100));
        assertThatThrownBy(r::valueOrThrow).isInstanceOf(ExecutionTimeoutException.class);
        // the timed-out sandbox is discarded, everything else keeps working
        assertThat(box.isClosed()).isTrue();
        assertThatThrownBy(() -> box.run(lang.add(1, 1)))
                .isInstanceOf(SandboxClosedException.class)
                .hasMessageContaining("timed out");
        assertThat(shared.eval(lang.add(1, 1))).isEqualTo(2L);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aRunCanHaveItsOwnTimeout() {
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().timeout(Duration.ofSeconds(30)).build())
                .build()) {
            long start = System.nanoTime();
            ExecutionResult r = box.run(
                    lang.infiniteLoop(),
                    RunOptions.builder().timeout(Duration.ofMillis(300)).build());
            assertThat(r.timeoutHit()).isTrue();
            assertThat(r.error().message()).contains("300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        assertThatThrownBy(() -> RunOptions.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void evalThrowsTypedTimeout() {
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().timeoutMillis(200).build())
                .build()) {
            assertThatThrownBy(() -> box.eval(lang.infiniteLoop()))
                    .isInstanceOf(ExecutionTimeoutException.class)
                    .hasMessageContaining("timed out");
        }
    }

    @Test
    void cpuTimeLimitStopsABusyLoopBeforeTheTimeout() {
        Duration cpuTime = Duration.ofMillis(300);
        Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder()
                        .cpuTime(cpuTime)
                        .timeout(Duration.ofSeconds(60))
                        .build())
                .build();
        long start = System.nanoTime();
        ExecutionResult r = box.run(lang.infiniteLoop());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.cpuTimeLimitHit()).as(r.toString()).isTrue();
        assertThat(r.timeoutHit()).isFalse();
        assertThat(r.exitCode()).isEqualTo(ExecutionResult.CPU_TIME_LIMIT_EXIT_CODE);
        assertThat(r.error().type()).isEqualTo(GuestError.CPU_TIME_LIMIT);
        assertThat(r.cpuTime()).isGreaterThanOrEqualTo(cpuTime).isLessThan(cpuTime.plusSeconds(2));
        assertThat(took).isGreaterThanOrEqualTo(cpuTime).isLessThan(Duration.ofSeconds(30));
        assertThatThrownBy(r::valueOrThrow)
                .isInstanceOf(io.wasmbox.CpuTimeLimitException.class)
                .hasMessageContaining("CPU-time limit");
        assertThat(box.isClosed()).isTrue();
        assertThat(shared.eval(lang.add(1, 1))).isEqualTo(2L);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aRunWithoutACpuTimeLimitIsNotMeasured() {
        try (Sandbox box = interpreter.newSandbox()) {
            ExecutionResult r = box.run(lang.add(2, 3));
            assertThat(r.succeeded()).as(r.toString()).isTrue();
            assertThat(r.cpuTime()).isNull(); // two system calls a run saved
        }
    }

    @Test
    void aRunWithinItsCpuTimeReportsTheCpuTimeItUsed() {
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().cpuTime(Duration.ofSeconds(20)).build())
                .build()) {
            ExecutionResult r = box.run(lang.add(2, 3));
            assertThat(r.succeeded()).as(r.toString()).isTrue();
            assertThat(r.cpuTimeLimitHit()).isFalse();
            assertThat(r.cpuTime()).isNotNull().isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void allocationOverTheMemoryCapFailsWithMemoryLimitError() {
        long cap = 64 * Units.MIB;
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().memoryBytes(cap).build())
                .build()) {
            ExecutionResult r = box.run(lang.allocate(Units.GIB));
            assertThat(r.memoryLimitHit()).as(r.toString()).isTrue();
            assertThat(r.succeeded()).isFalse();
            assertThat(r.peakMemoryBytes()).isLessThanOrEqualTo(cap);
            assertThatThrownBy(r::valueOrThrow).isInstanceOf(MemoryLimitException.class);
        }
    }

    @Test
    void memoryNeverExceedsTheCapWhileGrowingStepByStep() {
        long cap = 80 * Units.MIB;
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().memoryBytes(cap).build())
                .build()) {
            ExecutionResult last = null;
            for (int i = 0; i < 12; i++) {
                last = box.run(lang.allocate(8 * Units.MIB));
                assertThat(last.peakMemoryBytes()).isLessThanOrEqualTo(cap);
                if (last.memoryLimitHit() || box.isClosed()) break;
            }
            assertThat(last.memoryLimitHit())
                    .as("12 x 8 MiB kept must hit an 80 MiB cap")
                    .isTrue();
        }
    }

    @Test
    void outputFloodIsCutAtTheCapAndFlagged() {
        long cap = 10_000;
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().maxOutputBytes(cap).timeoutMillis(1500).build())
                .build()) {
            ExecutionResult r = box.run(lang.outputFlood());
            assertThat(r.outputTruncated()).isTrue();
            assertThat(r.stdout().getBytes(StandardCharsets.UTF_8).length
                            + r.stderr().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo((int) cap);
            assertThat(r.stdout()).isNotEmpty();
        }
    }

    @Test
    void memoryCapsOutsideTheValidRangeAreRejectedClearly() {
        assertThatThrownBy(() -> Limits.builder().memoryBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory");
        assertThatThrownBy(() -> Limits.builder().memoryMiB(1 << 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 GiB");
        assertThatThrownBy(() -> interpreter
                        .sandbox()
                        .limits(Limits.builder().memoryBytes(Units.MIB).build())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least");
    }

    // ---- bad input ----------------------------------------------------------------------------

    @Test
    void badInputGetsTypedErrors() {
        assertThatThrownBy(() -> shared.run(""))
                .isInstanceOf(InvalidCodeException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> shared.run("  \n ")).isInstanceOf(InvalidCodeException.class);
        assertThatThrownBy(() -> shared.run(lang.add(1, 2) + "\0"))
                .isInstanceOf(InvalidCodeException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> shared.run(lang.add(1, 2) + "\uD800"))
                .isInstanceOf(InvalidCodeException.class)
                .hasMessageContaining("surrogate");
        byte[] invalidUtf8 = {'1', '+', (byte) 0xC3, (byte) 0x28};
        assertThatThrownBy(() -> shared.run(invalidUtf8, RunOptions.none()))
                .isInstanceOf(InvalidCodeException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Wasmbox.interpreter("cobol"))
                .isInstanceOf(UnsupportedLanguageException.class)
                .hasMessageContaining("cobol")
                .hasMessageContaining(lang.language());
    }

    @Test
    void codeAndStdinOverTheirCapsAreRejectedBeforeRunning() {
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().maxCodeBytes(1024).maxStdinBytes(10).build())
                .build()) {
            String big = lang.printLine("x".repeat(2000));
            assertThatThrownBy(() -> box.run(big))
                    .isInstanceOf(CodeTooLargeException.class)
                    .hasMessageContaining("1 KiB");
            RunOptions prelude = RunOptions.builder()
                    .prelude(lang.printLine("y".repeat(1000)))
                    .build();
            assertThatThrownBy(() -> box.run(lang.printLine("z".repeat(100)), prelude))
                    .isInstanceOf(CodeTooLargeException.class);
            RunOptions stdin = RunOptions.builder().stdin("0123456789A").build();
            assertThatThrownBy(() -> box.run(lang.add(1, 1), stdin)).isInstanceOf(InputTooLargeException.class);
            assertThat(box.eval(lang.add(1, 1))).isEqualTo(2L);
        }
    }

    // ---- denials ------------------------------------------------------------------------------

    @Test
    void hostFilesCannotBeRead() {
        for (String path : List.of(
                "/etc/passwd",
                "/etc/hostname",
                "/proc/self/environ",
                "../../../../etc/passwd",
                "/dev/random",
                "pom.xml",
                "/guest/../etc/passwd")) {
            ExecutionResult r = shared.run(lang.readFile(path));
            assertThat(r.error()).as("reading %s must fail, got %s", path, r).isNotNull();
            assertThat(r.stdout() + r.value()).doesNotContain("root:");
        }
    }

    @Test
    void hostDirectoriesCannotBeListed() {
        for (String path : List.of("/", "/etc", "/tmp", ".", "/proc")) {
            ExecutionResult r = shared.run(lang.listDirectory(path));
            boolean emptyListing = r.error() == null && r.value() instanceof List<?> list && list.isEmpty();
            assertThat(r.error() != null || emptyListing)
                    .as("listing %s must fail, got %s", path, r.value())
                    .isTrue();
        }
    }

    @Test
    void networkIsUnreachable() {
        ExecutionResult r = shared.run(lang.connect("127.0.0.1", 80));
        // an ordinary guest error the script could catch: not a crash, not a timeout, not a success
        assertThat(r.kind()).as(r.toString()).isEqualTo(ErrorKind.GUEST_ERROR);
        assertThat(r.exitCode()).isEqualTo(1);
        if (!lang.networkErrorTypes().isEmpty()) {
            assertThat(r.error().type()).as(r.toString()).isIn(lang.networkErrorTypes());
        }
        assertThat(r.error().stackTrace()).doesNotContain("java.").doesNotContain("io.wasmbox");
        assertThat(shared.isClosed()).as("the sandbox stays usable").isFalse();
        assertThat(shared.eval(lang.add(1, 1))).isEqualTo(2L);
    }

    @Test
    void hostEnvironmentIsInvisible() {
        assertThat(shared.run(lang.readEnv(HOST_ENV_VAR)).value()).isNull();
        assertThat(shared.run(lang.environment()).value()).isEqualTo(Map.of());
    }

    @Test
    void hostProcessesCannotBeStarted() {
        ExecutionResult r = shared.run(lang.runProcess("touch /tmp/wasmbox-escaped"));
        assertThat(r.error() != null || !r.succeeded() || !"0".equals(String.valueOf(r.value())))
                .as(r.toString())
                .isTrue();
        assertThat(new File("/tmp/wasmbox-escaped")).doesNotExist();
    }

    // ---- isolation and concurrency ------------------------------------------------------------

    @Test
    void sandboxesNeverSeeEachOthersGlobals() {
        try (Sandbox a = interpreter.sandbox().limits(Limits.defaults()).build();
                Sandbox b = interpreter.sandbox().limits(Limits.defaults()).build()) {
            a.run(lang.defineGlobal("onlyInA", 1)).valueOrThrow();
            assertThat(b.eval(lang.isGlobalDefined("onlyInA"))).isEqualTo(false);
            assertThat(a.eval(lang.isGlobalDefined("onlyInA"))).isEqualTo(true);
        }
    }

    @Test
    void eightThreadsRunFiftyEvalsEachOnSeparateSandboxes() throws Exception {
        int threads = 8, evals = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit((Callable<Integer>) () -> {
                    int correct = 0;
                    try (Sandbox box =
                            interpreter.sandbox().limits(Limits.defaults()).build()) {
                        box.run(lang.defineGlobal("owner", id)).valueOrThrow();
                        for (int i = 0; i < evals; i++) {
                            if (Long.valueOf(id * 1000 + i).equals(box.eval(lang.add(id * 1000, i)))
                                    && Long.valueOf(id).equals(box.eval(lang.readGlobal("owner")))) {
                                correct++;
                            }
                        }
                    }
                    return correct;
                }));
            }
            for (Future<Integer> f : futures) assertThat(f.get()).isEqualTo(evals);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedSandboxRejectsRuns() {
        Sandbox box = interpreter.sandbox().limits(Limits.defaults()).build();
        box.close();
        box.close();
        assertThatThrownBy(() -> box.run(lang.add(1, 1))).isInstanceOf(SandboxClosedException.class);
    }

    // ---- JSR-223 ------------------------------------------------------------------------------

    @Test
    void jsr223FindsTheEngineByEveryNameExtensionAndMimeType() {
        ScriptEngineManager manager = new ScriptEngineManager();
        for (String name : lang.jsr223Names()) {
            ScriptEngine engine = manager.getEngineByName(name);
            assertThat(engine).as(name).isNotNull();
            assertThat(engine.getFactory().getLanguageVersion()).isEqualTo(interpreter.languageVersion());
        }
        assertThat(manager.getEngineByExtension(lang.extension())).isNotNull();
    }

    @Test
    void jsr223EvalReturnsValuesStreamsOutputAndKeepsGlobals() throws Exception {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName(lang.language());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ScriptContext context = new SimpleScriptContext();
        context.setBindings(engine.createBindings(), ScriptContext.ENGINE_SCOPE);
        context.setWriter(out);
        context.setErrorWriter(err);
        engine.setContext(context);
        engine.put("hostValue", 41);
        assertThat(engine.eval(lang.add(20, 22))).isEqualTo(42L);
        engine.eval(lang.printLine("printed") + "\n" + lang.printErrorLine("warned"));
        assertThat(out.toString()).isEqualTo("printed\n");
        assertThat(err.toString()).isEqualTo("warned\n");
        assertThat(engine.eval(lang.readGlobal("hostValue"))).isEqualTo(41L);
        engine.eval(lang.defineGlobal("kept", 5));
        assertThat(engine.eval(lang.readGlobal("kept"))).isEqualTo(5L);
        // each eval gets what the context's reader has ready at that moment
        context.setReader(new StringReader("from stdin\n"));
        assertThat(engine.eval(lang.readStdinLine())).isEqualTo("from stdin");
        ((AutoCloseable) engine).close();
    }

    @Test
    void jsr223WrapsErrorsInScriptExceptionWithLineAndTypedCause() {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName(lang.language());
        ScriptException e = (ScriptException) catchThrowable(() -> engine.eval(lang.throwOnLine2("bad")));
        assertThat(e.getLineNumber()).isEqualTo(2);
        assertThat(e.getMessage()).contains("bad");
        assertThat(e.getCause()).isInstanceOf(GuestException.class);
    }

    @Test
    void jsr223LimitsComeFromAttributes() {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName(lang.language());
        engine.put("wasmbox.timeout", "300ms");
        engine.put("wasmbox.memory", "64m");
        ScriptException e = (ScriptException) catchThrowable(() -> engine.eval(lang.infiniteLoop()));
        assertThat(e.getCause()).isInstanceOf(ExecutionTimeoutException.class);
        ScriptEngine engine2 = new ScriptEngineManager().getEngineByName(lang.language());
        engine2.put("wasmbox.memory", "64m");
        ScriptException oom = (ScriptException) catchThrowable(() -> engine2.eval(lang.allocate(Units.GIB)));
        assertThat(oom.getCause()).isInstanceOf(MemoryLimitException.class);
    }

    @Test
    void jrunscriptRunsTheLanguageThroughWasmbox() throws Exception {
        Path javaBinary = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jrunscript = javaBinary.resolveSibling("jrunscript");
        assertThat(jrunscript).exists();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(List.of(
                        jrunscript.toString(),
                        "-J-Dwasmbox.jitWarning=false",
                        "-cp",
                        classPath,
                        "-l",
                        lang.jsr223Names().get(1),
                        "-e",
                        lang.echoStdinLine("got:")))
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write("from the console\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("got: from the console");
        assertThat(p.exitValue()).isZero();
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowable(call);
    }
}

package io.wasmbox.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmbox.ExecutionResult;
import io.wasmbox.Language;
import io.wasmbox.Limits;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wasmbox run hello.py}, {@code wasmbox run -e 'print(1+1)' --lang python}, {@code wasmbox languages}. */
@Command(
        name = "wasmbox",
        mixinStandardHelpOptions = true,
        version = "Wasmbox 0.1.0",
        description =
                "Runs untrusted JavaScript, TypeScript, Python, WebAssembly modules, Rust, C and C++ in a WebAssembly sandbox.",
        subcommands = {WasmboxCli.Run.class, WasmboxCli.Languages.class, WasmboxCli.Train.class})
public final class WasmboxCli {
    /** Exit status for a problem with the command itself (bad option, unreadable file, invalid code). */
    static final int USAGE_ERROR = 2;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Default cap on a {@code .wasm} file given to {@code run} (its base64 is what the sandbox counts). */
    static final long DEFAULT_MAX_MODULE_BYTES = 16 * Units.MIB;

    public static void main(String[] args) {
        int status = execute(args, System.out, System.err);
        // the training run must end normally: the JVM writes its AOT cache at exit
        if (!(args.length > 0 && args[0].equals("train"))) exitNow(status);
        System.exit(status);
    }

    /**
     * Ends the process without the JVM's orderly exit, which waits for a JIT compilation in progress to finish:
     * with the guest's large methods being compiled that is up to half a second after the result was printed
     * (docs/BENCHMARKS.md, "First result in a fresh JVM"). Nothing here needs shutdown hooks; output is flushed
     * first. Returns when the C library's {@code _exit} cannot be called (the caller then exits normally).
     */
    @SuppressWarnings("restricted") // one call of _exit(int), native access granted by the jar's manifest
    static void exitNow(int status) {
        System.out.flush();
        System.err.flush();
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle exit = linker.downcallHandle(
                    linker.defaultLookup().find("_exit").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
            exit.invokeExact(status);
        } catch (Throwable e) {
            // no native access here: the orderly exit it is
        }
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new WasmboxCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("wasmbox: " + e.getMessage());
            return USAGE_ERROR;
        });
        Run.out = out;
        Run.err = err;
        return cli.execute(args);
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Runs a script file or inline code and prints its stdout, stderr, value and exit status.")
    static final class Run implements Callable<Integer> {
        static PrintStream out = System.out;
        static PrintStream err = System.err;

        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "FILE",
                description = "Script file (.py, .js, .ts), WebAssembly module (.wasm) or source (.rs, .c, .cpp).")
        Path file;

        @Parameters(index = "1..*", paramLabel = "ARG", description = "Arguments passed to the script.")
        List<String> args = new ArrayList<>();

        @Option(
                names = {"-e", "--eval"},
                paramLabel = "CODE",
                description = "Inline code instead of a file.")
        String code;

        @Option(
                names = {"-l", "--lang"},
                paramLabel = "LANG",
                description =
                        "Language: python, js, ts, wasm, rust, c, cpp, ... (default: from the file extension, else python).")
        String language;

        @Option(names = "--stdin", paramLabel = "TEXT", description = "Text given to the script as stdin.")
        String stdin;

        @Option(names = "--stdin-file", paramLabel = "FILE", description = "File given to the script as stdin.")
        Path stdinFile;

        @Option(
                names = "--env",
                paramLabel = "NAME=VALUE",
                description = "Environment variable for the script (repeatable).")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                description = "Wall-clock limit, e.g. 500ms, 10s (default 10s).")
        String timeout;

        @Option(
                names = "--cpu-time",
                paramLabel = "DURATION",
                description = "CPU-time limit of the run, e.g. 2s (default: none).")
        String cpuTime;

        @Option(names = "--memory", paramLabel = "SIZE", description = "Memory cap, e.g. 64m (default 128m).")
        String memory;

        @Option(names = "--max-output", paramLabel = "SIZE", description = "Combined stdout+stderr cap (default 1m).")
        String maxOutput;

        @Option(
                names = "--max-code",
                paramLabel = "SIZE",
                description = "Script size cap (default 100k; for a .wasm file, the module's size, default 16m).")
        String maxCode;

        @Option(
                names = "--max-stdin",
                paramLabel = "SIZE",
                description = "Stdin cap, also for --stdin-file (default 1m).")
        String maxStdin;

        @Option(
                names = "--realtime",
                description =
                        "Give the script the real clock and real randomness (default: time frozen at 2024-01-01T00:00:00Z, seeded random).")
        boolean realtime;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the script's random sources (default 0).")
        long seed;

        @Option(names = "--json", description = "Print the whole result as one JSON object instead.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if ((file == null) == (code == null)) {
                err.println("wasmbox: give either a FILE or -e CODE");
                return USAGE_ERROR;
            }
            String lang = language != null
                    ? language
                    : file != null
                            ? Wasmbox.languageForFile(file.toString())
                                    .map(Language::id)
                                    .orElse("python")
                            : "python";
            Map<String, Object> props = new LinkedHashMap<>();
            if (timeout != null) props.put(Limits.TIMEOUT_PROPERTY, timeout);
            if (memory != null) props.put(Limits.MEMORY_PROPERTY, memory);
            if (maxOutput != null) props.put(Limits.MAX_OUTPUT_PROPERTY, maxOutput);
            if (maxCode != null) props.put(Limits.MAX_CODE_PROPERTY, maxCode);
            if (maxStdin != null) props.put(Limits.MAX_STDIN_PROPERTY, maxStdin);
            if (cpuTime != null) props.put(Limits.CPU_TIME_PROPERTY, cpuTime);
            try {
                Limits limits = Limits.fromProperties(props::get, Limits.fromSystemProperties());
                byte[] source;
                if (code == null
                        && "wasm"
                                .equals(Wasmbox.findLanguage(lang)
                                        .map(Language::id)
                                        .orElse(lang))) {
                    // a module file: binary, sent as base64, so the code cap counts the module, not its base64
                    long cap = maxCode != null ? limits.maxCodeBytes() : DEFAULT_MAX_MODULE_BYTES;
                    byte[] module = readCapped(file, cap, "module", "raise it with --max-code SIZE");
                    source = Base64.getEncoder().encode(module);
                    limits = limits.toBuilder()
                            .maxCodeBytes(
                                    Math.max(limits.maxCodeBytes(), Math.min(Limits.MAX_CODE_BYTES, source.length)))
                            .build();
                } else {
                    source = code != null
                            ? code.getBytes(StandardCharsets.UTF_8)
                            : readCapped(file, limits.maxCodeBytes(), "script", "raise it with --max-code SIZE");
                }
                RunOptions.Builder options = RunOptions.builder()
                        .args(args)
                        .env(env)
                        .fileName(file != null ? file.getFileName().toString() : null)
                        .stdin(
                                stdinFile != null
                                        ? stdinText(stdinFile, limits.maxStdinBytes())
                                        : stdin != null ? stdin : "");
                if (!json) options.outputListener(new PrintingListener(out, err));
                SandboxOptions.Builder sandboxOptions =
                        SandboxOptions.builder().limits(limits).randomSeed(seed);
                if (realtime) sandboxOptions.realtime();
                try (Sandbox sandbox = Wasmbox.interpreter(lang)
                        .sandbox()
                        .options(sandboxOptions.build())
                        .build()) {
                    ExecutionResult result = sandbox.run(source, options.build());
                    if (json) out.println(JSON.writeValueAsString(toJson(lang, result)));
                    else report(lang, result);
                    return result.exitCode();
                }
            } catch (NoSuchFileException e) {
                err.println("wasmbox: no such file: " + e.getFile());
                return USAGE_ERROR;
            } catch (InputFileException e) {
                err.println("wasmbox: " + e.getMessage());
                return USAGE_ERROR;
            } catch (WasmboxException | IllegalArgumentException e) {
                err.println("wasmbox: " + e.getMessage());
                return USAGE_ERROR;
            }
        }

        /** The stdin file's text, read only up to the stdin cap (a 3 GB file or a FIFO is never read whole). */
        private static String stdinText(Path path, long maxBytes) throws IOException {
            byte[] bytes = readCapped(path, maxBytes, "stdin file", "raise it with --max-stdin SIZE");
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new InputFileException("stdin file " + path + " is not valid UTF-8 text");
            }
        }

        /**
         * Reads at most {@code maxBytes + 1} bytes of {@code path}, whatever its size says (it may be a
         * pipe, a device or growing), and refuses it when there are more.
         */
        static byte[] readCapped(Path path, long maxBytes, String what, String hint) throws IOException {
            if (Files.isDirectory(path)) throw new InputFileException(what + " " + path + " is a directory");
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new InputFileException(
                            what + " " + path + " is larger than the limit of " + maxBytes + " bytes (" + hint + ")");
                }
                return bytes;
            } catch (AccessDeniedException e) {
                throw new InputFileException("cannot read " + what + " " + path + ": permission denied");
            }
        }

        private void report(String lang, ExecutionResult r) {
            out.flush();
            if (r.error() != null && !r.error().stackTrace().isEmpty())
                err.print(r.error().stackTrace());
            else if (r.error() != null) err.println(r.error().summary());
            if (r.value() != null) out.println("=> " + r.valueAsJson());
            StringBuilder status = new StringBuilder()
                    .append("[")
                    .append(lang)
                    .append("] exit ")
                    .append(r.exitCode())
                    .append(" | ")
                    .append(r.duration().toMillis())
                    .append(" ms")
                    .append(" | peak memory ")
                    .append(r.peakMemoryBytes() / (1024 * 1024))
                    .append(" MiB");
            if (r.timeoutHit()) status.append(" | TIMEOUT");
            if (r.cpuTimeLimitHit()) status.append(" | CPU TIME LIMIT");
            if (r.memoryLimitHit()) status.append(" | MEMORY LIMIT");
            if (r.outputTruncated()) status.append(" | OUTPUT TRUNCATED");
            err.println(status);
        }

        private static Map<String, Object> toJson(String lang, ExecutionResult r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("language", lang);
            m.put("stdout", r.stdout());
            m.put("stderr", r.stderr());
            m.put("value", r.valueAs(JsonNode.class));
            m.put("exitCode", r.exitCode());
            m.put("durationMs", r.duration().toMillis());
            m.put("peakMemoryBytes", r.peakMemoryBytes());
            m.put("timeoutHit", r.timeoutHit());
            m.put("cpuTimeLimitHit", r.cpuTimeLimitHit());
            m.put("cpuTimeMs", r.cpuTime() == null ? null : r.cpuTime().toMillis());
            m.put("memoryLimitHit", r.memoryLimitHit());
            m.put("outputTruncated", r.outputTruncated());
            m.put("error", r.error());
            return m;
        }
    }

    @Command(
            name = "languages",
            mixinStandardHelpOptions = true,
            description = "Lists the languages on the class path.")
    static final class Languages implements Callable<Integer> {
        @Override
        public Integer call() {
            for (Language l : Wasmbox.languages()) {
                Run.out.printf(
                        "%-12s %-8s names: %s  extensions: %s%n",
                        l.id(), l.languageVersion(), String.join(", ", l.names()), String.join(", ", l.extensions()));
            }
            Wasmbox.unavailableLanguages()
                    .forEach((id, reason) -> Run.out.printf("%-12s not available: %s%n", id, reason));
            return 0;
        }
    }

    /**
     * The launcher's training run for the JVM's AOT cache ({@code -XX:AOTCacheOutput}): one small script
     * per interpreted language through {@code run} itself, so the classes and profiles of a first run are
     * what the cache holds. Hidden: users never need it.
     */
    @Command(
            name = "train",
            hidden = true,
            description = "Runs one small script per language through run (the launcher's AOT cache training).")
    static final class Train implements Callable<Integer> {
        static final Map<String, String> SCRIPTS = Map.of(
                "javascript", "const xs = [1, 2, 3].map(x => x * 2); console.log(JSON.stringify(xs)); xs.length",
                "typescript", "const x: number = 20; enum E { A } console.log(E.A); x + 22",
                "python", "import json\nprint(json.dumps([x * 2 for x in range(3)]))");

        @Override
        public Integer call() {
            PrintStream out = Run.out;
            PrintStream err = Run.err;
            PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
            int failed = 0;
            for (Language l : Wasmbox.languages()) {
                String script = SCRIPTS.get(l.id());
                if (script == null) continue;
                long start = System.nanoTime();
                int status = execute(new String[] {"run", "-e", script, "--lang", l.id()}, discard, discard);
                Run.out = out;
                Run.err = err;
                out.printf("%-12s exit %d, %d ms%n", l.id(), status, (System.nanoTime() - start) / 1_000_000);
                if (status != 0) failed++;
            }
            return failed == 0 ? 0 : 1;
        }
    }

    /** A file named on the command line that cannot be used; its message is the whole story. */
    static final class InputFileException extends IOException {
        private static final long serialVersionUID = 1L;

        InputFileException(String message) {
            super(message);
        }
    }

    /** Streams guest output straight through. */
    private record PrintingListener(PrintStream out, PrintStream err) implements OutputListener {
        @Override
        public void stdout(String text) {
            out.print(text);
            out.flush();
        }

        @Override
        public void stderr(String text) {
            err.print(text);
            err.flush();
        }
    }
}

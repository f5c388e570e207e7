package io.wasmbox.samples.cli;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Limits;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import io.wasmbox.spi.Json;
import io.wasmbox.spi.LanguageInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wasmbox run hello.py}, {@code wasmbox run -e 'print(1+1)' --lang python}, {@code wasmbox languages}. */
@Command(name = "wasmbox", mixinStandardHelpOptions = true, version = "Wasmbox 0.1.0",
        description = "Runs untrusted JavaScript, TypeScript and Python in a WebAssembly sandbox.",
        subcommands = {WasmboxCli.Run.class, WasmboxCli.Languages.class})
public final class WasmboxCli {
    /** Exit status for a problem with the command itself (bad option, unreadable file, invalid code). */
    static final int USAGE_ERROR = 2;

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new WasmboxCli());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("wasmbox: " + e.getMessage());
            return USAGE_ERROR;
        });
        Run.out = out;
        Run.err = err;
        return cli.execute(args);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs a script file or inline code and prints its stdout, stderr, value and exit status.")
    static final class Run implements Callable<Integer> {
        static PrintStream out = System.out;
        static PrintStream err = System.err;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "Script file (.py, .js, .ts).")
        Path file;

        @Parameters(index = "1..*", paramLabel = "ARG", description = "Arguments passed to the script.")
        List<String> args = new ArrayList<>();

        @Option(names = {"-e", "--eval"}, paramLabel = "CODE", description = "Inline code instead of a file.")
        String code;

        @Option(names = {"-l", "--lang"}, paramLabel = "LANG", description = "Language: python, js, ts, ... (default: from the file extension, else python).")
        String language;

        @Option(names = "--stdin", paramLabel = "TEXT", description = "Text given to the script as stdin.")
        String stdin;

        @Option(names = "--stdin-file", paramLabel = "FILE", description = "File given to the script as stdin.")
        Path stdinFile;

        @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Environment variable for the script (repeatable).")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(names = "--timeout", paramLabel = "DURATION", description = "Wall-clock limit, e.g. 500ms, 10s (default 10s).")
        String timeout;

        @Option(names = "--memory", paramLabel = "SIZE", description = "Memory cap, e.g. 64m (default 128m).")
        String memory;

        @Option(names = "--max-output", paramLabel = "SIZE", description = "Combined stdout+stderr cap (default 1m).")
        String maxOutput;

        @Option(names = "--realtime", description = "Give the script the real clock and real randomness (default: time frozen at 2024-01-01T00:00:00Z, seeded random).")
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
            String lang = language != null ? language
                    : file != null ? Wasmbox.languageForFile(file.toString()).map(LanguageInfo::id).orElse("python")
                    : "python";
            Map<String, Object> props = new LinkedHashMap<>();
            if (timeout != null) props.put(Limits.TIMEOUT_PROPERTY, timeout);
            if (memory != null) props.put(Limits.MEMORY_PROPERTY, memory);
            if (maxOutput != null) props.put(Limits.MAX_OUTPUT_PROPERTY, maxOutput);
            try {
                Limits limits = Limits.fromProperties(props::get, Limits.fromSystemProperties());
                byte[] source = code != null ? code.getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(file);
                RunOptions.Builder options = RunOptions.builder()
                        .args(args)
                        .env(env)
                        .fileName(file != null ? file.getFileName().toString() : null)
                        .stdin(stdinFile != null ? Files.readString(stdinFile) : stdin != null ? stdin : "");
                if (!json) options.outputListener(new PrintingListener(out, err));
                SandboxOptions.Builder sandboxOptions = SandboxOptions.builder().limits(limits).randomSeed(seed);
                if (realtime) sandboxOptions.realtime();
                try (Sandbox sandbox = Wasmbox.interpreter(lang).newSandbox(sandboxOptions.build())) {
                    ExecutionResult result = sandbox.run(source, options.build());
                    if (json) out.println(Json.write(toJson(lang, result)));
                    else report(lang, result);
                    return result.exitCode();
                }
            } catch (NoSuchFileException e) {
                err.println("wasmbox: no such file: " + e.getFile());
                return USAGE_ERROR;
            } catch (WasmboxException | IllegalArgumentException e) {
                err.println("wasmbox: " + e.getMessage());
                return USAGE_ERROR;
            }
        }

        private void report(String lang, ExecutionResult r) {
            out.flush();
            if (r.error() != null && !r.error().stackTrace().isEmpty()) err.print(r.error().stackTrace());
            else if (r.error() != null) err.println(r.error().summary());
            if (!r.valueJson().isNull()) out.println("=> " + Json.write(r.valueJson()));
            StringBuilder status = new StringBuilder()
                    .append("[").append(lang).append("] exit ").append(r.exitCode())
                    .append(" | ").append(r.duration().toMillis()).append(" ms")
                    .append(" | peak memory ").append(r.peakMemoryBytes() / (1024 * 1024)).append(" MiB");
            if (r.timeoutHit()) status.append(" | TIMEOUT");
            if (r.memoryLimitHit()) status.append(" | MEMORY LIMIT");
            if (r.outputTruncated()) status.append(" | OUTPUT TRUNCATED");
            err.println(status);
        }

        private static Map<String, Object> toJson(String lang, ExecutionResult r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("language", lang);
            m.put("stdout", r.stdout());
            m.put("stderr", r.stderr());
            m.put("value", r.valueJson());
            m.put("exitCode", r.exitCode());
            m.put("durationMs", r.duration().toMillis());
            m.put("peakMemoryBytes", r.peakMemoryBytes());
            m.put("timeoutHit", r.timeoutHit());
            m.put("memoryLimitHit", r.memoryLimitHit());
            m.put("outputTruncated", r.outputTruncated());
            m.put("error", r.error());
            return m;
        }
    }

    @Command(name = "languages", mixinStandardHelpOptions = true, description = "Lists the languages on the class path.")
    static final class Languages implements Callable<Integer> {
        @Override
        public Integer call() {
            for (LanguageInfo l : Wasmbox.languages()) {
                Run.out.printf("%-12s %-8s names: %s  extensions: %s%n", l.id(), l.languageVersion(),
                        String.join(", ", l.names()), String.join(", ", l.extensions()));
            }
            return 0;
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

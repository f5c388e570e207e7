package io.wasmbox.samples.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.Language;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import io.wasmbox.transform.RecordTransformer;
import io.wasmbox.transform.TransformException;
import io.wasmbox.transform.TransformJson;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wasmbox-transform --script enrich.py --input orders.jsonl --output out.jsonl --lookup rates=rates.json}
 */
@Command(
        name = "wasmbox-transform",
        mixinStandardHelpOptions = true,
        description =
                "Applies a JavaScript or Python transform(record) to every record of a JSON Lines or CSV file, in sandboxes.")
public final class TransformCli implements Callable<Integer> {
    @Option(
            names = "--script",
            required = true,
            paramLabel = "FILE",
            description = "Script defining transform(record) (.py or .js).")
    Path script;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE",
            description = "Records: .jsonl (one object per line) or .csv (header row).")
    Path input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE",
            description = "Where transformed records go, as JSON Lines.")
    Path output;

    @Option(
            names = "--errors",
            paramLabel = "FILE",
            description = "Where failed records are reported (JSON Lines); default: stderr summary only.")
    Path errors;

    @Option(
            names = "--lookup",
            paramLabel = "NAME=FILE",
            description = "Binds NAME(key) in the script to a lookup table read from a JSON object file (repeatable).")
    Map<String, Path> lookups = Map.of();

    @Option(names = "--generate", paramLabel = "N", description = "First write N sample order records to --input.")
    long generate;

    @Option(names = "--threads", paramLabel = "N", description = "Worker sandboxes (default: cores).")
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Option(names = "--record-timeout", paramLabel = "MS", description = "Time limit per record in ms (default 200).")
    long recordTimeoutMs = 200;

    @Option(names = "--batch", paramLabel = "N", description = "Records per guest call (default 200).")
    int batch = 200;

    private final PrintStream err;

    TransformCli(PrintStream err) {
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.err));
    }

    static int execute(String[] args, PrintStream err) {
        CommandLine cli = new CommandLine(new TransformCli(err));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("wasmbox-transform: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (generate > 0) {
            Records.generate(input, generate);
            err.printf("generated %,d records in %s%n", generate, input);
        }
        String language = Wasmbox.languageForFile(script.toString())
                .map(Language::id)
                .orElseThrow(() -> new IllegalArgumentException("cannot tell the script's language from " + script));
        RecordTransformer.Builder builder = RecordTransformer.builder()
                .language(language)
                .script(Files.readString(script))
                .threads(threads)
                .batchSize(batch)
                .perRecordTimeout(Duration.ofMillis(recordTimeoutMs));
        for (Map.Entry<String, Path> lookup : lookups.entrySet()) {
            Map<String, Object> table = TransformJson.toMap(Files.readString(lookup.getValue()));
            builder.lookup(lookup.getKey(), table);
        }
        RecordTransformer transformer;
        try {
            transformer = builder.build();
        } catch (TransformException | WasmboxException e) {
            err.println("wasmbox-transform: " + e.getMessage());
            return 1;
        }
        long total = Records.count(input);
        Progress progress = new Progress(err, total);
        List<String> failures = new ArrayList<>();
        RecordTransformer.Stats stats;
        try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
                BufferedWriter errorOut =
                        errors == null ? null : Files.newBufferedWriter(errors, StandardCharsets.UTF_8)) {
            Iterator<JsonNode> records = Records.read(input);
            stats = transformer.run(records, outcome -> {
                for (JsonNode record : outcome.output()) {
                    out.write(TransformJson.write(record));
                    out.newLine();
                }
                if (outcome.error() != null) {
                    if (errorOut != null) {
                        errorOut.write(
                                TransformJson.write(Map.of("record", outcome.index(), "error", outcome.error())));
                        errorOut.newLine();
                    }
                    if (failures.size() < 5) failures.add("record " + outcome.index() + ": " + outcome.error());
                }
                progress.advance();
            });
        } catch (TransformException | WasmboxException e) {
            progress.finish();
            err.println("wasmbox-transform: " + e.getMessage());
            return 1;
        }
        progress.finish();
        err.printf(
                "%,d records in %.1f s: %,.0f records/s (%s, %d threads) | written %,d, dropped %,d, failed %,d%n",
                stats.records(),
                stats.elapsed().toMillis() / 1000.0,
                stats.recordsPerSecond(),
                language,
                threads,
                stats.written(),
                stats.dropped(),
                stats.failed());
        failures.forEach(f -> err.println("  " + f));
        return stats.failed() == 0 ? 0 : 3;
    }

    /** A one-line progress bar on stderr, redrawn at most four times a second. */
    static final class Progress {
        private final PrintStream err;
        private final long total;
        private final long start = System.nanoTime();
        private long done;
        private long lastDraw;

        Progress(PrintStream err, long total) {
            this.err = err;
            this.total = total;
        }

        void advance() {
            done++;
            long now = System.nanoTime();
            if (now - lastDraw > 250_000_000L) {
                lastDraw = now;
                draw(now);
            }
        }

        void finish() {
            if (lastDraw != 0) {
                draw(System.nanoTime());
                err.println();
            }
        }

        private void draw(long now) {
            double seconds = Math.max(1e-9, (now - start) / 1e9);
            double rate = done / seconds;
            int width = 30;
            int filled = total == 0 ? width : (int) Math.min(width, width * done / total);
            String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
            long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
            err.printf(
                    "\r[%s] %3d%% %,d/%,d %,.0f rec/s ETA %ds ",
                    bar, total == 0 ? 100 : 100 * done / total, done, total, rate, Math.max(0, eta));
            err.flush();
        }
    }
}

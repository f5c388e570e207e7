package io.wasmbox.samples.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.wasmbox.transform.TransformJson;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;

/** Reading JSON Lines and CSV (with a header row) as records, and generating a sample file. */
final class Records {
    private Records() {}

    static boolean isCsv(Path file) {
        return file.getFileName().toString().toLowerCase().endsWith(".csv");
    }

    /** Records of a JSON Lines file (one object per line) or a CSV file (first row: column names). */
    static Iterator<JsonNode> read(Path file) throws IOException {
        Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        if (isCsv(file)) {
            CsvMapper csv = new CsvMapper();
            MappingIterator<JsonNode> it = csv.readerFor(JsonNode.class)
                    .with(CsvSchema.emptySchema().withHeader())
                    .readValues(reader);
            return it;
        }
        return TransformJson.treeReader().readValues(reader);
    }

    /** Number of records, for progress: lines, minus the header for CSV. */
    static long count(Path file) throws IOException {
        long lines = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) if (!line.isBlank()) lines++;
        }
        return isCsv(file) ? Math.max(0, lines - 1) : lines;
    }

    /** Writes {@code n} order records as JSON Lines: id, customer, country, amount, currency. */
    static void generate(Path file, long n) throws IOException {
        String[] countries = {"FR", "DE", "JP", "BR", "US", "IN", "NG", "CA"};
        String[] currencies = {"EUR", "EUR", "JPY", "BRL", "USD", "INR", "NGN", "CAD"};
        Random random = new Random(42);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = 0; i < n; i++) {
                int c = random.nextInt(countries.length);
                ObjectNode o = TransformJson.nodes()
                        .objectNode()
                        .put("id", i)
                        .put("customer", "customer-" + random.nextInt(10_000))
                        .put("country", countries[c])
                        .put("amount", Math.round(random.nextDouble() * 100_000) / 100.0)
                        .put("currency", currencies[c]);
                w.write(TransformJson.write(o));
                w.newLine();
            }
        }
    }
}

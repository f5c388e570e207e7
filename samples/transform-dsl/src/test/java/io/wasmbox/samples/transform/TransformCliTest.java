package io.wasmbox.samples.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI over the shared record-transform core (io.wasmbox.transform, tested in transform-core). */
class TransformCliTest {
    @Test
    void cliTransformsCsvAndReportsRate(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, "id,amount,currency\n1,10,EUR\n2,20,JPY\n");
        Path script = dir.resolve("t.js");
        Files.writeString(
                script,
                "function transform(r) { return { id: Number(r.id), usd: Number(r.amount) * rate(r.currency) } }");
        Path rates = dir.resolve("rates.json");
        Files.writeString(rates, "{\"EUR\": 2, \"JPY\": 0.5}");
        Path output = dir.resolve("out.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TransformCli.execute(
                new String[] {
                    "--script",
                    script.toString(),
                    "--input",
                    input.toString(),
                    "--output",
                    output.toString(),
                    "--lookup",
                    "rate=" + rates
                },
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(Files.readAllLines(output)).containsExactly("{\"id\":1,\"usd\":20}", "{\"id\":2,\"usd\":10}");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("2 records").contains("records/s");
    }

    @Test
    void generatedFileHasTheRequestedRecords(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.jsonl");
        Records.generate(file, 250);
        assertThat(Records.count(file)).isEqualTo(250);
        JsonNode first = Records.read(file).next();
        assertThat(first.has("amount")).isTrue();
        assertThat(first.get("currency").asText()).isNotEmpty();
    }
}

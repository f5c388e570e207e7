package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** POST /api/v1/execute/stream: Server-Sent Events. */
class StreamApiTest {
    private final TestClient client = TestClient.shared();

    record Event(String name, JsonNode data, long atMillis) {}

    private List<Event> stream(Map<String, Object> body, HttpResponse<?>[] responseOut) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(client.uri("/api/v1/execute/stream"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestClient.Json.write(body)))
                .build();
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = client.http.send(request, HttpResponse.BodyHandlers.ofLines());
        responseOut[0] = response;
        List<Event> events = new ArrayList<>();
        String name = null;
        for (String line : (Iterable<String>) response.body()::iterator) {
            if (line.startsWith("event: ")) name = line.substring(7);
            else if (line.startsWith("data: ")) {
                events.add(new Event(name, parse(line.substring(6)), (System.nanoTime() - start) / 1_000_000));
            }
        }
        return events;
    }

    private static JsonNode parse(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    @Test
    void streamsOutputLiveThenTheResult() throws Exception {
        HttpResponse<?>[] response = new HttpResponse<?>[1];
        // the loop between the two prints makes the first chunk arrive well before the end (guest clocks are
        // frozen, so it counts rather than waits)
        List<Event> events =
                stream(Map.of("language", "python", "limits", Map.of("timeoutMs", 10000), "code", """
                import sys
                print('first', flush=True)
                print('warn', file=sys.stderr, flush=True)
                n = 0
                for i in range(150000): n += i
                print('second')
                """), response);
        assertThat(response[0].statusCode()).isEqualTo(200);
        assertThat(response[0].headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> names = events.stream().map(Event::name).toList();
        assertThat(names.getFirst()).isEqualTo("start");
        assertThat(names.getLast()).isEqualTo("result");
        assertThat(names).contains("stdout", "stderr");
        StringBuilder out = new StringBuilder();
        events.stream()
                .filter(e -> e.name().equals("stdout"))
                .forEach(e -> out.append(e.data().get("text").asText()));
        assertThat(out.toString()).isEqualTo("first\nsecond\n");
        Event first = events.stream()
                .filter(e -> e.name().equals("stdout"))
                .findFirst()
                .orElseThrow();
        Event result = events.getLast();
        assertThat(result.atMillis() - first.atMillis())
                .as("first output arrives before the run ends")
                .isGreaterThan(50);
        assertThat(result.data().get("status").asText()).isEqualTo("success");
        assertThat(result.data().get("stdout").asText()).isEqualTo("first\nsecond\n");
        assertThat(result.data().get("execution_id").asText())
                .isEqualTo(events.getFirst().data().get("execution_id").asText());
        assertThat(response[0].headers().firstValue("X-Execution-Id"))
                .hasValue(result.data().get("execution_id").asText());
    }

    @Test
    void refusalsBeforeTheStreamAreOrdinaryJsonErrors() throws Exception {
        HttpResponse<String> r = client.post("/api/v1/execute/stream", "{\"language\": \"nope\", \"code\": \"1\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.body()).contains("unknown language 'nope'");
    }

    @Test
    void timeoutEndsTheStreamWithATimeoutResult() throws Exception {
        // a cold interpreter on a loaded machine may not reach the print within 300 ms: warm it first
        assertThat(client.postJson("/api/v1/execute", Map.of("language", "python", "code", "print('warm')"))
                        .status())
                .isEqualTo(200);
        HttpResponse<?>[] response = new HttpResponse<?>[1];
        List<Event> events = stream(
                Map.of(
                        "language",
                        "python",
                        "code",
                        "print('tick', flush=True)\nwhile True: pass",
                        "limits",
                        Map.of("timeoutMs", 300)),
                response);
        assertThat(events.getLast().name()).isEqualTo("result");
        assertThat(events.getLast().data().get("status").asText()).isEqualTo("timeout");
        assertThat(events.stream().anyMatch(e -> e.name().equals("stdout"))).isTrue();
    }
}

package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Jupyter kernel API as clients use it: Open WebUI's exchange message for message (Python and JavaScript),
 * state across cells, stdin, interrupt, restart, the REST routes, the v1 binary subprotocol, completion.
 */
class JupyterKernelTest {
    static final String TOKEN = "test-token-19";
    static TestClient client;
    static String base;

    @BeforeAll
    static void start() {
        client = new TestClient(
                "--token",
                TOKEN,
                "--rate-limit",
                "0",
                "--audit-log",
                "target/test-audit/jupyter.jsonl",
                "--max-concurrent",
                "4",
                "--queue-size",
                "64",
                "--client-share",
                "60",
                "--kernel-memory",
                "48m",
                "--kernel-cell-timeout",
                "20s",
                "--max-kernels",
                "20",
                "--max-kernels-per-client",
                "20");
        base = client.service.url();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static HttpResponse<String> http(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return KernelClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Http.JSON.readTree(r.body());
    }

    @Test
    void openWebUiExchangeWithAPythonKernel() throws Exception {
        KernelClient k = KernelClient.start(base, TOKEN, null); // Open WebUI sends no body: the default kernel, python
        assertThat(json(http("GET", "/api/kernels/" + k.kernelId + "?token=" + TOKEN, null))
                        .path("name")
                        .asText())
                .isEqualTo("python");
        KernelClient.Outcome o = k.execute("print('hello')\nx = 6 * 7\nx");
        assertThat(o.stdout()).isEqualTo("hello\n");
        assertThat(o.stderr()).isEmpty();
        assertThat(o.result()).containsExactly("42");
        List<String> types = o.messages().stream()
                .map(m -> m.path("channel").asText() + ":" + m.path("msg_type").asText())
                .toList();
        assertThat(types)
                .containsSubsequence(
                        "iopub:status",
                        "iopub:execute_input",
                        "iopub:stream",
                        "iopub:execute_result",
                        "shell:execute_reply",
                        "iopub:status");
        JsonNode result = o.messages().stream()
                .filter(m -> m.path("msg_type").asText().equals("execute_result"))
                .findFirst()
                .orElseThrow();
        assertThat(result.path("content").path("data").path("application/json").asInt())
                .isEqualTo(42);
        assertThat(result.path("content").path("execution_count").asInt()).isEqualTo(1);
        assertThat(result.path("header").path("version").asText()).isEqualTo("5.3");

        // state is kept across cells
        o = k.execute("x + 1");
        assertThat(o.result()).containsExactly("43");
        o = k.execute("{'a': [1, 2.5, None, True], 'b': \"it's\"}");
        assertThat(o.result()).containsExactly("{'a': [1, 2.5, None, True], 'b': \"it's\"}");

        // an error: Open WebUI joins the traceback into stderr
        o = k.execute("def f():\n    return 1 / 0\nf()");
        assertThat(o.stderr())
                .contains("ZeroDivisionError")
                .contains("division by zero")
                .contains("line 2");
        JsonNode reply = o.messages().stream()
                .filter(m -> m.path("msg_type").asText().equals("execute_reply"))
                .findFirst()
                .orElseThrow();
        assertThat(reply.path("content").path("status").asText()).isEqualTo("error");
        assertThat(reply.path("content").path("ename").asText()).isEqualTo("ZeroDivisionError");
        // and the kernel goes on with its state
        assertThat(k.execute("x").result()).containsExactly("42");
        assertThat(k.delete()).isEqualTo(204);
        assertThat(http("GET", "/api/kernels/" + k.kernelId + "?token=" + TOKEN, null)
                        .statusCode())
                .isEqualTo(404);

        // one audit line per cell: the kernel, the code's digest (never the code), the outcome
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("target/test-audit/jupyter.jsonl"))) {
            JsonNode a = Http.JSON.readTree(line);
            if (a.path("endpoint").asText().equals("kernel:" + k.kernelId)) lines.add(a);
        }
        assertThat(lines).hasSize(5);
        assertThat(lines.stream().map(a -> a.path("outcome").asText()).toList())
                .containsExactly("success", "success", "success", "error", "success");
        assertThat(lines.getFirst().path("code_sha256").asText()).isEqualTo(Sha256.hex("print('hello')\nx = 6 * 7\nx"));
        assertThat(lines.getFirst().path("language").asText()).isEqualTo("python");
    }

    @Test
    void openWebUiExchangeWithAJavaScriptKernel() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "javascript")) {
            KernelClient.Outcome o = k.execute("console.log('hi'); var y = 6 * 7; y");
            assertThat(o.stdout()).isEqualTo("hi\n");
            assertThat(o.result()).containsExactly("42");
            assertThat(k.execute("y * 2").result()).containsExactly("84");
            assertThat(k.execute("({a: [1, 'two'], 'b-c': null})").result())
                    .containsExactly("{ a: [ 1, 'two' ], 'b-c': null }");
            o = k.execute("var z = null; z.x");
            assertThat(o.stderr()).contains("TypeError");
            assertThat(o.result()).isEmpty();
            o = k.execute("console.error('warn'); undefined");
            assertThat(o.stderr()).isEqualTo("warn\n");
            assertThat(o.result()).isEmpty();
            assertThat(k.delete()).isEqualTo(204);
        }
    }

    @Test
    void typeScriptKernelKeepsItsVariables() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "typescript")) {
            KernelClient.Outcome o = k.execute("var n: number = 21; n * 2");
            assertThat(o.result()).as(o.stderr()).containsExactly("42");
            assertThat(k.execute("n + 1").result()).containsExactly("22");
            assertThat(k.delete()).isEqualTo(204);
        }
    }

    @Test
    void restRoutes() throws Exception {
        assertThat(json(http("GET", "/api", null)).path("version").asText()).isNotEmpty();
        JsonNode specs = json(http("GET", "/api/kernelspecs", null, "Authorization", "token " + TOKEN));
        assertThat(specs.path("default").asText()).isEqualTo("python");
        for (String name : List.of("python", "javascript", "typescript")) {
            JsonNode spec = specs.path("kernelspecs").path(name);
            assertThat(spec.path("name").asText()).isEqualTo(name);
            assertThat(spec.path("spec").path("display_name").asText()).contains("Wasmbox");
            assertThat(spec.path("spec").path("language").asText()).isEqualTo(name);
            assertThat(spec.path("spec").path("argv").isArray()).isTrue();
        }
        HttpResponse<String> created =
                http("POST", "/api/kernels", "{\"name\": \"javascript\"}", "Authorization", "token " + TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created).path("id").asText();
        assertThat(created.headers().firstValue("Location")).contains("/api/kernels/" + id);
        assertThat(json(created).path("execution_state").asText()).isEqualTo("idle");
        JsonNode list = json(http("GET", "/api/kernels?token=" + TOKEN, null));
        assertThat(list.findValuesAsText("id")).contains(id);
        assertThat(http("POST", "/api/kernels/" + id + "/interrupt?token=" + TOKEN, "")
                        .statusCode())
                .isEqualTo(204);
        assertThat(http("POST", "/api/kernels/" + id + "/restart?token=" + TOKEN, "")
                        .statusCode())
                .isEqualTo(200);
        assertThat(http("PUT", "/api/kernels/" + id + "?token=" + TOKEN, "").statusCode())
                .isEqualTo(405);
        assertThat(http("POST", "/api/kernels?token=" + TOKEN, "{\"name\": \"cobol\"}")
                        .body())
                .contains("no such kernel spec")
                .contains("python");
        JsonNode stats = json(http("GET", "/api/v1/stats", null)).path("kernels");
        assertThat(stats.path("running").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(stats.path("by_language").path("javascript").asInt()).isGreaterThanOrEqualTo(1);

        // sessions, as JupyterLab makes them
        HttpResponse<String> s = http(
                "POST",
                "/api/sessions?token=" + TOKEN,
                "{\"path\": \"nb.ipynb\", \"name\": \"nb.ipynb\", \"type\": \"notebook\", \"kernel\": {\"name\": \"python\"}}");
        assertThat(s.statusCode()).isEqualTo(201);
        JsonNode session = json(s);
        assertThat(session.path("kernel").path("name").asText()).isEqualTo("python");
        String sid = session.path("id").asText();
        assertThat(json(http("GET", "/api/sessions?token=" + TOKEN, null)).findValuesAsText("id"))
                .contains(sid);
        JsonNode patched =
                json(http("PATCH", "/api/sessions/" + sid + "?token=" + TOKEN, "{\"path\": \"renamed.ipynb\"}"));
        assertThat(patched.path("path").asText()).isEqualTo("renamed.ipynb");
        String kernelOfSession = session.path("kernel").path("id").asText();
        assertThat(http("DELETE", "/api/sessions/" + sid + "?token=" + TOKEN, null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(http("GET", "/api/kernels/" + kernelOfSession + "?token=" + TOKEN, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(http("DELETE", "/api/kernels/" + id + "?token=" + TOKEN, null)
                        .statusCode())
                .isEqualTo(204);
    }

    /** A shell request of any type, as a JSON frame. */
    static String request(String msgType, String channel, ObjectNode content, String msgId) {
        ObjectNode msg = Http.JSON.createObjectNode();
        ObjectNode header = msg.putObject("header");
        header.put("msg_id", msgId);
        header.put("msg_type", msgType);
        header.put("username", "test");
        header.put("session", "s-1");
        header.put("date", "2026-01-01T00:00:00Z");
        header.put("version", "5.3");
        msg.putObject("parent_header");
        msg.putObject("metadata");
        msg.set("content", content);
        msg.put("channel", channel);
        return msg.toString();
    }

    static JsonNode awaitMessage(KernelClient k, String parentId, String msgType) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode m = k.next(Duration.ofSeconds(5));
            if (m == null) continue;
            if (m.path("msg_type").asText().equals(msgType)
                    && (parentId == null
                            || parentId.equals(
                                    m.path("parent_header").path("msg_id").asText()))) {
                return m;
            }
        }
        throw new AssertionError("no " + msgType + " for " + parentId);
    }

    @Test
    void stdinAskedWithTheInputPromptAndAnswered() throws Exception {
        for (String lang : List.of("python", "javascript")) {
            try (KernelClient k = KernelClient.start(base, TOKEN, lang)) {
                ObjectNode content = Http.JSON.createObjectNode();
                content.put(
                        "code",
                        lang.equals("python")
                                ? "name = input('Name: ')\nprint('hi ' + name)"
                                : "print('Name?'); var name = readLine(); console.log('hi ' + name)");
                content.put("allow_stdin", true);
                k.sendText(request("execute_request", "shell", content, "ex-1"));
                JsonNode ask = awaitMessage(k, "ex-1", "input_request");
                assertThat(ask.path("channel").asText()).isEqualTo("stdin");
                if (lang.equals("python"))
                    assertThat(ask.path("content").path("prompt").asText()).isEqualTo("Name: ");
                ObjectNode answer = Http.JSON.createObjectNode();
                answer.put("value", "Ada");
                k.sendText(request("input_reply", "stdin", answer, "in-1"));
                JsonNode out = awaitMessage(k, "ex-1", "stream");
                assertThat(out.path("content").path("text").asText()).isEqualTo("hi Ada\n");
                awaitMessage(k, "ex-1", "execute_reply");
                // without allow_stdin, input() reads end of file
                KernelClient.Outcome o = k.execute(lang.equals("python") ? "input()" : "String(readLine())");
                assertThat(o.stderr() + o.result()).containsAnyOf("EOFError", "null", "undefined");
                assertThat(k.delete()).isEqualTo(204);
            }
        }
    }

    @Test
    void interruptStopsARunawayCellAndTheKernelGoesOn() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "python")) {
            k.execute("kept = 1");
            // a cell waiting for input is interrupted without losing the kernel's state
            ObjectNode ask = Http.JSON.createObjectNode();
            ask.put("code", "answer = input('waiting: ')");
            ask.put("allow_stdin", true);
            k.sendText(request("execute_request", "shell", ask, "wait-1"));
            awaitMessage(k, "wait-1", "input_request");
            k.sendText(request("interrupt_request", "control", Http.JSON.createObjectNode(), "int-0"));
            JsonNode stopped = awaitMessage(k, "wait-1", "error");
            assertThat(stopped.path("content").path("ename").asText()).isEqualTo("KeyboardInterrupt");
            assertThat(stopped.path("content").path("evalue").asText()).contains("state is intact");
            awaitMessage(k, "wait-1", "execute_reply");
            assertThat(k.execute("kept").result()).containsExactly("1");

            String id = k.sendExecute("while True: pass");
            awaitMessage(k, id, "execute_input");
            Thread.sleep(500);
            long t0 = System.nanoTime();
            // over the control channel, as JupyterLab does
            k.sendText(request("interrupt_request", "control", Http.JSON.createObjectNode(), "int-1"));
            KernelClient.Outcome o = k.collect(id, Duration.ofSeconds(30));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);
            assertThat(o.stderr()).contains("KeyboardInterrupt").contains("fresh sandbox");
            // usable afterwards, in a fresh sandbox (state lost, and said so above)
            KernelClient.Outcome after = k.execute("'kept' in globals()");
            assertThat(after.result()).containsExactly("False");
            assertThat(k.execute("1 + 1").result()).containsExactly("2");

            // through the REST route too
            id = k.sendExecute("while True: pass");
            awaitMessage(k, id, "execute_input");
            Thread.sleep(300);
            assertThat(http("POST", "/api/kernels/" + k.kernelId + "/interrupt?token=" + TOKEN, "")
                            .statusCode())
                    .isEqualTo(204);
            assertThat(k.collect(id, Duration.ofSeconds(30)).stderr()).contains("KeyboardInterrupt");
            assertThat(k.delete()).isEqualTo(204);
        }
    }

    @Test
    void cellsQueuedBehindAFailingCellAreAborted() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "python")) {
            String failing = k.sendExecute("import time\ntime.sleep(0.5)\nraise ValueError('stop')");
            String queued = k.sendExecute("print('must not run')");
            assertThat(k.collect(failing, Duration.ofSeconds(30)).stderr()).contains("ValueError: stop");
            JsonNode reply = awaitMessage(k, queued, "execute_reply");
            assertThat(reply.path("content").path("status").asText()).isEqualTo("aborted");
            assertThat(k.execute("1").result()).containsExactly("1");
            // a cell sent once the client saw the failed one end is not aborted (it was, racing the abort)
            for (int i = 0; i < 20; i++) {
                assertThat(k.execute("1 / 0").stderr()).contains("ZeroDivisionError");
                assertThat(k.execute(Integer.toString(i)).result()).containsExactly(Integer.toString(i));
            }
        }
    }

    @Test
    void restartClearsStateAndResetsTheCount() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "python")) {
            k.execute("a = 5");
            assertThat(http("POST", "/api/kernels/" + k.kernelId + "/restart?token=" + TOKEN, "")
                            .statusCode())
                    .isEqualTo(200);
            KernelClient.Outcome o = k.execute("a");
            assertThat(o.stderr()).contains("NameError");
            JsonNode reply = o.messages().stream()
                    .filter(m -> m.path("msg_type").asText().equals("execute_reply"))
                    .findFirst()
                    .orElseThrow();
            assertThat(reply.path("content").path("execution_count").asInt()).isEqualTo(1);
            assertThat(k.delete()).isEqualTo(204);
        }
    }

    @Test
    void kernelInfoCompletionAndFriends() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "python")) {
            k.sendText(request("kernel_info_request", "shell", Http.JSON.createObjectNode(), "ki"));
            JsonNode info = awaitMessage(k, "ki", "kernel_info_reply");
            assertThat(info.path("content").path("protocol_version").asText()).isEqualTo("5.3");
            assertThat(info.path("content").path("language_info").path("name").asText())
                    .isEqualTo("python");
            assertThat(info.path("content")
                            .path("language_info")
                            .path("file_extension")
                            .asText())
                    .isEqualTo(".py");

            k.execute("my_variable = 1");
            ObjectNode c = Http.JSON.createObjectNode();
            c.put("code", "my_va");
            c.put("cursor_pos", 5);
            k.sendText(request("complete_request", "shell", c, "cr"));
            JsonNode comp = awaitMessage(k, "cr", "complete_reply");
            assertThat(comp.path("content").path("matches").findValuesAsText("x"))
                    .isEmpty();
            assertThat(comp.path("content").path("matches").toString()).contains("my_variable");
            assertThat(comp.path("content").path("cursor_start").asInt()).isZero();

            for (String[] row : new String[][] {
                {"x = 1", "complete"}, {"def f():", "incomplete"}, {"(1,", "incomplete"}, {"x = = 1", "invalid"}
            }) {
                ObjectNode ic = Http.JSON.createObjectNode();
                ic.put("code", row[0]);
                String mid = "ic-" + UUID.randomUUID();
                k.sendText(request("is_complete_request", "shell", ic, mid));
                assertThat(awaitMessage(k, mid, "is_complete_reply")
                                .path("content")
                                .path("status")
                                .asText())
                        .as(row[0])
                        .isEqualTo(row[1]);
            }
            k.sendText(request("comm_info_request", "shell", Http.JSON.createObjectNode(), "ci"));
            JsonNode comms = awaitMessage(k, "ci", "comm_info_reply");
            assertThat(comms.path("content").path("comms").isObject()).isTrue();
            assertThat(comms.path("content").path("comms").size()).isZero();
            assertThat(k.delete()).isEqualTo(204);
        }
    }

    /** The v1.kernel.websocket.jupyter.org framing, by hand: what JupyterLab's services speak when offered. */
    @Test
    void v1BinarySubprotocol() throws Exception {
        HttpResponse<String> created = http("POST", "/api/kernels?token=" + TOKEN, "{\"name\": \"python\"}");
        String id = json(created).path("id").asText();
        try (KernelClient k = new KernelClient(base, TOKEN, id, JupyterMessages.V1_SUBPROTOCOL)) {
            assertThat(k.subprotocol()).isEqualTo(JupyterMessages.V1_SUBPROTOCOL);
            ObjectNode content = Http.JSON.createObjectNode();
            content.put("code", "print('v1')\n40 + 2");
            JsonNode req = Http.JSON.readTree(request("execute_request", "shell", content, "v1-1"));
            k.sendBinary(v1(req));
            List<JsonNode> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Object f = k.frames.poll(5, TimeUnit.SECONDS);
                if (f == null) continue;
                assertThat(f).isInstanceOf(ByteBuffer.class);
                JupyterMessages.Message m = JupyterMessages.parseV1ForTest((ByteBuffer) f);
                got.add(Http.JSON.valueToTree(
                        Map.of("channel", m.channel(), "type", m.msgType(), "content", m.content())));
                if (m.msgType().equals("status")
                        && m.content().path("execution_state").asText().equals("idle")) break;
            }
            assertThat(got.toString())
                    .contains("\"text\":\"v1\\n\"")
                    .contains("\"text/plain\":\"42\"")
                    .contains("execute_reply");
        }
        assertThat(http("DELETE", "/api/kernels/" + id + "?token=" + TOKEN, null)
                        .statusCode())
                .isEqualTo(204);
    }

    static ByteBuffer v1(JsonNode msg) throws Exception {
        List<byte[]> parts = new ArrayList<>();
        parts.add(msg.path("channel").asText().getBytes(StandardCharsets.UTF_8));
        for (String f : List.of("header", "parent_header", "metadata", "content"))
            parts.add(Http.JSON.writeValueAsBytes(msg.path(f)));
        int count = parts.size() + 1;
        int head = 8 * (count + 1);
        ByteBuffer b = ByteBuffer.allocate(
                        head + parts.stream().mapToInt(p -> p.length).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(count);
        long off = head;
        b.putLong(off);
        for (byte[] p : parts) b.putLong(off += p.length);
        for (byte[] p : parts) b.put(p);
        return b.flip();
    }
}

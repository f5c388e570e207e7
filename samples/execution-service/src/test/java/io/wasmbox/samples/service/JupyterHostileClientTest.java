package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and careless Jupyter clients: no or a wrong token, other origins, malformed, binary, huge and deeply
 * nested frames, unknown message types, floods of bad frames, too many kernels, runaway and memory-hungry cells,
 * idle kernels. Each gets a clear error, and the kernel (and service) carry on.
 */
class JupyterHostileClientTest {
    static final String TOKEN = "hostile-token";
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
                "target/test-audit/jupyter-hostile.jsonl",
                "--max-body",
                "256k",
                "--kernel-memory",
                "40m",
                "--kernel-cell-timeout",
                "3s");
        base = client.service.url();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static HttpResponse<String> http(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return KernelClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void restRoutesNeedTheToken() throws Exception {
        HttpResponse<String> none = http("GET", "/api/kernels");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(Http.JSON.readTree(none.body()).path("message").asText()).contains("token");
        assertThat(http("POST", "/api/kernels").statusCode()).isEqualTo(401);
        assertThat(http("GET", "/api/sessions").statusCode()).isEqualTo(401);
        assertThat(http("GET", "/api/kernelspecs").statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = http("GET", "/api/kernels?token=nope");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("invalid_token").doesNotContain(TOKEN);
        assertThat(http("GET", "/api/kernels", "Authorization", "token nope").statusCode())
                .isEqualTo(403);
        assertThat(http("GET", "/api/kernels", "Authorization", "token " + TOKEN)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http("GET", "/api/kernels", "Authorization", "Bearer " + TOKEN)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http("GET", "/api").statusCode()).isEqualTo(200); // the version is public, as in Jupyter Server
        assertThat(http("DELETE", "/api/kernels/not-a-kernel?token=" + TOKEN).statusCode())
                .isEqualTo(404);
    }

    static int handshakeStatus(String path, String... headers) {
        WebSocket.Builder b = KernelClient.HTTP.newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            b.buildAsync(URI.create(base.replace("http", "ws") + path), new WebSocket.Listener() {})
                    .get(20, TimeUnit.SECONDS)
                    .abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h)
                return h.getResponse().statusCode();
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theWebSocketNeedsTheTokenAKernelAndTheRightOrigin() throws Exception {
        KernelClient k = KernelClient.start(base, TOKEN, "javascript");
        String channels = "/api/kernels/" + k.kernelId + "/channels";
        assertThat(handshakeStatus(channels)).isEqualTo(401);
        assertThat(handshakeStatus(channels + "?token=wrong")).isEqualTo(403);
        assertThat(handshakeStatus(channels, "Authorization", "token " + TOKEN)).isEqualTo(101);
        assertThat(handshakeStatus("/api/kernels/no-such-kernel/channels?token=" + TOKEN))
                .isEqualTo(404);
        // a web page elsewhere cannot drive a kernel through its visitor's browser (cross-site WebSocket hijacking)
        assertThat(handshakeStatus(channels + "?token=" + TOKEN, "Origin", "http://evil.example"))
                .isEqualTo(403);
        assertThat(k.delete()).isEqualTo(204);
    }

    @Test
    void malformedFramesGetClearErrorsAndTheConnectionGoesOn() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "python")) {
            String[][] cases = {
                {"not json", "not JSON"},
                {"[1, 2]", "expected a JSON object"},
                {"{}", "'channel'"},
                {"{\"channel\": \"shell\"}", "'header'"},
                {"{\"channel\": \"shell\", \"header\": {\"msg_id\": \"1\"}}", "msg_type"},
                {
                    "{\"channel\": \"iopub\", \"header\": {\"msg_id\": \"1\", \"msg_type\": \"execute_request\"}}",
                    "channel"
                },
                {
                    "{\"channel\": \"shell\", \"header\": {\"msg_id\": \"1\", \"msg_type\": \"execute_request\"}, \"content\": 5}",
                    "content"
                },
                {"[".repeat(5000), "nested too deeply"},
            };
            for (String[] c : cases) {
                k.sendText(c[0]);
                JsonNode err = nextError(k);
                assertThat(err.path("content").path("ename").asText()).isEqualTo("BadMessage");
                assertThat(err.path("content").path("evalue").asText()).as(c[0]).contains(c[1]);
            }
            k.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertThat(nextError(k).path("content").path("evalue").asText())
                    .contains("v1.kernel.websocket.jupyter.org");
            // still a working kernel
            assertThat(k.execute("6 * 7").result()).containsExactly("42");
        }
    }

    static JsonNode nextError(KernelClient k) throws Exception {
        for (int i = 0; i < 20; i++) {
            JsonNode m = k.next(Duration.ofSeconds(10));
            if (m == null) break;
            if (m.path("msg_type").asText().equals("error")) return m;
        }
        throw new AssertionError("no error message");
    }

    @Test
    void malformedV1FramesAreRefusedToo() throws Exception {
        String id = Http.JSON
                .readTree(http("POST", "/api/kernels?token=" + TOKEN).body())
                .path("id")
                .asText();
        try (KernelClient k = new KernelClient(base, TOKEN, id, JupyterMessages.V1_SUBPROTOCOL)) {
            ByteBuffer tooFew = ByteBuffer.allocate(16)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(2)
                    .putLong(16)
                    .flip();
            ByteBuffer huge = ByteBuffer.allocate(16)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(1L << 40)
                    .putLong(0)
                    .flip();
            for (ByteBuffer frame : new ByteBuffer[] {ByteBuffer.wrap(new byte[3]), tooFew, huge}) {
                k.sendBinary(frame);
                Object f = k.frames.poll(10, TimeUnit.SECONDS);
                assertThat(f).isInstanceOf(ByteBuffer.class);
                JupyterMessages.Message m = JupyterMessages.parseV1ForTest((ByteBuffer) f);
                assertThat(m.msgType()).isEqualTo("error");
                assertThat(m.content().path("evalue").asText()).contains("malformed v1 frame");
            }
        }
        assertThat(http("DELETE", "/api/kernels/" + id + "?token=" + TOKEN).statusCode())
                .isEqualTo(204);
    }

    @Test
    void aHugeFrameClosesTheConnectionWithMessageTooBigAndTheKernelLives() throws Exception {
        KernelClient k = KernelClient.start(base, TOKEN, "javascript");
        k.execute("var kept = 1");
        String code = "x".repeat(300 * 1024);
        try {
            k.sendText(
                    "{\"channel\":\"shell\",\"header\":{\"msg_id\":\"h\",\"msg_type\":\"execute_request\"},\"content\":{\"code\":\""
                            + code + "\"}}");
        } catch (CompletionException e) {
            // the server may close before the whole frame is written
        }
        // the service closes with 1009 (message too big) as soon as the frame passes the limit; a client still
        // writing the rest of its frame may see its connection reset before it reads that close frame
        assertThat(k.closed.get(20, TimeUnit.SECONDS))
                .satisfiesAnyOf(
                        c -> assertThat(c).startsWith("1009"),
                        c -> assertThat(c).containsAnyOf("Broken pipe", "Connection reset", "closed"));
        try (KernelClient again = new KernelClient(base, TOKEN, k.kernelId, null)) {
            assertThat(again.execute("kept").result()).containsExactly("1");
        }
        assertThat(k.delete()).isEqualTo(204);
    }

    @Test
    void unknownMessageTypesGetAnErrorReply() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "javascript")) {
            k.sendText(JupyterKernelTest.request("frobnicate_request", "shell", Http.JSON.createObjectNode(), "u-1"));
            JsonNode reply = JupyterKernelTest.awaitMessage(k, "u-1", "frobnicate_reply");
            assertThat(reply.path("content").path("status").asText()).isEqualTo("error");
            assertThat(reply.path("content").path("ename").asText()).isEqualTo("UnknownMessageType");
            assertThat(reply.path("content").path("evalue").asText())
                    .contains("frobnicate_request")
                    .contains("execute_request");
            // an input reply nobody asked for
            k.sendText(JupyterKernelTest.request("input_reply", "stdin", Http.JSON.createObjectNode(), "u-2"));
            assertThat(JupyterKernelTest.awaitMessage(k, "u-2", "error")
                            .path("content")
                            .path("ename")
                            .asText())
                    .isEqualTo("UnexpectedInputReply");
        }
    }

    @Test
    void aFloodOfBadFramesClosesTheConnection() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "javascript")) {
            for (int i = 0; i <= KernelSocket.MAX_BAD_FRAMES + 5 && !k.closed.isDone(); i++) {
                try {
                    k.sendText("garbage");
                } catch (CompletionException e) {
                    break;
                }
            }
            assertThat(k.closed.get(20, TimeUnit.SECONDS)).startsWith("1008");
        }
    }

    @Test
    void runawayAndMemoryHungryCellsEndWithErrorsAndTheKernelCarriesOn() throws Exception {
        try (KernelClient k = KernelClient.start(base, TOKEN, "python")) {
            k.execute("kept = 'yes'");
            KernelClient.Outcome o = k.execute("b = bytearray(200 * 1024 * 1024)");
            assertThat(o.stderr()).contains("MemoryError");
            assertThat(k.execute("kept").result()).containsExactly("'yes'");
            long t0 = System.nanoTime();
            o = k.execute("while True: pass");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(2_500L, 20_000L);
            assertThat(o.stderr()).contains("TimeoutError").contains("3000 ms").contains("fresh sandbox");
            KernelClient.Outcome after = k.execute("'kept' in globals()");
            assertThat(after.result()).as(after.stderr()).containsExactly("False");
            assertThat(k.execute("2 + 2").result()).containsExactly("4");
        }
    }

    @Test
    void tooManyKernelsInTotalAndPerClient() throws Exception {
        Path keys = Files.createTempFile("keys", ".txt");
        Files.writeString(keys, "key-one\nkey-two\n");
        try (TestClient capped = new TestClient(
                "--token",
                TOKEN,
                "--audit-log",
                "off",
                "--api-keys-file",
                keys.toString(),
                "--max-kernels",
                "3",
                "--max-kernels-per-client",
                "2",
                "--kernel-memory",
                "40m")) {
            String url = capped.service.url();
            BiFunction<String, String, HttpResponse<String>> post =
                    (key, lang) -> capped.send(HttpRequest.newBuilder(URI.create(url + "/api/kernels?token=" + TOKEN))
                            .header("X-API-Key", key)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + lang + "\"}"))
                            .build());
            assertThat(post.apply("key-one", "javascript").statusCode()).isEqualTo(201);
            assertThat(post.apply("key-one", "javascript").statusCode()).isEqualTo(201);
            HttpResponse<String> mine = post.apply("key-one", "javascript");
            assertThat(mine.statusCode()).isEqualTo(429);
            assertThat(mine.body()).contains("client_kernel_limit").contains("2");
            assertThat(post.apply("key-two", "javascript").statusCode()).isEqualTo(201);
            HttpResponse<String> all = post.apply("key-two", "javascript");
            assertThat(all.statusCode()).isEqualTo(429);
            assertThat(all.body()).contains("too_many_kernels").contains("3");
            assertThat(all.headers().firstValue("Retry-After")).isPresent();
            // the API key is checked on kernel routes too
            assertThat(capped.send(HttpRequest.newBuilder(URI.create(url + "/api/kernels?token=" + TOKEN))
                                    .GET()
                                    .build())
                            .statusCode())
                    .isEqualTo(401);
            JsonNode stats =
                    Http.JSON.readTree(capped.get("/api/v1/stats").body()).path("kernels");
            assertThat(stats.path("running").asInt()).isEqualTo(3);
            assertThat(stats.path("max").asInt()).isEqualTo(3);
        }
    }

    @Test
    void idleKernelsAreCulled() throws Exception {
        try (TestClient culling =
                new TestClient("--token", TOKEN, "--audit-log", "off", "--kernel-idle-timeout", "1s")) {
            String url = culling.service.url();
            KernelClient k = KernelClient.start(url, TOKEN, "javascript");
            assertThat(k.execute("1").result()).containsExactly("1");
            assertThat(k.closed.get(30, TimeUnit.SECONDS)).contains("culled");
            HttpResponse<String> gone = culling.send(
                    HttpRequest.newBuilder(URI.create(url + "/api/kernels/" + k.kernelId + "?token=" + TOKEN))
                            .GET()
                            .build());
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(Http.JSON
                            .readTree(culling.get("/api/v1/stats").body())
                            .path("kernels")
                            .path("culled")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void withTokenEverywhereTheExecutionApisNeedTheTokenToo() throws Exception {
        try (TestClient guarded = new TestClient("--token", TOKEN, "--audit-log", "off", "--token-everywhere")) {
            String body = "{\"language\": \"python\", \"code\": \"6 * 7\"}";
            assertThat(guarded.post("/api/v1/execute", body).statusCode()).isEqualTo(401);
            assertThat(guarded.post("/api/v1/execute", body, Map.of("Authorization", "token wrong"))
                            .statusCode())
                    .isEqualTo(403);
            HttpResponse<String> ok = guarded.post("/api/v1/execute", body, Map.of("Authorization", "token " + TOKEN));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"value\":42");
            HttpResponse<String> piston = guarded.post(
                    "/api/v2/execute",
                    "{\"language\": \"python\", \"version\": \"*\", \"files\": [{\"content\": \"print(1)\"}]}");
            assertThat(piston.statusCode()).isEqualTo(401);
            assertThat(Http.JSON.readTree(piston.body()).path("message").asText())
                    .contains("token");
            assertThat(guarded.get("/api/v1/health").statusCode()).isEqualTo(200);
            assertThat(guarded.get("/api/v1/stats").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aStrangerGetsNoKernelEvenWithAnApiKeyAndWithoutTheToken() throws Exception {
        assertThatThrownBy(() -> KernelClient.start(base, "guess", "python")).hasMessageContaining("403");
    }
}

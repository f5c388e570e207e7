package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Jupyter client that does what Open WebUI's code interpreter does ({@code backend/open_webui/utils/
 * code_interpreter.py}), message for message: {@code POST api/kernels?token=T} (no body) gives the id, a
 * WebSocket to {@code api/kernels/{id}/channels?token=T}, one {@code execute_request} JSON frame, then every
 * message whose {@code parent_header.msg_id} matches, by its top-level {@code msg_type}: {@code stream},
 * {@code execute_result} / {@code display_data}, {@code error}, until {@code status} idle; then
 * {@code DELETE api/kernels/{id}}.
 */
final class KernelClient implements AutoCloseable {
    /** What Open WebUI collects from one execution. */
    record Outcome(String stdout, String stderr, List<String> result, List<JsonNode> messages) {}

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;
    private final String token;
    final String kernelId;
    private final WebSocket ws;
    final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    /** Starts a kernel (as Open WebUI does: POST with only the token) and connects to it. */
    static KernelClient start(String base, String token, String language) throws Exception {
        String body = language == null ? "" : "{\"name\":\"" + language + "\"}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/kernels?token=" + token))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201)
            throw new IllegalStateException("POST /api/kernels: " + r.statusCode() + " " + r.body());
        String id = Http.JSON.readTree(r.body()).path("id").asText();
        return new KernelClient(base, token, id, null);
    }

    KernelClient(String base, String token, String kernelId, String subprotocol) throws Exception {
        this.base = base;
        this.token = token;
        this.kernelId = kernelId;
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (subprotocol != null) b.subprotocols(subprotocol);
        this.ws = b.buildAsync(
                        URI.create(
                                base.replace("http", "ws") + "/api/kernels/" + kernelId + "/channels?token=" + token),
                        new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();
                            private ByteBuffer binary = ByteBuffer.allocate(0);

                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    frames.add(text.toString());
                                    text.setLength(0);
                                }
                                webSocket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                                ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
                                joined.put(binary).put(data).flip();
                                binary = joined;
                                if (last) {
                                    frames.add(binary);
                                    binary = ByteBuffer.allocate(0);
                                }
                                webSocket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closed.complete(statusCode + " " + reason);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket webSocket, Throwable error) {
                                closed.complete("error " + error);
                            }
                        })
                .get(20, TimeUnit.SECONDS);
    }

    String subprotocol() {
        return ws.getSubprotocol();
    }

    /** An execute_request exactly as Open WebUI sends it; returns its msg_id. */
    String sendExecute(String code) {
        String msgId = UUID.randomUUID().toString().replace("-", "");
        ObjectNode msg = Http.JSON.createObjectNode();
        ObjectNode header = msg.putObject("header");
        header.put("msg_id", msgId);
        header.put("msg_type", "execute_request");
        header.put("username", "user");
        header.put("session", UUID.randomUUID().toString().replace("-", ""));
        header.put("date", "");
        header.put("version", "5.3");
        msg.putObject("parent_header");
        msg.putObject("metadata");
        ObjectNode content = msg.putObject("content");
        content.put("code", code);
        content.put("silent", false);
        content.put("store_history", true);
        content.putObject("user_expressions");
        content.put("allow_stdin", false);
        content.put("stop_on_error", true);
        msg.put("channel", "shell");
        sendText(msg.toString());
        return msgId;
    }

    void sendText(String text) {
        ws.sendText(text, true).join();
    }

    void sendBinary(ByteBuffer data) {
        ws.sendBinary(data, true).join();
    }

    /** The next message (JSON text frames only), or null when none came in time. */
    JsonNode next(Duration timeout) throws Exception {
        Object f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) return null;
        if (f instanceof String s) return Http.JSON.readTree(s);
        throw new IllegalStateException("binary frame on a JSON connection");
    }

    /** Open WebUI's loop: messages of this request until its status idle. */
    Outcome collect(String msgId, Duration timeout) throws Exception {
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        List<String> result = new ArrayList<>();
        List<JsonNode> messages = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m = left <= 0 ? null : next(Duration.ofNanos(left));
            if (m == null) {
                stderr.append("\nExecution timed out.");
                break;
            }
            if (!msgId.equals(m.path("parent_header").path("msg_id").asText(null))) continue;
            messages.add(m);
            switch (m.path("msg_type").asText()) {
                case "stream" ->
                    (m.path("content").path("name").asText().equals("stdout") ? stdout : stderr)
                            .append(m.path("content").path("text").asText());
                case "execute_result", "display_data" -> {
                    JsonNode data = m.path("content").path("data");
                    if (data.has("image/png"))
                        result.add("data:image/png;base64,"
                                + data.path("image/png").asText());
                    else if (data.has("text/plain"))
                        result.add(data.path("text/plain").asText());
                }
                case "error" -> {
                    List<String> lines = new ArrayList<>();
                    m.path("content").path("traceback").forEach(l -> lines.add(l.asText()));
                    stderr.append(String.join("\n", lines));
                }
                case "status" -> {
                    if (m.path("content").path("execution_state").asText().equals("idle")) {
                        return new Outcome(stdout.toString(), stderr.toString(), result, messages);
                    }
                }
                default -> {}
            }
        }
        return new Outcome(stdout.toString(), stderr.toString(), result, messages);
    }

    Outcome execute(String code) throws Exception {
        return collect(sendExecute(code), Duration.ofSeconds(60));
    }

    /** DELETE api/kernels/{id}?token=T; returns the status. */
    int delete() throws Exception {
        ws.abort();
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/kernels/" + kernelId + "?token=" + token))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Override
    public void close() {
        ws.abort();
    }
}

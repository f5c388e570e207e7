package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;

/**
 * Jupyter Server's kernel REST API, the subset real clients use ({@code /api}, {@code /api/kernelspecs},
 * {@code /api/kernels}, {@code /api/sessions}), and the creator of the kernels' WebSockets
 * ({@code /api/kernels/{id}/channels}). Every route but {@code GET /api} needs the service's token, as
 * {@code ?token=} or {@code Authorization: token ...}.
 */
final class JupyterApi {
    /** The Jupyter Server API version this subset follows. */
    static final String API_VERSION = "2.14.0";

    static final Pattern CHANNELS = Pattern.compile("^/api/kernels/([^/]+)/channels$");
    private static final Pattern KERNEL = Pattern.compile("^/api/kernels/([^/]+)(/interrupt|/restart)?/?$");
    private static final Pattern SESSION = Pattern.compile("^/api/sessions/([^/]+)/?$");

    private final Api api;
    private final KernelManager kernels;
    private final JupyterSessions sessions;
    private final byte[] token;
    private final Supplier<Origins> origins;

    JupyterApi(Api api, KernelManager kernels, Supplier<Origins> origins) {
        this.api = api;
        this.kernels = kernels;
        this.sessions = new JupyterSessions(kernels);
        this.token = api.config.kernels().token().getBytes(StandardCharsets.UTF_8);
        this.origins = origins;
    }

    // ---- auth --------------------------------------------------------------------------------------------------

    /** Checks the token and returns the client (its API key's digest when keys are configured, else its IP). */
    String authorize(Exchange exchange) {
        String given = null;
        String auth = exchange.header("Authorization");
        if (auth != null) {
            String a = auth.strip();
            int space = a.indexOf(' ');
            String scheme = space < 0 ? "" : a.substring(0, space);
            if (scheme.equalsIgnoreCase("token") || scheme.equalsIgnoreCase("bearer"))
                given = a.substring(space + 1).strip();
        }
        if (given == null) given = exchange.queryParameter("token");
        if (given == null || given.isEmpty()) {
            throw new ApiError(
                    401,
                    "missing_token",
                    "this route needs the service's token: ?token=... or "
                            + "'Authorization: token ...' (printed at start-up, or set with --token / WASMBOX_TOKEN)");
        }
        if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(403, "invalid_token", "the token is not this service's token");
        }
        return api.identity.client(exchange);
    }

    // ---- REST ------------------------------------------------------------------------------------------------

    /** GET /api: the version, without a token (as Jupyter Server answers it). */
    void version(Exchange exchange) throws IOException {
        Http.sendJson(exchange, 200, Map.of("version", API_VERSION));
    }

    /** GET /api/kernelspecs. */
    void kernelspecs(Exchange exchange) throws IOException {
        authorize(exchange);
        String path = exchange.path();
        if (path.equals("/api/kernelspecs") || path.equals("/api/kernelspecs/")) {
            Http.sendJson(exchange, 200, kernels.specs().model());
            return;
        }
        String name = path.substring("/api/kernelspecs/".length());
        KernelSpecs.Spec spec = kernels.specs()
                .find(name)
                .orElseThrow(() ->
                        new ApiError(404, "kernelspec_not_found", "no kernel spec " + AuditLog.truncate(name, 64)));
        Http.sendJson(exchange, 200, spec.model());
    }

    /** Everything under /api/kernels. */
    void kernels(Exchange exchange) throws IOException {
        String client = authorize(exchange);
        String path = exchange.path();
        String method = exchange.method();
        if (path.equals("/api/kernels") || path.equals("/api/kernels/")) {
            switch (method) {
                case "GET", "HEAD" ->
                    Http.sendJson(
                            exchange,
                            200,
                            kernels.list().stream().map(Kernel::model).toList());
                case "POST" -> {
                    JsonNode body = optionalBody(exchange);
                    Kernel k = kernels.start(text(body, "name"), client);
                    exchange.setHeader("Location", "/api/kernels/" + k.id);
                    Http.sendJson(exchange, 201, k.model());
                }
                default -> throw notAllowed(method, path, "GET, POST");
            }
            return;
        }
        Matcher m = KERNEL.matcher(path);
        if (!m.matches()) throw new ApiError(404, "not_found", "no such endpoint: " + AuditLog.truncate(path, 200));
        Kernel k = kernels.get(m.group(1));
        String action = m.group(2);
        if (action == null) {
            switch (method) {
                case "GET", "HEAD" -> Http.sendJson(exchange, 200, k.model());
                case "DELETE" -> {
                    kernels.shutdown(k.id, "kernel deleted");
                    Http.send(exchange, 204, "application/json", new byte[0]);
                }
                default -> throw notAllowed(method, path, "GET, DELETE");
            }
            return;
        }
        if (!method.equals("POST")) throw notAllowed(method, path, "POST");
        if (action.equals("/interrupt")) {
            k.interrupt();
            Http.send(exchange, 204, "application/json", new byte[0]);
        } else {
            k.restart();
            Http.sendJson(exchange, 200, k.model());
        }
    }

    /** Everything under /api/sessions. */
    void sessions(Exchange exchange) throws IOException {
        String client = authorize(exchange);
        String path = exchange.path();
        String method = exchange.method();
        if (path.equals("/api/sessions") || path.equals("/api/sessions/")) {
            switch (method) {
                case "GET", "HEAD" ->
                    Http.sendJson(
                            exchange,
                            200,
                            sessions.list().stream().map(sessions::model).toList());
                case "POST" -> {
                    JsonNode body = optionalBody(exchange);
                    String p = text(body, "path");
                    if (p == null) p = text(body.path("notebook"), "path");
                    String sessionPath = p == null ? "" : p;
                    String name = text(body, "name");
                    String type = text(body, "type");
                    JupyterSessions.Session existing = sessions.findByPath(sessionPath);
                    if (existing != null && !sessionPath.isEmpty()) {
                        Http.sendJson(exchange, 201, sessions.model(existing));
                        return;
                    }
                    String kernelId = kernelFor(body.path("kernel"), client);
                    JupyterSessions.Session s = sessions.create(
                            sessionPath, name == null ? "" : name, type == null ? "notebook" : type, kernelId, client);
                    exchange.setHeader("Location", "/api/sessions/" + s.id);
                    Http.sendJson(exchange, 201, sessions.model(s));
                }
                default -> throw notAllowed(method, path, "GET, POST");
            }
            return;
        }
        Matcher m = SESSION.matcher(path);
        if (!m.matches()) throw new ApiError(404, "not_found", "no such endpoint: " + AuditLog.truncate(path, 200));
        JupyterSessions.Session s = sessions.get(m.group(1));
        switch (method) {
            case "GET", "HEAD" -> Http.sendJson(exchange, 200, sessions.model(s));
            case "DELETE" -> {
                sessions.delete(s.id);
                Http.send(exchange, 204, "application/json", new byte[0]);
            }
            case "PATCH" -> {
                JsonNode body = optionalBody(exchange);
                if (text(body, "path") != null) s.path = text(body, "path");
                if (text(body, "name") != null) s.name = text(body, "name");
                if (text(body, "type") != null) s.type = text(body, "type");
                JsonNode kernel = body.path("kernel");
                if (kernel.isObject()) {
                    String old = s.kernelId;
                    String next = kernelFor(kernel, client);
                    if (!next.equals(old)) {
                        s.kernelId = next;
                        kernels.shutdown(old, "session changed kernel");
                    }
                }
                Http.sendJson(exchange, 200, sessions.model(s));
            }
            default -> throw notAllowed(method, path, "GET, PATCH, DELETE");
        }
    }

    /** The kernel a session body names: an existing one by id, else a new one of the named spec. */
    private String kernelFor(JsonNode kernel, String client) {
        String id = text(kernel, "id");
        if (id != null) return kernels.get(id).id;
        return kernels.start(text(kernel, "name"), client).id;
    }

    private JsonNode optionalBody(Exchange exchange) throws IOException {
        byte[] body = Http.readBody(exchange, api.config.maxBodyBytes(), api.config.requestTimeout());
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) return Http.JSON.createObjectNode();
        JsonNode node = Http.parseJson(body);
        if (!node.isObject()) throw ApiError.badRequest("expected a JSON object");
        return node;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiError.badRequest("'" + field + "' must be a string");
        return v.asText();
    }

    private static ApiError notAllowed(String method, String path, String allow) {
        return new ApiError(
                405,
                "method_not_allowed",
                AuditLog.truncate(method, 20) + " is not allowed on " + AuditLog.truncate(path, 200) + "; use " + allow,
                Map.of("Allow", allow));
    }

    // ---- WebSocket -----------------------------------------------------------------------------------------

    /**
     * The WebSocket for {@code /api/kernels/{id}/channels}, or null after answering the upgrade request with a
     * JSON error (missing or wrong token, unknown kernel, a browser page of another origin).
     */
    Object createSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        Exchange exchange = new Exchange(request, response, api.config.idleTimeout());
        String path = exchange.path();
        try {
            Matcher m = CHANNELS.matcher(path);
            if (!m.matches()) throw new ApiError(404, "not_found", "no such endpoint");
            String origin = exchange.header("Origin");
            if (!origins.get().allows(origin)) {
                throw new ApiError(
                        403,
                        "cross_origin",
                        "cross-origin WebSockets are not accepted (Origin " + AuditLog.truncate(origin, 200) + ")");
            }
            authorize(exchange);
            Kernel kernel = kernels.get(m.group(1));
            boolean v1 = request.hasSubProtocol(JupyterMessages.V1_SUBPROTOCOL);
            if (v1) response.setAcceptedSubProtocol(JupyterMessages.V1_SUBPROTOCOL);
            return new KernelSocket(kernel, v1, Math.max(api.config.streamBufferBytes() * 4, 4L << 20));
        } catch (ApiError e) {
            try {
                api.trail.recordRouting(path, "GET", "ip:" + api.identity.address(exchange), e);
            } catch (RuntimeException ignored) {
                // auditing must not turn a refusal into a failure
            }
            response.setStatus(e.status());
            response.getHeaders().put("Content-Type", "application/json; charset=utf-8");
            e.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            byte[] body;
            try {
                body = Http.JSON.writeValueAsBytes(ResultJson.error(e));
            } catch (IOException io) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            }
            response.write(true, ByteBuffer.wrap(body), callback);
            return null;
        }
    }

    /** Routes this API serves, for the route table. */
    static List<String> routes() {
        return List.of("/api", "/api/kernelspecs", "/api/kernels", "/api/sessions");
    }
}

package io.wasmbox.samples.service;

import io.wasmbox.Wasmbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.pathmap.RegexPathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The Wasmbox execution service: an HTTP server (Jetty 12's core API; each request handled on a virtual
 * thread of its own, as handlers block on executions) that runs code in a fresh sandbox per request. Routes: the v1 JSON API, Piston's v2
 * API, Server-Sent Events streaming, the OpenAPI description and the browser playground at {@code /}.
 *
 * <pre>{@code
 * java -jar wasmbox-execution-service.jar --port 8080
 * }</pre>
 */
public final class ExecutionService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ExecutionService.class.getName());
    private static final String CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'none'";

    /** A handler of one route. */
    @FunctionalInterface
    interface Endpoint {
        void handle(Exchange exchange) throws IOException;
    }

    private record Route(String path, boolean prefix, Map<String, Endpoint> methods) {}

    /** Request attribute: the request's failure already has its audit line. */
    private static final String AUDITED = "io.wasmbox.audited";

    private final ServiceConfig config;
    private final Server server;
    private final ServerConnector connector;
    private final AuditLog audit;
    private final Api api;
    private final KernelManager kernels;
    private final JupyterApi jupyter;
    private final List<Route> routes = new ArrayList<>();
    private volatile Origins origins;

    private ExecutionService(ServiceConfig config) throws IOException {
        this.config = config;
        this.audit = AuditLog.open(
                config.auditLog(),
                config.auditMaxBytes(),
                config.auditKeep(),
                config.auditClientBudget(),
                System::nanoTime);
        Warmup warmup = new Warmup();
        this.api = new Api(
                config,
                new Runner(config),
                new RateLimiter(config.ratePerMinute(), config.rateBurst(), System::nanoTime),
                audit,
                new Stats(),
                warmup);
        PistonApi piston = new PistonApi(api);
        StaticFiles files = new StaticFiles();
        this.kernels = new KernelManager(config, api.runner, new KernelSpecs(), api.trail::recordCell);
        api.kernelStats = kernels::stats;
        this.jupyter = new JupyterApi(api, kernels, () -> origins);

        route("/api/v1/execute", "POST", api::execute);
        route("/api/v1/execute/batch", "POST", api::batch);
        route("/api/v1/execute/stream", "POST", api::stream);
        route("/api/v1/health", "GET", api::health);
        route("/api/v1/stats", "GET", api::stats);
        route("/api/v1/config", "GET", api::config);
        route("/api/v1/runtimes", "GET", api::runtimes);
        route("/api/v2/runtimes", "GET", piston::runtimes);
        route("/api/v2/execute", "POST", piston::execute);
        route("/api/openapi.yaml", "GET", files::openapi);
        route("/", "GET", files::index);
        route("/index.html", "GET", files::index);
        routes.add(new Route("/assets/", true, Map.of("GET", files::asset)));
        routes.add(new Route("/vendor/codemirror/", true, Map.of("GET", files::codemirror)));
        // Jupyter Server's kernel API (the WebSocket /api/kernels/{id}/channels is upgraded before routing)
        route("/api", "GET", jupyter::version);
        routes.add(new Route("/api/kernelspecs", true, Map.of("GET", jupyter::kernelspecs)));
        routes.add(new Route(
                "/api/kernels",
                true,
                Map.of("GET", jupyter::kernels, "POST", jupyter::kernels, "DELETE", jupyter::kernels)));
        routes.add(new Route(
                "/api/sessions",
                true,
                Map.of(
                        "GET",
                        jupyter::sessions,
                        "POST",
                        jupyter::sessions,
                        "PATCH",
                        jupyter::sessions,
                        "DELETE",
                        jupyter::sessions)));

        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("wasmbox-http");
        this.server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setOutputBufferSize(32 * 1024); // what a response may hold in the server before a write blocks
        http.setRequestHeaderSize(16 * 1024);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        WebSocketUpgradeHandler websockets = WebSocketUpgradeHandler.from(server, container -> {
            long maxMessage = Math.max(config.maxBodyBytes(), 64 * 1024);
            container.setMaxTextMessageSize(maxMessage);
            container.setMaxBinaryMessageSize(maxMessage);
            container.setMaxFrameSize(maxMessage);
            container.setIdleTimeout(
                    config.kernels().idleTimeout().isZero()
                            ? Duration.ofHours(24)
                            : config.kernels().idleTimeout().plus(config.idleTimeout()));
            container.addMapping(new RegexPathSpec(JupyterApi.CHANNELS.pattern()), jupyter::createSocket);
        });
        websockets.setHandler(new Router());
        server.setHandler(websockets);
        server.setErrorHandler(new JsonErrors());
        server.setStopTimeout(1000);
        warmup.start(config.warmup());
    }

    /** Starts a service; {@link #port()} tells the port when the configuration asked for 0. */
    static ExecutionService start(ServiceConfig config) throws IOException {
        ExecutionService service = new ExecutionService(config);
        try {
            service.server.start();
        } catch (IOException e) {
            service.close();
            throw e;
        } catch (Exception e) {
            service.close();
            throw new IOException(e.getMessage(), e);
        }
        service.origins = Origins.of(config, service.port());
        return service;
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(ServiceConfig.help());
            return;
        }
        ServiceConfig config;
        try {
            config = ServiceConfig.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("wasmbox-execution-service: " + e.getMessage());
            System.exit(2);
            return;
        }
        ExecutionService service;
        try {
            service = start(config);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("wasmbox-execution-service: cannot listen on " + config.host() + ":" + config.port()
                    + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "wasmbox-shutdown"));
        List<String> languages = Wasmbox.languages().stream()
                .map(l -> l.id() + " " + l.languageVersion())
                .toList();
        System.out.println("Wasmbox execution service listening on " + service.url()
                + "  (playground: " + service.url() + "/, API: " + service.url() + "/api/v1, OpenAPI: "
                + service.url() + "/api/openapi.yaml)");
        System.out.println("languages: " + (languages.isEmpty() ? "none" : String.join(", ", languages))
                + "; limits: timeout <= " + config.maxTimeout().toMillis() + " ms, memory <= " + config.maxMemoryMiB()
                + " MiB; " + config.maxConcurrent() + " concurrent, queue " + config.queueSize()
                + (config.auditLog() == null
                        ? "; audit off"
                        : "; audit log " + config.auditLog().toAbsolutePath()));
        Wasmbox.unavailableLanguages()
                .forEach((id, reason) -> System.out.println("language " + id + " is not offered: " + reason));
        ServiceConfig.Kernels k = config.kernels();
        System.out.println(
                "Jupyter kernels: " + service.url() + "/api/kernels (Open WebUI: Jupyter URL " + service.url()
                        + ", token auth); up to " + k.max() + " kernels, " + k.memoryMiB() + " MiB and "
                        + k.cellTimeout().toMillis() + " ms per cell");
        if (k.tokenGenerated()) {
            System.out.println("Jupyter token (generated; choose one with --token or WASMBOX_TOKEN): " + k.token());
            System.out.println("    " + service.url() + "/api/kernels?token=" + k.token());
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) host = "localhost";
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + port();
    }

    @Override
    public void close() {
        kernels.close();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "stopping the server", e);
        }
        audit.close();
    }

    private void route(String path, String method, Endpoint handler) {
        routes.add(new Route(path, false, Map.of(method, handler)));
    }

    /** Hands every request to a virtual thread of its own: handlers block (on executions, on slow clients). */
    private final class Router extends Handler.Abstract {
        Router() {
            super(InvocationType.NON_BLOCKING);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            // the idle timeout is for connections waiting on the network; a request being executed has its own
            // bounds (queue and execution timeouts, request and write timeouts)
            request.addIdleTimeoutListener(t -> false);
            Exchange exchange = new Exchange(request, response, config.idleTimeout());
            Thread.ofVirtual().name("http-request").start(() -> {
                try {
                    dispatch(exchange);
                    if (exchange.aborted()) throw new IOException("connection closed by the service");
                    callback.succeeded();
                } catch (IOException e) {
                    // the client is gone (or was cut): the endpoint has its audit line, nothing more to answer
                    request.setAttribute(AUDITED, Boolean.TRUE);
                    exchange.abort();
                    callback.failed(e);
                } catch (Throwable t) {
                    callback.failed(t);
                }
            });
            return true;
        }
    }

    private void dispatch(Exchange exchange) throws IOException {
        String path = exchange.path();
        String method = exchange.method();
        exchange.setHeader("X-Content-Type-Options", "nosniff");
        exchange.setHeader("Referrer-Policy", "no-referrer");
        exchange.setHeader("Content-Security-Policy", CSP);
        try {
            Route route = routes.stream()
                    .filter(r -> r.prefix() ? path.startsWith(r.path()) : path.equals(r.path()))
                    .findFirst()
                    .orElseThrow(
                            () -> new ApiError(404, "not_found", "no such endpoint: " + AuditLog.truncate(path, 200)));
            Endpoint handler = route.methods().get(method);
            if (handler == null && method.equals("HEAD"))
                handler = route.methods().get("GET");
            if (handler == null) {
                TreeSet<String> allowed = new TreeSet<>(route.methods().keySet());
                if (allowed.contains("GET")) allowed.add("HEAD");
                String allow = String.join(", ", allowed);
                if (method.equals("OPTIONS")) {
                    exchange.setHeader("Allow", allow + ", OPTIONS");
                    Http.send(exchange, 204, "text/plain", new byte[0]);
                    return;
                }
                throw new ApiError(
                        405,
                        "method_not_allowed",
                        AuditLog.truncate(method, 20) + " is not allowed on " + AuditLog.truncate(path, 200) + "; use "
                                + allow,
                        Map.of("Allow", allow));
            }
            if (!method.equals("GET") && !method.equals("HEAD") && !origins.allows(exchange.header("Origin"))) {
                throw new ApiError(
                        403,
                        "cross_origin",
                        "cross-origin requests are not accepted (Origin "
                                + AuditLog.truncate(exchange.header("Origin"), 200) + "); allowed: "
                                + String.join(", ", new TreeSet<>(origins.allowed())));
            }
            if (config.kernels().tokenEverywhere()
                    && (path.startsWith("/api/v1/") || path.startsWith("/api/v2/"))
                    && !path.equals("/api/v1/health")) {
                jupyter.authorize(exchange);
            }
            handler.handle(exchange);
        } catch (ApiError e) {
            // refused by the router or a non-execution route: one audit line too (execution endpoints audit their own)
            if (!e.audited()) api.trail.recordRouting(path, method, "ip:" + api.identity.address(exchange), e);
            sendError(exchange, path, e);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client connection failed: " + e.getMessage());
            throw e;
        }
    }

    private static void sendError(Exchange exchange, String path, ApiError e) throws IOException {
        if (exchange.committed() || exchange.aborted()) return; // a stream already under way: nothing more to say
        e.headers().forEach(exchange::setHeader);
        Object body = path.startsWith("/api/v2/") ? Map.of("message", e.getMessage()) : ResultJson.error(e);
        Http.sendJson(exchange, e.status(), body);
    }

    /**
     * Errors Jetty answers itself (a malformed request line, headers too large, a bad URI): JSON like every
     * other refusal, naming no server or class, and audited.
     */
    private final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (request.getAttribute(AUDITED) != null) {
                callback.failed(new IOException("connection closed"));
                return true;
            }
            int status = response.getStatus() < 400 ? 500 : response.getStatus();
            String code = switch (status) {
                case 400 -> "bad_http_request";
                case 408 -> "request_timeout";
                case 413 -> "payload_too_large";
                case 414 -> "uri_too_long";
                case 431 -> "headers_too_large";
                default -> "http_error";
            };
            ApiError e = new ApiError(status, code, "the HTTP request was refused (" + status + ")");
            try {
                api.trail.recordRouting(
                        request.getHttpURI() == null
                                ? null
                                : request.getHttpURI().getPath(),
                        request.getMethod(),
                        "ip:" + Request.getRemoteAddr(request),
                        e);
            } catch (RuntimeException ignored) {
                // auditing must not turn an error page into a failure
            }
            response.getHeaders().put("Content-Type", "application/json; charset=utf-8");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            byte[] body;
            try {
                body = Http.JSON.writeValueAsBytes(ResultJson.error(e));
            } catch (IOException io) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            }
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }

        @Override
        @SuppressWarnings("removal") // Jetty 12.1 deprecates it for removal; still how bad requests are answered
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(new HttpField("Content-Type", "application/json; charset=utf-8"));
            String body = "{\"status\":" + status
                    + ",\"error\":\"bad_http_request\",\"message\":\"the HTTP request was refused (" + status + ")\"}";
            return ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Route table for the OpenAPI consistency test: path -> methods. */
    Map<String, List<String>> routeTable() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Route r : routes)
            m.put(r.path() + (r.prefix() ? "*" : ""), List.copyOf(r.methods().keySet()));
        return m;
    }
}

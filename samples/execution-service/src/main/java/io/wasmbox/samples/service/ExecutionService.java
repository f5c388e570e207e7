package io.wasmbox.samples.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wasmbox.Wasmbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Wasmbox execution service: an HTTP server (the JDK's {@code com.sun.net.httpserver}, one virtual
 * thread per request) that runs code in a fresh sandbox per request. Routes: the v1 JSON API, Piston's v2
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
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private record Route(String path, boolean prefix, Map<String, Handler> methods) {}

    private final ServiceConfig config;
    private final HttpServer server;
    private final ExecutorService threads;
    private final AuditLog audit;
    private final List<Route> routes = new ArrayList<>();

    private ExecutionService(ServiceConfig config) throws IOException {
        this.config = config;
        this.audit = AuditLog.open(config.auditLog(), config.auditMaxBytes(), config.auditKeep());
        Warmup warmup = new Warmup();
        Api api = new Api(config, new Runner(config), new RateLimiter(config.ratePerMinute(), config.rateBurst(),
                System::nanoTime), audit, new Stats(), warmup);
        PistonApi piston = new PistonApi(api);
        StaticFiles files = new StaticFiles();

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

        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        this.threads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(threads);
        server.createContext("/", this::dispatch);
        warmup.start(config.warmup());
    }

    /** Starts a service; {@link #port()} tells the port when the configuration asked for 0. */
    static ExecutionService start(ServiceConfig config) throws IOException {
        // The JDK server waits forever for a slow client's request by default; 30 s to send one is plenty.
        // (Read once, when the server classes load; an explicit -D setting wins.)
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "30");
        ExecutionService service = new ExecutionService(config);
        service.server.start();
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
        List<String> languages = Wasmbox.languages().stream().map(l -> l.id() + " " + l.languageVersion()).toList();
        System.out.println("Wasmbox execution service listening on " + service.url()
                + "  (playground: " + service.url() + "/, API: " + service.url() + "/api/v1, OpenAPI: "
                + service.url() + "/api/openapi.yaml)");
        System.out.println("languages: " + (languages.isEmpty() ? "none" : String.join(", ", languages))
                + "; limits: timeout <= " + config.maxTimeout().toMillis() + " ms, memory <= " + config.maxMemoryMiB()
                + " MiB; " + config.maxConcurrent() + " concurrent, queue " + config.queueSize()
                + (config.auditLog() == null ? "; audit off" : "; audit log " + config.auditLog().toAbsolutePath()));
    }

    public int port() {
        return server.getAddress().getPort();
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
        server.stop(1);
        threads.shutdown();
        audit.close();
    }

    private void route(String path, String method, Handler handler) {
        routes.add(new Route(path, false, Map.of(method, handler)));
    }

    private void dispatch(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        try {
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
            Route route = routes.stream()
                    .filter(r -> r.prefix() ? path.startsWith(r.path()) : path.equals(r.path()))
                    .findFirst()
                    .orElseThrow(() -> new ApiError(404, "not_found", "no such endpoint: " + path));
            String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
            Handler handler = route.methods().get(method);
            if (handler == null && method.equals("HEAD")) handler = route.methods().get("GET");
            if (handler == null) {
                TreeSet<String> allowed = new TreeSet<>(route.methods().keySet());
                if (allowed.contains("GET")) allowed.add("HEAD");
                String allow = String.join(", ", allowed);
                if (method.equals("OPTIONS")) {
                    exchange.getResponseHeaders().set("Allow", allow + ", OPTIONS");
                    Http.send(exchange, 204, "text/plain", new byte[0]);
                    return;
                }
                throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path + "; use " + allow,
                        Map.of("Allow", allow));
            }
            if (!method.equals("GET") && !method.equals("HEAD")) checkOrigin(exchange);
            handler.handle(exchange);
        } catch (ApiError e) {
            sendError(exchange, path, e);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client connection failed: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "internal error on " + path, e);
            sendError(exchange, path, new ApiError(500, "internal_error", "internal error; see the service log"));
        } finally {
            exchange.close();
        }
    }

    /**
     * Browsers send {@code Origin} with cross-site POSTs, and a JSON body as {@code text/plain} needs no
     * preflight: without this check any web page could make its visitors' browsers run code here. Clients
     * that are not browsers send no Origin and are unaffected; the playground is same-origin.
     */
    private static void checkOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) return;
        String host = exchange.getRequestHeaders().getFirst("Host");
        String originHost;
        try {
            java.net.URI uri = java.net.URI.create(origin.trim());
            originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        if (host == null || originHost == null || !originHost.equalsIgnoreCase(host.trim())) {
            throw new ApiError(403, "cross_origin", "cross-origin requests are not accepted (Origin " + origin + ")");
        }
    }

    private static void sendError(HttpExchange exchange, String path, ApiError e) {
        try {
            e.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            Object body = path.startsWith("/api/v2/") ? Map.of("message", e.getMessage()) : Api.errorJson(e);
            Http.sendJson(exchange, e.status(), body);
        } catch (IOException | IllegalStateException io) {
            // headers already sent (a stream) or client gone: nothing more to tell it
            LOG.log(Level.DEBUG, "could not send error " + e.status() + ": " + io.getMessage());
        }
    }

    /** Route table for the OpenAPI consistency test: path -> methods. */
    Map<String, List<String>> routeTable() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Route r : routes) m.put(r.path() + (r.prefix() ? "*" : ""), List.copyOf(r.methods().keySet()));
        return m;
    }
}

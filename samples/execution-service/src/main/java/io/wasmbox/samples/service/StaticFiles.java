package io.wasmbox.samples.service;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Serves the playground and its editor from the class path: {@code /} and {@code /assets/*} from this
 * package's {@code playground/} folder, {@code /vendor/codemirror/*} from the CodeMirror WebJar (its
 * version read from the WebJar's own metadata, so pages need not name it).
 */
final class StaticFiles {
    private static final String PLAYGROUND = "io/wasmbox/samples/service/playground/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "yaml", "application/yaml; charset=utf-8",
            "json", "application/json; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private final ClassLoader loader = StaticFiles.class.getClassLoader();
    private final String codemirrorRoot;

    StaticFiles() {
        this.codemirrorRoot = "META-INF/resources/webjars/codemirror/" + webjarVersion("codemirror") + "/";
    }

    private String webjarVersion(String name) {
        try (InputStream in =
                loader.getResourceAsStream("META-INF/maven/org.webjars.npm/" + name + "/pom.properties")) {
            if (in == null) throw new IllegalStateException("WebJar " + name + " is not on the class path");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the " + name + " WebJar metadata", e);
        }
    }

    /** GET /, /index.html. */
    void index(Exchange exchange) throws IOException {
        serve(exchange, PLAYGROUND + "index.html", "no-cache");
    }

    /** GET /assets/{file}. */
    void asset(Exchange exchange) throws IOException {
        String rest = exchange.path().substring("/assets/".length());
        serve(exchange, safe(rest) ? PLAYGROUND + rest : null, "no-cache");
    }

    /** GET /vendor/codemirror/{path}. */
    void codemirror(Exchange exchange) throws IOException {
        String rest = exchange.path().substring("/vendor/codemirror/".length());
        serve(exchange, safe(rest) ? codemirrorRoot + rest : null, "public, max-age=86400");
    }

    /** GET /api/openapi.yaml. */
    void openapi(Exchange exchange) throws IOException {
        serve(exchange, "openapi.yaml", "no-cache");
    }

    /** Plain relative paths only: no traversal, no absolute paths, no odd characters. */
    private static boolean safe(String path) {
        return !path.isEmpty()
                && path.matches("[A-Za-z0-9._/-]+")
                && !path.contains("..")
                && !path.startsWith("/")
                && !path.contains("//");
    }

    private void serve(Exchange exchange, String resource, String cacheControl) throws IOException {
        byte[] body = null;
        if (resource != null && !resource.endsWith("/")) {
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in != null) body = in.readAllBytes();
            }
        }
        if (body == null) throw new ApiError(404, "not_found", "no such file: " + exchange.path());
        String ext = resource.substring(resource.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        exchange.setHeader("Cache-Control", cacheControl);
        Http.send(exchange, 200, TYPES.getOrDefault(ext, "application/octet-stream"), body);
    }
}

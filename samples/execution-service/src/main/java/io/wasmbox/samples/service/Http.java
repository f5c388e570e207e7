package io.wasmbox.samples.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** Small helpers over {@link HttpExchange}: capped body reading, JSON in and out. */
final class Http {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Http() {}

    /**
     * Reads the request body, refusing more than {@code max} bytes with 413. An oversized body is still
     * drained (up to a bound) so the client, which may still be sending, can read the 413.
     */
    static byte[] readBody(HttpExchange exchange, long max) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long drainLimit = Math.max(max * 4, 4L << 20);
        if (declared != null) {
            try {
                long length = Long.parseLong(declared.trim());
                if (length > drainLimit) throw tooLarge(max);
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("invalid Content-Length");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        long total = 0;
        try (InputStream in = exchange.getRequestBody()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total <= max) out.write(buf, 0, n);
                else if (total > drainLimit) break;
            }
        }
        if (total > max) throw tooLarge(max);
        return out.toByteArray();
    }

    private static ApiError tooLarge(long max) {
        return ApiError.tooLarge("request body is larger than the limit of " + max + " bytes");
    }

    /** Parses a JSON document; malformed JSON is a 400 naming where it broke. */
    static JsonNode parseJson(byte[] body) {
        if (body.length == 0) throw ApiError.badRequest("request body is empty; expected a JSON object");
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) throw ApiError.badRequest("request body is empty; expected a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiError.badRequest("malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable request body: " + e.getMessage());
        }
    }

    static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, head || status == 204 ? -1 : (body.length == 0 ? -1 : body.length));
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    static boolean isJsonContentType(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).trim().startsWith("application/json");
    }
}

package io.wasmbox.samples.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/** Small helpers over {@link Exchange}: capped body reading, JSON in and out. */
final class Http {
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(200).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Java class names (and Jackson's backquoted type names) that must not reach a client's error message. */
    private static final Pattern CLASS_NAMES = Pattern.compile(
            "\\(?\\s*(?:for|of type|through reference chain:)?\\s*`?\\b(?:com\\.fasterxml|java|javax|jdk|sun|org\\.eclipse|io\\.wasmbox)\\.[\\w.$\\[\\]]+`?\\)?");

    private Http() {}

    /**
     * Reads the request body, refusing more than {@code max} bytes with 413. An oversized body is still
     * drained (up to a bound) so the client, which may still be sending, can read the 413. A client that takes
     * longer than {@code timeout} to send its body has its connection closed.
     */
    @SuppressWarnings("try") // the scheduled abort is closed, never read
    static byte[] readBody(Exchange exchange, long max, Duration timeout) throws IOException {
        String declared = exchange.header("Content-Length");
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
        AtomicBoolean timedOut = new AtomicBoolean();
        try (AutoCloseable ignored = exchange.schedule(
                        () -> {
                            timedOut.set(true);
                            exchange.abort();
                        },
                        timeout);
                InputStream in = exchange.body()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (total <= max) out.write(buf, 0, n);
                else if (total > drainLimit) break;
            }
        } catch (IOException e) {
            if (timedOut.get())
                throw new ApiError(
                        408,
                        "request_timeout",
                        "the request body took longer than " + timeout.toMillis() + " ms to arrive");
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        if (total > max) throw tooLarge(max);
        return out.toByteArray();
    }

    private static ApiError tooLarge(long max) {
        return ApiError.tooLarge("request body is larger than the limit of " + max + " bytes");
    }

    /** Parses a JSON document; malformed JSON is a 400 naming where it broke (never a Java class). */
    static JsonNode parseJson(byte[] body) {
        if (body.length == 0) throw ApiError.badRequest("request body is empty; expected a JSON object");
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode())
                throw ApiError.badRequest("request body is empty; expected a JSON object");
            return node;
        } catch (StreamConstraintsException e) {
            throw ApiError.badRequest("malformed JSON: nested too deeply or a value too long");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw ApiError.badRequest("malformed JSON" + where + ": " + clean(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable request body");
        }
    }

    /** A parser message without Java class names, on one line, at most 200 characters. */
    static String clean(String message) {
        if (message == null) return "invalid input";
        String m = CLASS_NAMES
                .matcher(message)
                .replaceAll("")
                .replaceAll("\\s+", " ")
                .trim();
        if (m.length() > 200) m = m.substring(0, 200) + "...";
        return m.isEmpty() ? "invalid input" : m;
    }

    static void sendJson(Exchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    static void send(Exchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.send(status, contentType, body);
    }

    static boolean isJsonContentType(Exchange exchange) {
        String type = exchange.header("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).trim().startsWith("application/json");
    }
}

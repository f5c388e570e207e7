package io.wasmbox.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.GuestError;

/**
 * What a guest driver reports after a run.
 *
 * @param value JSON value of the last expression (null node when there is none)
 * @param exitCode the guest's exit code
 * @param error the uncaught guest error, or null
 * @param outOfMemory true when the guest failed to get memory within its cap
 */
public record GuestResponse(JsonNode value, int exitCode, GuestError error, boolean outOfMemory) {

    /**
     * Parses the drivers' shared response format: {@code {"value": ..., "exitCode": n, "outOfMemory": b,
     * "error": {"type", "message", "stack", "line"}}}.
     */
    public static GuestResponse fromJson(String json) {
        JsonNode node = Json.parse(json);
        JsonNode error = node.get("error");
        GuestError guestError = null;
        if (error != null && !error.isNull()) {
            guestError = new GuestError(
                    text(error, "type"), text(error, "message"), text(error, "stack"), error.path("line").asInt(-1));
        }
        return new GuestResponse(
                node.get("value"), node.path("exitCode").asInt(0), guestError, node.path("outOfMemory").asBoolean());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

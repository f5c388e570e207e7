package io.wasmbox.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ErrorKind;
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
     * A driver's answer: a success as its value's JSON alone, anything else as {@code "!"} and the whole
     * response as JSON (both language modules' drivers answer so).
     *
     * @param answer the driver's answer
     * @return the response
     */
    public static GuestResponse fromAnswer(String answer) {
        return answer.startsWith("!")
                ? fromJson(answer.substring(1))
                : new GuestResponse(Json.parse(answer), 0, null, false);
    }

    /**
     * Parses the drivers' shared response format: {@code {"value": ..., "exitCode": n, "outOfMemory": b,
     * "error": {"type", "message", "stack", "line", "syntax"}}}; {@code syntax} is true when the driver
     * found the error to be an instance of its language's syntax-error class ({@link ErrorKind#SYNTAX}).
     *
     * @param json the driver's response
     * @return the response
     */
    public static GuestResponse fromJson(String json) {
        JsonNode node = Json.parse(json);
        JsonNode error = node.get("error");
        GuestError guestError = null;
        if (error != null && !error.isNull()) {
            ErrorKind kind = error.path("syntax").asBoolean() ? ErrorKind.SYNTAX : ErrorKind.GUEST_ERROR;
            guestError = new GuestError(
                    kind,
                    text(error, "type"),
                    text(error, "message"),
                    text(error, "stack"),
                    error.path("line").asInt(-1));
        }
        return new GuestResponse(
                node.get("value"),
                node.path("exitCode").asInt(0),
                guestError,
                node.path("outOfMemory").asBoolean());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

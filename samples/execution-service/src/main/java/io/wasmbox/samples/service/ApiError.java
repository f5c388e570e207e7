package io.wasmbox.samples.service;

import java.util.Map;

/**
 * A request the service refuses, with its HTTP status. Thrown anywhere below a route; the router turns it
 * into the error body of the route's API family (v1 or Piston's {@code {message}}).
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;
    private transient volatile boolean audited;

    ApiError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    ApiError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "invalid_request", message);
    }

    static ApiError tooLarge(String message) {
        return new ApiError(413, "payload_too_large", message);
    }

    int status() {
        return status;
    }

    /** Short machine-readable kind, e.g. {@code invalid_request}, {@code rate_limited}. */
    String code() {
        return code;
    }

    /** Whether the refusal already has its audit line. */
    boolean audited() {
        return audited;
    }

    ApiError markAudited() {
        audited = true;
        return this;
    }

    Map<String, String> headers() {
        return headers;
    }
}

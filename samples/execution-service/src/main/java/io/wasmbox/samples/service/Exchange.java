package io.wasmbox.samples.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One request and its response, for handlers that block (they run on a virtual thread of their own):
 * Jetty's request and response with blocking reads and writes, each write bounded by the write timeout, so a
 * client that stops reading cannot hold a thread or its buffers beyond it.
 */
final class Exchange {
    private final Request request;
    private final Response response;
    private final Duration writeTimeout;
    private volatile boolean aborted;

    Exchange(Request request, Response response, Duration writeTimeout) {
        this.request = request;
        this.response = response;
        this.writeTimeout = writeTimeout;
    }

    String method() {
        return request.getMethod().toUpperCase(Locale.ROOT);
    }

    /** The decoded path. */
    String path() {
        String p = request.getHttpURI().getDecodedPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    /** Every value of a header, comma-joined in order (for X-Forwarded-For sent as several lines). */
    String headerJoined(String name) {
        var values = request.getHeaders().getValuesList(name);
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** A query parameter's first value, or null (also for a query that does not decode). */
    String queryParameter(String name) {
        try {
            return Request.extractQueryParameters(request, StandardCharsets.UTF_8)
                    .getValue(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    boolean committed() {
        return response.isCommitted();
    }

    /** The request body as a blocking stream (idle and request timeouts apply). */
    InputStream body() {
        return Content.Source.asInputStream(request);
    }

    /** Sends a whole response. */
    void send(int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        setHeader("Content-Type", contentType);
        boolean noBody = method().equals("HEAD") || status == 204 || status == 304;
        if (status != 204) response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        write(true, noBody ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body));
    }

    /** Starts a streamed response (chunked); follow with {@link #writeChunk} and {@link #endStream}. */
    void startStream(int status, String contentType) {
        response.setStatus(status);
        setHeader("Content-Type", contentType);
    }

    void writeChunk(String text) throws IOException {
        writeChunk(text.getBytes(StandardCharsets.UTF_8));
    }

    void writeChunk(byte[] data) throws IOException {
        write(false, ByteBuffer.wrap(data));
    }

    void endStream() throws IOException {
        write(true, ByteBuffer.allocate(0));
    }

    private void write(boolean last, ByteBuffer buffer) throws IOException {
        if (aborted) throw new IOException("connection closed by the service");
        try (Blocker.Callback cb = Blocker.callback()) {
            response.write(last, buffer, cb);
            cb.block(writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort();
            throw new IOException("the client did not read the response for " + writeTimeout.toMillis() + " ms");
        }
    }

    /** Closes the connection at once: a blocked write fails, the client sees the stream cut. */
    void abort() {
        aborted = true;
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        endPoint.close();
    }

    /** Runs {@code task} after {@code delay} unless the returned handle is closed first. */
    AutoCloseable schedule(Runnable task, Duration delay) {
        var t = request.getComponents().getScheduler().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return t::cancel;
    }

    boolean aborted() {
        return aborted;
    }
}

package io.wasmbox.samples.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, for what java.net.http will not send (a forged Host, odd bytes, early closes). */
final class RawHttp {
    private RawHttp() {}

    /** A response: status and body. */
    record Response(int status, String head, String body) {}

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(60_000);
        return s;
    }

    static String post(String path, String host, String body, String... headers) {
        StringBuilder sb = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String h : headers) sb.append(h).append("\r\n");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        sb.append("Content-Type: application/json\r\nContent-Length: ")
                .append(bytes.length)
                .append("\r\nConnection: close\r\n\r\n")
                .append(body);
        return sb.toString();
    }

    /** Sends raw bytes, reads the whole response (the request should say Connection: close). */
    static Response exchange(int port, byte[] request) {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            String text = out.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response exchange(int port, String request) {
        return exchange(port, request.getBytes(StandardCharsets.UTF_8));
    }
}

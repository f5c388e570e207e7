package io.wasmbox.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A real TCP listener on the host's loopback that network cases aim at: after each case it must not have
 * received a connection. Non-blocking, so it needs no thread of its own.
 */
final class HostListener {
    private static final ServerSocketChannel CHANNEL = open();
    static final int PORT = CHANNEL.socket().getLocalPort();

    private HostListener() {}

    private static ServerSocketChannel open() {
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            channel.configureBlocking(false);
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connections that reached the listener since the last call (each is closed). */
    static int acceptedConnections() throws IOException {
        int n = 0;
        for (SocketChannel s; (s = CHANNEL.accept()) != null; n++) s.close();
        return n;
    }
}

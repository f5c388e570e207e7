package io.wasmbox.jsr223;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A script context's {@link Reader} as the UTF-8 byte stream a guest reads as stdin. Reads only as much
 * as the guest asks for, so an interactive reader (System.in under jrunscript) is read line by line and
 * never drained ahead of the script.
 */
final class ReaderInputStream extends InputStream {
    private final Reader reader;
    private final CharsetEncoder encoder = StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer chars = CharBuffer.allocate(1024).flip();
    private final ByteBuffer bytes = ByteBuffer.allocate(4096).flip();
    private boolean eof;

    ReaderInputStream(Reader reader) {
        this.reader = reader;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (!bytes.hasRemaining()) {
            if (eof && !chars.hasRemaining()) return -1;
            fill();
        }
        int n = Math.min(len, bytes.remaining());
        bytes.get(b, off, n);
        return n;
    }

    /** Reads what the reader has (blocking for at least one char) and encodes it. */
    private void fill() throws IOException {
        if (!eof) {
            chars.compact();
            int n = reader.read(chars);
            chars.flip();
            if (n < 0) eof = true;
        }
        bytes.clear();
        encoder.encode(chars, bytes, eof);
        if (eof && !chars.hasRemaining()) encoder.flush(bytes);
        bytes.flip();
    }
}

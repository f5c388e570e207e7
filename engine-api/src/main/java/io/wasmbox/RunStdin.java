package io.wasmbox;

import java.io.IOException;
import java.io.InputStream;

/**
 * The guest's WASI stdin: the current run's lazy stdin stream, cut at the stdin limit, or end of input
 * when there is none. Reads happen on the guest thread, only when the script reads stdin.
 */
final class RunStdin extends InputStream {
    private volatile InputStream source;
    private volatile long remaining; // written between runs, read and decremented by the guest thread

    void redirect(InputStream source, long limit) {
        this.source = source;
        this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        InputStream in = source;
        if (in == null || remaining <= 0) return -1;
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n > 0) remaining -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        InputStream in = source;
        return in == null ? 0 : (int) Math.min(in.available(), remaining);
    }
}

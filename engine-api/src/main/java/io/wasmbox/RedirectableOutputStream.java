package io.wasmbox;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The stream a guest is built with. It points at the current run's capture while a run is active and
 * nowhere otherwise, so one guest instance can serve many runs.
 */
final class RedirectableOutputStream extends OutputStream {
    private static final OutputStream DISCARD = OutputStream.nullOutputStream();
    private volatile OutputStream target = DISCARD;

    void redirect(OutputStream target) {
        this.target = target == null ? DISCARD : target;
    }

    @Override
    public void write(int b) throws IOException {
        target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        target.write(b, off, len);
    }
}

package io.wasmbox;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures one run's stdout and stderr under one combined byte budget. Bytes past the budget are dropped
 * and the run is flagged; the listener sees the same (cut) text as the result, decoded at UTF-8
 * character boundaries.
 */
final class OutputCapture {
    private final long limit;
    private final OutputListener listener;
    private final Channel out = new Channel(true);
    private final Channel err = new Channel(false);
    private long used;
    private boolean truncated;

    OutputCapture(long limit, OutputListener listener) {
        this.limit = limit;
        this.listener = listener;
    }

    OutputStream stdout() {
        return out;
    }

    OutputStream stderr() {
        return err;
    }

    synchronized boolean truncated() {
        return truncated;
    }

    /** Ends capture: flushes partial characters to the listener and returns the texts. */
    synchronized String[] finish() {
        out.flushPending(true);
        err.flushPending(true);
        return new String[] {out.buffer.toString(StandardCharsets.UTF_8), err.buffer.toString(StandardCharsets.UTF_8)};
    }

    private final class Channel extends OutputStream {
        private final boolean isStdout;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private int delivered; // bytes of buffer already passed to the listener

        Channel(boolean isStdout) {
            this.isStdout = isStdout;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (OutputCapture.this) {
                long room = limit - used;
                int accepted = (int) Math.min(len, Math.max(0, room));
                if (accepted < len) truncated = true;
                if (accepted == 0) return;
                buffer.write(b, off, accepted);
                used += accepted;
                if (listener != OutputListener.NONE) flushPending(false);
            }
        }

        void flushPending(boolean all) {
            if (listener == OutputListener.NONE) return;
            byte[] bytes = buffer.toByteArray();
            int end = all ? bytes.length : completeUtf8Prefix(bytes, delivered);
            if (end <= delivered) return;
            String text = new String(bytes, delivered, end - delivered, StandardCharsets.UTF_8);
            delivered = end;
            if (isStdout) listener.stdout(text);
            else listener.stderr(text);
        }
    }

    /** Length of the longest prefix of {@code bytes} that does not end inside a UTF-8 sequence. */
    static int completeUtf8Prefix(byte[] bytes, int from) {
        int n = bytes.length;
        for (int back = 1; back <= 3 && n - back >= from; back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead byte
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}

package io.wasmbox;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

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
        out.flushCarry();
        err.flushCarry();
        return new String[] {out.buffer.toString(StandardCharsets.UTF_8), err.buffer.toString(StandardCharsets.UTF_8)};
    }

    private final class Channel extends OutputStream {
        private final boolean isStdout;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        /** The end of what was written that is not yet passed to the listener: at most 3 bytes of an unfinished character. */
        private byte[] carry = new byte[0];

        Channel(boolean isStdout) {
            this.isStdout = isStdout;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (OutputCapture.this) {
                long room = limit - used;
                int accepted = (int) Math.min(len, Math.max(0, room));
                if (accepted < len) truncated = true;
                if (accepted == 0) return;
                buffer.write(b, off, accepted);
                used += accepted;
                if (listener != OutputListener.NONE) deliver(b, off, accepted);
            }
        }

        /**
         * Passes the carried bytes and {@code len} new ones to the listener up to the last complete
         * character, keeping the rest. Costs what the new bytes cost, never the whole buffer: a guest
         * writing a byte at a time stays linear.
         */
        private void deliver(byte[] b, int off, int len) {
            byte[] chunk = new byte[carry.length + len];
            System.arraycopy(carry, 0, chunk, 0, carry.length);
            System.arraycopy(b, off, chunk, carry.length, len);
            int end = completeUtf8Prefix(chunk, 0);
            carry = Arrays.copyOfRange(chunk, end, chunk.length);
            if (end > 0) emit(new String(chunk, 0, end, StandardCharsets.UTF_8));
        }

        /** Passes on an unfinished character left at the end of the run (decoded with a replacement character). */
        void flushCarry() {
            if (listener == OutputListener.NONE || carry.length == 0) return;
            String text = new String(carry, StandardCharsets.UTF_8);
            carry = new byte[0];
            emit(text);
        }

        private void emit(String text) {
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

package io.wasmbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {
    @Test
    void combinedBudgetCutsBothStreamsAndFlags() throws Exception {
        OutputCapture capture = new OutputCapture(10, OutputListener.NONE);
        capture.stdout().write("123456".getBytes(StandardCharsets.UTF_8));
        capture.stderr().write("abcdef".getBytes(StandardCharsets.UTF_8));
        capture.stdout().write("more".getBytes(StandardCharsets.UTF_8));
        String[] out = capture.finish();
        assertThat(out[0]).isEqualTo("123456");
        assertThat(out[1]).isEqualTo("abcd");
        assertThat(capture.truncated()).isTrue();
    }

    @Test
    void listenerNeverSeesHalfACharacter() throws Exception {
        StringBuilder seen = new StringBuilder();
        OutputCapture capture = new OutputCapture(1000, new OutputListener() {
            @Override
            public void stdout(String text) {
                assertThat(text).doesNotContain("\uFFFD");
                seen.append(text);
            }
        });
        byte[] bytes = "a€b😀".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) capture.stdout().write(b); // one byte at a time, splitting every sequence
        capture.finish();
        assertThat(seen.toString()).isEqualTo("a€b😀");
    }

    @Test
    void completeUtf8PrefixStopsBeforeAnUnfinishedSequence() {
        byte[] euro = "x€".getBytes(StandardCharsets.UTF_8); // x E2 82 AC
        assertThat(OutputCapture.completeUtf8Prefix(euro, 0)).isEqualTo(4);
        assertThat(OutputCapture.completeUtf8Prefix(Arrays.copyOf(euro, 3), 0)).isEqualTo(1);
        assertThat(OutputCapture.completeUtf8Prefix(Arrays.copyOf(euro, 2), 0)).isEqualTo(1);
    }

    @Test
    void aMillionOneByteWritesWithALiveListenerTakeLinearTime() throws Exception {
        // Each write used to copy the whole captured buffer to find the new text: 1M one-byte writes
        // copied ~500 GB and took minutes. Now each write costs its own bytes.
        int n = 1_000_000;
        long[] delivered = new long[2];
        OutputCapture capture = new OutputCapture(n + 10, new OutputListener() {
            @Override
            public void stdout(String text) {
                delivered[0] += text.length();
            }

            @Override
            public void stderr(String text) {
                delivered[1] += text.length();
            }
        });
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        for (int i = 0; i < n - 3; i++) capture.stdout().write('x');
        for (byte b : euro) capture.stdout().write(b); // still split at character boundaries
        for (int i = 0; i < 20; i++) capture.stderr().write('e'); // 7 over the combined cap
        String[] out = capture.finish();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("1M one-byte writes, ms").isLessThan(5_000);
        assertThat(out[0]).hasSize(n - 3 + 1).endsWith("x€");
        assertThat(delivered[0]).isEqualTo(n - 3 + 1);
        assertThat(out[1]).isEqualTo("e".repeat(10));
        assertThat(delivered[1]).isEqualTo(10);
        assertThat(capture.truncated()).isTrue();
    }

    @Test
    void anUnfinishedCharacterAtTheEndReachesTheListenerOnceAtFinish() throws Exception {
        StringBuilder seen = new StringBuilder();
        OutputCapture capture = new OutputCapture(1000, new OutputListener() {
            @Override
            public void stdout(String text) {
                seen.append(text);
            }
        });
        capture.stdout().write(new byte[] {'a', (byte) 0xE2, (byte) 0x82});
        assertThat(seen.toString()).isEqualTo("a");
        String[] out = capture.finish();
        assertThat(seen.toString()).isEqualTo(out[0]).startsWith("a\uFFFD").doesNotContain("\u20AC");
    }
}

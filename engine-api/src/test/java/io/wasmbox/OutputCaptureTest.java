package io.wasmbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
        assertThat(OutputCapture.completeUtf8Prefix(java.util.Arrays.copyOf(euro, 3), 0)).isEqualTo(1);
        assertThat(OutputCapture.completeUtf8Prefix(java.util.Arrays.copyOf(euro, 2), 0)).isEqualTo(1);
    }
}

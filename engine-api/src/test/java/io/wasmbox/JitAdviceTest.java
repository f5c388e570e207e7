package io.wasmbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class JitAdviceTest {
    @Test
    void warnsOnceNamingTheFlagsWhenHugeMethodsAreNotCompiled() {
        boolean flagGiven =
                ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:-DontCompileHugeMethods");
        assertThat(JitAdvice.hugeMethodsSkipped()).isEqualTo(!flagGiven);
        List<LogRecord> records = new ArrayList<>();
        Logger logger = Logger.getLogger("io.wasmbox");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            JitAdvice.checkOnce();
            JitAdvice.checkOnce();
        } finally {
            logger.removeHandler(handler);
        }
        // engine-api's tests create no interpreter, so this is the first check in this JVM
        assertThat(records).hasSize(flagGiven ? 0 : 1);
        if (!flagGiven) assertThat(records.getFirst().getMessage()).contains(JitAdvice.RECOMMENDED_FLAGS);
    }
}

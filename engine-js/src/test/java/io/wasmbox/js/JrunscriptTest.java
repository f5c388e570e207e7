package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JDK's own {@code jrunscript -l js} runs through the sandboxed QuickJS. */
class JrunscriptTest {
    @Test
    void jrunscriptRunsJavaScriptThroughWasmbox() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jrunscript = java.resolveSibling("jrunscript");
        assertThat(jrunscript).exists();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(List.of(jrunscript.toString(), "-J-Dwasmbox.jitWarning=false", "-cp", classPath,
                "-l", "js", "-e", "print([1, 2, 3].map(x => x * 2), typeof java_invoke, readLine())"))
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write("from the console\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("[ 2, 4, 6 ] undefined from the console");
        assertThat(p.exitValue()).isZero();
    }
}

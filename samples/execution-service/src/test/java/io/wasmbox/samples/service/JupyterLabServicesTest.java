package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * JupyterLab's own client library, {@code @jupyterlab/services} (pinned in {@code src/test/node/package.json} and
 * its lock file, installed with {@code npm ci} into {@code target/jupyter-node}), driven by a node script: kernel
 * specs, a session and its kernel, cells with state, a stream and a result, an error, stdin, an interrupted
 * {@code while True: pass}, a restart, a JavaScript kernel, shutdown. The library offers the
 * {@code v1.kernel.websocket.jupyter.org} subprotocol, which the service accepts, so this runs on binary frames.
 */
class JupyterLabServicesTest {
    static final Path SOURCE = Path.of("src", "test", "node");
    static final Path WORK = Path.of("target", "jupyter-node");

    /** Copies the pinned client into target/ and installs it from the lock file (once per clean build). */
    static void install() throws Exception {
        Files.createDirectories(WORK);
        boolean fresh = false;
        for (String f : List.of("package.json", "package-lock.json", "jupyterlab-client.mjs")) {
            Path target = WORK.resolve(f);
            byte[] bytes = Files.readAllBytes(SOURCE.resolve(f));
            if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
                Files.write(target, bytes);
                fresh |= !f.endsWith(".mjs");
            }
        }
        if (fresh || !Files.isDirectory(WORK.resolve("node_modules/@jupyterlab/services"))) {
            String out = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), 600);
            assertThat(Files.isDirectory(WORK.resolve("node_modules/@jupyterlab/services")))
                    .as(out)
                    .isTrue();
        }
    }

    static String run(List<String> command, int seconds) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(WORK.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(
                    command.getFirst() + " is needed for this test (Debian: apt-get install nodejs npm)", e);
        }
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new AssertionError(String.join(" ", command) + " did not end within " + seconds + " s:\n" + out);
        }
        reader.join(10_000);
        assertThat(p.exitValue())
                .as(String.join(" ", command) + " exit status; output:\n" + out)
                .isZero();
        return out.toString();
    }

    @Test
    void jupyterLabServicesDrivesPythonAndJavaScriptKernels() throws Exception {
        install();
        try (TestClient service = new TestClient(
                "--token",
                "lab-token",
                "--rate-limit",
                "0",
                "--audit-log",
                "off",
                "--kernel-memory",
                "48m",
                "--kernel-cell-timeout",
                "30s")) {
            String out = run(List.of("node", "jupyterlab-client.mjs", service.service.url(), "lab-token"), 300);
            System.out.println(out);
            assertThat(out)
                    .contains(
                            "step state",
                            "step error ZeroDivisionError",
                            "step stdin \"hi Ada\\n\"",
                            "step interrupt",
                            "step restart",
                            "step javascript",
                            "ALL OK");
        }
    }
}

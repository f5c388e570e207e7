package io.wasmbox.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmboxCliTest {
    record Outcome(int status, String out, String err) {}

    private static Outcome cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WasmboxCli.execute(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theHiddenTrainingRunRunsEveryInterpretedLanguageAndStaysOutOfTheHelp() {
        Outcome o = cli("train");
        assertThat(o.status()).isZero();
        assertThat(o.out())
                .containsPattern("(?m)^javascript +exit 0, \\d+ ms$")
                .containsPattern("(?m)^typescript +exit 0, \\d+ ms$")
                .containsPattern("(?m)^python +exit 0, \\d+ ms$");
        assertThat(cli("--help").out()).contains("run").doesNotContain("train");
    }

    @Test
    void inlinePythonPrintsItsOutput() {
        Outcome o = cli("run", "-e", "print(sum(range(10)))", "--lang", "python");
        assertThat(o.out()).isEqualTo("45\n");
        assertThat(o.err()).contains("[python] exit 0");
        assertThat(o.status()).isZero();
    }

    @Test
    void scriptFileGetsArgsStdinAndReportsValueAndExitStatus(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("hello.py");
        Files.writeString(script, "import sys\nprint('hi', sys.argv[1:], input())\nsys.exit(4)\n");
        Outcome o = cli("run", script.toString(), "--stdin", "from stdin", "a", "b");
        assertThat(o.out()).isEqualTo("hi ['a', 'b'] from stdin\n");
        assertThat(o.status()).isEqualTo(4);
        assertThat(o.err()).contains("exit 4");
        Outcome value = cli("run", "-e", "6 * 7");
        assertThat(value.out()).isEqualTo("=> 42\n");
    }

    @Test
    void guestErrorsPrintTheGuestTracebackAndLimitsAreReported() {
        Outcome o = cli("run", "-e", "x = 1\nraise KeyError('k')");
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err()).contains("Traceback").contains("line 2").contains("KeyError");
        Outcome timeout = cli("run", "-e", "while True: pass", "--timeout", "300ms");
        assertThat(timeout.status()).isEqualTo(124);
        assertThat(timeout.err()).contains("TIMEOUT");
    }

    @Test
    void javaScriptRunsInlineAndFromAFile(@TempDir Path dir) throws Exception {
        Outcome inline = cli("run", "-e", "console.log(1+1)", "--lang", "js");
        assertThat(inline.out()).isEqualTo("2\n");
        assertThat(inline.err()).contains("[js] exit 0");
        Path script = dir.resolve("tool.js");
        Files.writeString(
                script,
                "console.log('hi', scriptArgs.slice(1), readLine());\nconsole.error('warn');\n"
                        + "if (scriptArgs[1] === 'fail') {\n  throw new TypeError('bad ' + env.MODE);\n}\n[6 * 7]\n");
        Outcome file = cli("run", script.toString(), "--stdin", "typed", "--env", "MODE=x", "ok");
        assertThat(file.out()).isEqualTo("hi [ 'ok' ] typed\n=> [42]\n");
        assertThat(file.err()).contains("warn\n").contains("[javascript] exit 0");
        Outcome failed = cli("run", script.toString(), "--env", "MODE=x", "fail");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.err()).contains("TypeError: bad x").contains("(<input>:4:");
    }

    @Test
    void typeScriptRunsInlineAndFromAFileWithTypeScriptLines(@TempDir Path dir) throws Exception {
        Outcome inline = cli("run", "-e", "const n: number = 6 * 7;\nconsole.log(`n=${n}`)", "--lang", "ts");
        assertThat(inline.out()).as(inline.err()).isEqualTo("n=42\n");
        assertThat(inline.err()).contains("[ts] exit 0");
        Path script = dir.resolve("tool.ts");
        Files.writeString(
                script,
                "interface Options {\n  mode: string;\n}\n"
                        + "const options: Options = { mode: env.MODE ?? 'none' };\n"
                        + "if (scriptArgs[1] === 'fail') {\n  throw new TypeError('bad ' + options.mode);\n}\n"
                        + "enum Answer { Yes = 'yes' }\n[Answer.Yes, scriptArgs.slice(1)]\n");
        Outcome file = cli("run", script.toString(), "--env", "MODE=x", "ok");
        assertThat(file.out()).isEqualTo("=> [\"yes\",[\"ok\"]]\n");
        assertThat(file.err()).contains("[typescript] exit 0");
        Outcome failed = cli("run", script.toString(), "--env", "MODE=x", "fail");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.err()).contains("TypeError: bad x").contains("(<input>:6:");
        Outcome syntax = cli("run", "-e", "let a = 1;\nlet b: = 2;", "--lang", "typescript");
        assertThat(syntax.status()).isEqualTo(1);
        assertThat(syntax.err()).contains("SyntaxError: Type expected.").contains("<input>:2:");
    }

    @Test
    void clockIsFrozenUnlessRealtimeIsAsked() {
        Outcome frozen = cli("run", "-e", "import time\nprint(int(time.time()))");
        assertThat(frozen.out()).isEqualTo("1704067200\n");
        Outcome real = cli("run", "-e", "import time\nprint(int(time.time()))", "--realtime");
        long printed = Long.parseLong(real.out().trim());
        assertThat(printed).isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000 + 60);
    }

    @Test
    void jsonOutputCarriesTheWholeResult() {
        Outcome o = cli("run", "-e", "print('x')\n[1, 2]", "--json");
        assertThat(o.out())
                .contains("\"stdout\":\"x\\n\"")
                .contains("\"value\":[1,2]")
                .contains("\"exitCode\":0");
    }

    @Test
    void usageErrorsAreClear(@TempDir Path dir) {
        assertThat(cli("run").err()).contains("either a FILE or -e");
        assertThat(cli("run", dir.resolve("missing.py").toString()).err()).contains("no such file");
        Outcome lang = cli("run", "-e", "1", "--lang", "cobol");
        assertThat(lang.status()).isEqualTo(WasmboxCli.USAGE_ERROR);
        assertThat(lang.err()).contains("unsupported language 'cobol'");
        assertThat(cli("run", "-e", "1", "--memory", "lots").err()).contains("not a size");
    }

    @Test
    void aHugeStdinFileIsRefusedAfterReadingOnlyUpToTheCap(@TempDir Path dir) throws Exception {
        // 3 GB, sparse: reading it whole used to end in OutOfMemoryError with a stack trace
        Path huge = dir.resolve("huge.txt");
        try (var f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L * 1024 * 1024 * 1024);
        }
        long start = System.nanoTime();
        Outcome o = cli("run", "-e", "print(len(input()))", "--stdin-file", huge.toString());
        assertThat(o.status()).isEqualTo(WasmboxCli.USAGE_ERROR);
        assertThat(o.err())
                .isEqualTo("wasmbox: stdin file " + huge + " is larger than the limit of 1048576 bytes"
                        + " (raise it with --max-stdin SIZE)\n");
        assertThat(o.out()).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(20_000);

        Path small = dir.resolve("small.txt");
        Files.writeString(small, "x".repeat(5000) + "\n");
        Outcome capped = cli("run", "-e", "print(len(input()))", "--stdin-file", small.toString(), "--max-stdin", "4k");
        assertThat(capped.status()).isEqualTo(WasmboxCli.USAGE_ERROR);
        assertThat(capped.err()).contains("is larger than the limit of 4096 bytes");
        Outcome fits = cli("run", "-e", "print(len(input()))", "--stdin-file", small.toString(), "--max-stdin", "5001");
        assertThat(fits.out()).isEqualTo("5000\n");
        assertThat(fits.status()).isZero();
    }

    @Test
    void stdinFilesThatAreNotTextOrNotFilesGetOneLineErrors(@TempDir Path dir) throws Exception {
        Path binary = dir.resolve("bin");
        Files.write(binary, new byte[] {'a', (byte) 0xFF, 'b'});
        Outcome o = cli("run", "-e", "1", "--stdin-file", binary.toString());
        assertThat(o.status()).isEqualTo(WasmboxCli.USAGE_ERROR);
        assertThat(o.err()).isEqualTo("wasmbox: stdin file " + binary + " is not valid UTF-8 text\n");
        Outcome d = cli("run", "-e", "1", "--stdin-file", dir.toString());
        assertThat(d.status()).isEqualTo(WasmboxCli.USAGE_ERROR);
        assertThat(d.err()).isEqualTo("wasmbox: stdin file " + dir + " is a directory\n");
        Outcome missing =
                cli("run", "-e", "1", "--stdin-file", dir.resolve("nope").toString());
        assertThat(missing.err()).isEqualTo("wasmbox: no such file: " + dir.resolve("nope") + "\n");
    }

    @Test
    void aScriptFileOverTheCodeCapIsRefusedWithoutReadingItWhole(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("big.py");
        try (var f = new RandomAccessFile(script.toFile(), "rw")) {
            f.setLength(3L * 1024 * 1024 * 1024);
        }
        Outcome o = cli("run", script.toString());
        assertThat(o.status()).isEqualTo(WasmboxCli.USAGE_ERROR);
        assertThat(o.err())
                .isEqualTo("wasmbox: script " + script + " is larger than the limit of 102400 bytes"
                        + " (raise it with --max-code SIZE)\n");
    }

    @Test
    void theProcessEndsWithTheScriptsStatusAndAllItsOutput() throws Exception {
        // main() ends the process with _exit (no wait for the JIT): what was printed must still arrive, with the status
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED", // what the CLI jar's manifest grants
                        "-Dwasmbox.jitWarning=false",
                        "-cp",
                        System.getProperty("java.class.path"),
                        WasmboxCli.class.getName(),
                        "run",
                        "--lang",
                        "javascript",
                        "-e",
                        "for (let i = 0; i < 2000; i++) console.log('line ' + i); exit(4)")
                .start();
        byte[] stdout = p.getInputStream().readAllBytes();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(4);
        String out = new String(stdout, StandardCharsets.UTF_8);
        assertThat(out).startsWith("line 0\n").contains("line 1999\n");
        assertThat(stderr).contains("exit 4").doesNotContain("WARNING"); // no restricted-method warning
    }
}

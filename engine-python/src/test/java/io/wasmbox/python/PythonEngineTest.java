package io.wasmbox.python;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Python semantics beyond the shared conformance kit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonEngineTest {
    private final Interpreter python = Wasmbox.interpreter("python");
    private Sandbox sandbox;

    @BeforeAll
    void open() {
        sandbox = python.newSandbox();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    @Test
    void reportedLanguageVersionIsTheGuestsOwn() {
        assertThat(sandbox.eval("import platform\nplatform.python_version()")).isEqualTo(python.languageVersion());
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("py");
        assertThat(engine.getFactory().getLanguageVersion()).isEqualTo(python.languageVersion());
        assertThat(engine.getFactory().getLanguageName()).isEqualTo("Python");
        assertThat(engine.getFactory().getMimeTypes()).contains("text/x-python");
    }

    /**
     * The snapshot every sandbox starts from is taken after training runs (PythonGuest.train): they must
     * leave no names or source lines, and no random state in place of the sandbox's own seed.
     */
    @Test
    void aFreshSandboxSeesNothingOfTheTrainingRunsAndItsOwnRandomness() {
        String probe = """
                import linecache, os, random, sys
                [sorted(k for k in globals() if not k.startswith("__")), sys.argv, dict(os.environ),
                 sorted(linecache.cache), random.random(), os.urandom(8).hex()]
                """;
        List<?> first;
        List<?> second;
        try (Sandbox a = seeded(1);
                Sandbox b = seeded(2)) {
            first = a.run(probe).valueAs(List.class);
            second = b.run(probe).valueAs(List.class);
        }
        assertThat(first.subList(0, 4))
                .isEqualTo(List.of(
                        List.of("linecache", "os", "random", "sys"),
                        List.of("<script>"),
                        Map.of(),
                        List.of("<script>")));
        assertThat(second.subList(0, 4)).isEqualTo(first.subList(0, 4));
        assertThat(first.get(4)).isNotEqualTo(second.get(4));
        assertThat(first.get(5)).isNotEqualTo(second.get(5));
    }

    private Sandbox seeded(long seed) {
        return python.sandbox()
                .options(SandboxOptions.builder().randomSeed(seed).build())
                .build();
    }

    @Test
    void scriptRunsAsMain() {
        ExecutionResult r = sandbox.run("""
                import dataclasses
                @dataclasses.dataclass
                class P:
                    x: int
                if __name__ == "__main__":
                    print("main", P(1))
                """);
        assertThat(r.stdout()).isEqualTo("main P(x=1)\n");
    }

    @Test
    void valuesMapToJavaTypes() {
        assertThat(sandbox.eval("2**100")).isEqualTo(BigInteger.TWO.pow(100));
        assertThat(sandbox.eval("7")).isEqualTo(7L);
        assertThat(sandbox.eval("(1, 'a', None)")).isEqualTo(Arrays.asList(1L, "a", null));
        assertThat(sandbox.eval("{1: 'int key'}")).isEqualTo(Map.of("1", "int key"));
        assertThat(sandbox.eval("{1, 2} == {2, 1}")).isEqualTo(true);
        assertThat(sandbox.eval("object()").toString()).startsWith("<object object at");
        assertThat(sandbox.eval("import decimal\ndecimal.Decimal('1.10')")).isEqualTo("Decimal('1.10')");
        assertThat(sandbox.eval("l = [1]\nl.append(l)\nl")).isEqualTo(List.of(1L, "[1, [...]]"));
        assertThat(sandbox.eval("x = 5")).isNull();
        assertThat(sandbox.eval("float('nan')")).isEqualTo(Double.NaN);
    }

    @Test
    void tracebackShowsSourceLinesAndNoDriverFrames() {
        ExecutionResult r = sandbox.run(
                "def f(d):\n    return d['missing']\n\nf({})",
                io.wasmbox.RunOptions.builder().fileName("job.py").build());
        assertThat(r.error().type()).isEqualTo("KeyError");
        assertThat(r.error().line()).isEqualTo(2);
        assertThat(r.error().stackTrace())
                .contains("File \"job.py\", line 4, in <module>")
                .contains("return d['missing']")
                .doesNotContain("guest.py");
    }

    @Test
    void recursionErrorIsCleanAndTheSandboxSurvives() {
        // its own sandbox with room to spare: a thousand frames deep in a cold JVM on a busy machine took >10 s
        try (Sandbox box = python.sandbox()
                .limits(Limits.builder().timeout(Duration.ofSeconds(120)).build())
                .build()) {
            ExecutionResult r = box.run("def f(n):\n    return f(n + 1)\nf(0)");
            assertThat(r.error().type()).isEqualTo("RecursionError");
            assertThat(box.isClosed()).isFalse();
            assertThat(box.eval("1 + 1")).isEqualTo(2L);
        }
    }

    @Test
    void pythonMemoryErrorKeepsTheSandboxUsable() {
        try (Sandbox box =
                python.sandbox().limits(Limits.builder().memoryMiB(48).build()).build()) {
            ExecutionResult r = box.run("x = bytearray(100 * 1024 * 1024)");
            assertThat(r.memoryLimitHit()).isTrue();
            assertThat(r.error().type()).isEqualTo("MemoryError");
            assertThat(box.eval("sum(range(10))")).isEqualTo(45L);
        }
    }

    @Test
    void hardExitEndsTheGuestAndDiscardsTheSandbox() {
        try (Sandbox box = python.newSandbox()) {
            ExecutionResult r = box.run("import os\nprint('bye', flush=True)\nos._exit(7)");
            assertThat(r.exitCode()).isEqualTo(7);
            assertThat(r.stdout()).isEqualTo("bye\n");
            assertThat(box.isClosed()).isTrue();
        }
    }

    @Test
    void driverScratchFilesAreNotSharedBetweenSandboxes() {
        try (Sandbox a = seeded(1);
                Sandbox b = seeded(2)) {
            a.run("open('/guest/note.txt', 'w').write('from a')").valueOrThrow();
            assertThat(a.eval("open('/guest/note.txt').read()")).isEqualTo("from a");
            assertThat(b.run("open('/guest/note.txt').read()").error().type()).isEqualTo("FileNotFoundError");
        }
    }

    @Test
    void scratchDirectoryIsCapped() {
        try (Sandbox box = python.newSandbox()) {
            ExecutionResult r = box.run("open('/guest/big', 'wb').write(b'x' * (8 * 1024 * 1024))");
            assertThat(r.error()).as(r.toString()).isNotNull();
        }
    }

    @Test
    void forgedHostCallFramesAreRefusedWithoutTouchingTheHostHeap() {
        try (Sandbox box =
                python.sandbox().limits(Limits.builder().memoryMiB(64).build()).build()) {
            long before = usedHeap();
            ExecutionResult huge = box.run("import os\nos.write(3, (2**30).to_bytes(4, 'little'))\n"
                    + "for i in range(64): os.write(3, b'x' * (1 << 20))");
            assertThat(huge.error().type()).isEqualTo("OSError");
            assertThat(huge.error().message()).contains("Invalid argument");
            assertThat(usedHeap() - before).isLessThan(256L * 1024 * 1024);
            ExecutionResult overflow = box.run("import os\nos.write(3, (2**31 - 1).to_bytes(4, 'little'))");
            assertThat(overflow.error().type()).isEqualTo("OSError");
            assertThat(box.isClosed()).isFalse();
            assertThat(box.eval("6 * 7")).isEqualTo(42L);
        }
    }

    @Test
    void unsupportedWasiCallsAreGuestErrorsNotCrashes() {
        try (Sandbox box = python.newSandbox()) {
            ExecutionResult r = box.run("import os\nos.fstat(3)");
            assertThat(r.error().type()).isEqualTo("OSError");
            assertThat(r.error().message()).doesNotContain("com.dylibso").doesNotContain("java");
            assertThat(box.isClosed()).isFalse();
            assertThat(box.eval("1 + 1")).isEqualTo(2L);
        }
    }

    @Test
    void deeplyNestedDataCrossesAHostCallWithoutCrashingTheGuest() {
        try (Sandbox box = python.newSandbox()) {
            box.bind("echo", args -> args.getFirst());
            ExecutionResult r = box.run("a = []\nfor i in range(10**5):\n    a = [a]\nx = echo(a)\nlen(str(x)) > 0");
            assertThat(r.error()).as(r.toString()).isNull();
            assertThat(r.value()).isEqualTo(true);
        }
    }

    /**
     * What a result looks like on the host, whichever way the driver writes it (the C encoder for plain data,
     * the item-by-item walk for the rest): containers cut below 200 levels, keys that are not str or int as
     * their repr(), what JSON cannot express as its repr(), cycles marked.
     */
    @Test
    void resultsKeepTheirShapeWhetherPlainOrNot() {
        String deep = "a = []\nfor i in range(%d):\n    a = [a]\na";
        assertThat(levels(sandbox.run(deep.formatted(150)).valueAs(JsonNode.class)))
                .as("150 wraps: every level crosses")
                .isEqualTo(151);
        JsonNode whole = sandbox.run(deep.formatted(200)).valueAs(JsonNode.class);
        assertThat(levels(whole)).as("200 wraps: the last level that crosses").isEqualTo(201);
        assertThat(whole.toString()).doesNotContain("nested deeper");
        for (int wraps : new int[] {201, 300}) {
            JsonNode cut = sandbox.run(deep.formatted(wraps)).valueAs(JsonNode.class);
            assertThat(levels(cut)).as("cut after the level at depth 200").isEqualTo(201);
            assertThat(cut.toString()).contains("\"<nested deeper than 200 levels>\"]");
        }
        JsonNode keys =
                sandbox.run("{True: 1, None: 2, 3: 3, 'k': 4, (1, 2): 5}").valueAs(JsonNode.class);
        assertThat(keys.fieldNames()).toIterable().containsExactly("True", "None", "3", "k", "(1, 2)");
        JsonNode mixed = sandbox.run("""
                        import enum
                        class Colour(enum.IntEnum):
                            RED = 1
                        c = [1]
                        c.append(c)
                        [{'set': {7}, 'nan': float('nan')}, (1, 'two'), Colour.RED, c]
                        """).valueAs(JsonNode.class);
        assertThat(mixed.get(0).get("set").asText()).isEqualTo("{7}");
        assertThat(mixed.get(0).get("nan").isNumber()
                        || mixed.get(0).get("nan").asText().equals("NaN"))
                .as(mixed.toString())
                .isTrue();
        assertThat(mixed.get(1).toString()).isEqualTo("[1,\"two\"]");
        assertThat(mixed.get(2).asInt()).isEqualTo(1);
        assertThat(mixed.get(3).toString()).isEqualTo("[1,\"[1, [...]]\"]");
    }

    /**
     * The driver encodes with one C encoder built at start-up, whose cycle check is a dict shared by every call:
     * a value that fails to encode (an int over Python's 4,300-digit limit, a cycle) must leave nothing in it,
     * or the next tuple of arguments at the same address would be refused as circular.
     */
    @Test
    void aValueThatFailsToEncodeLeavesTheNextCallsAlone() {
        try (Sandbox box = python.newSandbox()) {
            box.bind("echo", args -> args.getFirst());
            ExecutionResult r = box.run("""
                    try:
                        echo(10**5000)
                        error = None
                    except ValueError as e:
                        error = str(e)
                    c = [1]
                    c.append(c)
                    [error[:30], echo(1), echo([1, 2]), echo(c), echo(2), len(echo.__globals__['_markers'])]
                    """);
            assertThat(r.error()).as(r.toString()).isNull();
            assertThat(r.valueAs(JsonNode.class).toString())
                    .isEqualTo("[\"Exceeds the limit (4300 digits\",1,[1,2],[1,\"[1, [...]]\"],2,0]");
            ExecutionResult tooLong = box.run("10**5000");
            assertThat(tooLong.error().message()).contains("result cannot be returned");
            assertThat(box.run("echo((3,))").valueAs(JsonNode.class).toString()).isEqualTo("[3]");
        }
    }

    /** Each run starts from its own environment and host functions, whatever the last run did to them. */
    @Test
    void whatAScriptDoesToTheEnvironmentOrItsHostFunctionsEndsWithTheRun() {
        try (Sandbox box = python.newSandbox()) {
            box.bind("echo", args -> args.getFirst());
            RunOptions withA = RunOptions.builder().env(Map.of("A", "b")).build();
            assertThat(box.run("import os\ndel os.environ['A']\nos.environ['LEAK'] = '1'\necho = 5", withA)
                            .succeeded())
                    .isTrue();
            assertThat(box.run("import os\n[dict(os.environ), echo(7)]", withA).value())
                    .isEqualTo(List.of(Map.of("A", "b"), 7L));
            assertThat(box.run("import os\nos.environ = {'x': 'y'}\ndel echo").succeeded())
                    .isTrue();
            assertThat(box.run("import os\n[dict(os.environ), type(os.environ).__name__, echo('e')]")
                            .value())
                    .isEqualTo(List.of(Map.of(), "_Environ", "e"));
        }
    }

    /**
     * Runs without stdin, args or environment take a shorter path in the driver (the plain form) and reuse
     * one empty stdin: whatever a run does to it or to argv, the next run reads an empty stdin and its own argv.
     */
    @Test
    void whatAScriptDoesToStdinOrArgvEndsWithTheRun() {
        try (Sandbox box = python.newSandbox()) {
            String probe = "import sys\n[sys.stdin.read(), sys.argv, type(sys.stdin).__name__]";
            List<?> clean = List.of("", List.of("<script>"), "StringIO");
            assertThat(box.run(probe).value()).isEqualTo(clean);
            for (String spoil : List.of(
                    "import sys\nsys.stdin.write('left over')\nsys.stdin.seek(0)",
                    "import sys\nsys.stdin.close()",
                    "import sys\nsys.stdin.read = lambda *a: 'patched'",
                    "import sys, io\nsys.stdin = io.StringIO('replaced')",
                    "import sys\nsys.argv.append('x')\nsys.argv[0] = 'other'")) {
                assertThat(box.run(spoil).succeeded()).as(spoil).isTrue();
                assertThat(box.run(probe).value()).as(spoil).isEqualTo(clean);
            }
            // a run with stdin and args in between, then plain again
            RunOptions with =
                    RunOptions.builder().stdin("given").args(List.of("a")).build();
            assertThat(box.run(probe, with).value()).isEqualTo(List.of("given", List.of("<script>", "a"), "StringIO"));
            assertThat(box.run(probe).value()).isEqualTo(clean);
            // a plain invoke sees the same
            box.run("def probe():\n    import sys\n    return [sys.stdin.read(), sys.argv]");
            box.run("import sys\nsys.stdin.write('x')");
            assertThat(box.invoke("probe").value()).isEqualTo(List.of("", List.of("<script>")));
        }
    }

    /** How many arrays nest from the top until something else. */
    private static int levels(JsonNode node) {
        int n = 0;
        while (node != null && node.isArray()) {
            n++;
            node = node.size() == 0 ? null : node.get(0);
        }
        return n;
    }

    private static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void bundledPackagesImport() {
        // importing a large package runs a lot of bytecode: give it room on a loaded CI machine
        try (Sandbox box = python.sandbox()
                .limits(Limits.builder().timeout(Duration.ofMinutes(2)).build())
                .build()) {
            assertThat(box.eval("import jsonschema, dateutil.parser\n"
                            + "str(dateutil.parser.parse('2024-01-02T03:04:05Z').year)"))
                    .isEqualTo("2024");
        }
    }
}

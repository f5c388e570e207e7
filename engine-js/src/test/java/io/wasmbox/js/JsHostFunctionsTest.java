package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.HostFunction;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import io.wasmbox.spi.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Host functions, invoke/getGlobal/hasFunction/check, and the deterministic clock, in JavaScript. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsHostFunctionsTest {
    private final Interpreter js = Wasmbox.interpreter("js");
    private Sandbox sandbox;

    @BeforeAll
    void open() {
        sandbox = js.newSandbox();
        sandbox.bind(
                "add",
                HostFunction.of(args -> ((Number) args.get(0)).longValue() + ((Number) args.get(1)).longValue()));
        sandbox.bind("fail", args -> {
            throw new IllegalArgumentException("no such account");
        });
        sandbox.bind("echo", args -> Json.toTree(args));
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    @Test
    void boundFunctionIsCalledWithJsonArguments() {
        assertThat(sandbox.eval("add(5, 7)")).isEqualTo(12L);
        assertThat(sandbox.eval("typeof add + ' ' + add.name")).isEqualTo("function add");
        assertThat(sandbox.eval("echo(1, undefined, 'x', [undefined], {a: undefined, b: 2n}, 1.5)"))
                .isEqualTo(Arrays.asList(1L, null, "x", Arrays.asList((Object) null), Map.of("b", 2L), 1.5));
        assertThat(sandbox.eval("echo({nested: {list: [1, 'two', true, null]}})[0].nested.list"))
                .isEqualTo(Arrays.asList(1L, "two", true, null));
        // bound functions are not enumerable globals
        assertThat(sandbox.eval("Object.keys(globalThis).includes('add')")).isEqualTo(false);
    }

    @Test
    void largeAndUnicodeValuesCrossTheChannel() {
        assertThat(sandbox.eval("echo('x'.repeat(200000))[0].length")).isEqualTo(200000L);
        assertThat(sandbox.eval("echo('é€😀'.repeat(30000))[0] === 'é€😀'.repeat(30000)"))
                .isEqualTo(true);
    }

    @Test
    void hostExceptionIsACatchableHostFunctionErrorWithoutJavaNames() {
        Object caught = sandbox.eval(
                "try { fail(); 'not thrown' } catch (e) { [e instanceof HostFunctionError, e instanceof Error, e.name, e.message] }");
        assertThat(caught).isEqualTo(List.of(true, true, "HostFunctionError", "no such account"));
        assertThat(String.valueOf(caught)).doesNotContain("java", "Exception", "IllegalArgument");
    }

    @Test
    void uncaughtHostExceptionIsTheRunsError() {
        ExecutionResult r = sandbox.run("var x = 1;\nfail('a')");
        assertThat(r.error().type()).isEqualTo("HostFunctionError");
        assertThat(r.error().message()).isEqualTo("no such account");
        assertThat(r.error().line()).isEqualTo(2);
        assertThat(r.error().stackTrace()).doesNotContain("function.mjs", "java.");
    }

    @Test
    void unboundNameIsAReferenceErrorAndBindingIsPerSandbox() {
        assertThat(sandbox.run("notBound(1)").error().type()).isEqualTo("ReferenceError");
        try (Sandbox other = js.newSandbox()) {
            assertThat(other.run("add(1, 2)").error().type()).isEqualTo("ReferenceError");
            assertThat(other.eval("typeof add")).isEqualTo("undefined");
            other.bind("add", HostFunction.of(args -> "other"));
            assertThat(other.eval("add(1, 2)")).isEqualTo("other");
        }
        assertThat(sandbox.eval("add(1, 2)")).isEqualTo(3L);
    }

    @Test
    void nameBoundAfterARunAppearsAtTheNextRun() {
        try (Sandbox box = js.newSandbox()) {
            assertThat(box.eval("typeof later")).isEqualTo("undefined");
            box.bind("later", HostFunction.of(args -> "here"));
            assertThat(box.eval("later()")).isEqualTo("here");
            // a script that replaces it gets it back at the next run, as in Python
            assertThat(box.eval("later = () => 'mine'; later()")).isEqualTo("mine");
            assertThat(box.eval("later()")).isEqualTo("here");
        }
    }

    @Test
    void everyKindOfResultCrossesAsItsJavaScriptValue() {
        try (Sandbox box = js.newSandbox()) {
            box.bind("give", args -> switch ((String) args.getFirst()) {
                case "int" -> 42;
                case "big" -> 9007199254740993L;
                case "double" -> -0.5;
                case "string" -> "s-and-j-and-e";
                case "empty" -> "";
                case "nul" -> "a\0b";
                case "true" -> true;
                case "false" -> false;
                case "null" -> null;
                case "list" -> List.of(1, "x");
                case "map" -> Map.of("k", List.of());
                default -> throw new IllegalStateException("bad\0kind");
            });
            assertThat(box.eval("[typeof give('int'), give('int'), give('double'), give('big') === 2 ** 53]"))
                    .isEqualTo(List.of("number", 42L, -0.5, true));
            assertThat(box.eval("[give('string'), give('empty'), give('nul').length, give('nul').charCodeAt(1)]"))
                    .isEqualTo(List.of("s-and-j-and-e", "", 3L, 0L));
            assertThat(box.eval("[give('true'), give('false'), give('null') === null, give('list'), give('map')]"))
                    .isEqualTo(Arrays.asList(true, false, true, List.of(1L, "x"), Map.of("k", List.of())));
            assertThat(box.eval("try { give('?') } catch (e) { [e.name, e.message.length, e.message.charCodeAt(3)] }"))
                    .isEqualTo(List.of("HostFunctionError", 8L, 0L));
            // the same through invoke, whose request also crosses without JSON
            box.run("function twice(kind) { return [give(kind), give(kind)] }");
            assertThat(box.invoke("twice", "string").value()).isEqualTo(List.of("s-and-j-and-e", "s-and-j-and-e"));
        }
    }

    @Test
    void aBoundNameShadowedByAGetterOrMadeReadOnlyIsRestoredOrKept() {
        try (Sandbox box = js.newSandbox()) {
            box.bind("svc", HostFunction.of(args -> "host"));
            assertThat(box.eval("svc()")).isEqualTo("host");
            // a getter that throws: the next run replaces it with the bound function again
            box.run(
                    "Object.defineProperty(globalThis, 'svc', {get() { throw new Error('getter') }, configurable: true})");
            assertThat(box.eval("svc()")).isEqualTo("host");
            // non-configurable: the script keeps its own, and runs go on
            box.run(
                    "Object.defineProperty(globalThis, 'svc', {value: () => 'mine', configurable: false, writable: false})");
            assertThat(box.eval("svc()")).isEqualTo("mine");
            assertThat(box.invoke("svc").value()).isEqualTo("mine");
        }
    }

    @Test
    void theChannelIsNotReachableFromScripts() {
        assertThat(sandbox.eval("[typeof java_invoke, typeof Javy, typeof __wasmbox_host]"))
                .isEqualTo(List.of("undefined", "undefined", "undefined"));
        // reading stdin never sees a host reply
        ExecutionResult r = sandbox.run(
                "add(1, 2); stdin.read()", RunOptions.builder().stdin("input").build());
        assertThat(r.value()).isEqualTo("input");
        assertThat(sandbox.run(
                                "[stdin.readLine(), add(2, 3), stdin.readLine()]",
                                RunOptions.builder().stdin("a\nb\n").build())
                        .value())
                .isEqualTo(List.of("a", 5L, "b"));
    }

    @Test
    void invokeCallsFunctionsAndMethods() {
        sandbox.run("function greet(name) { return 'hi ' + name }\n"
                + "var calc = { base: 10, add(a, b) { return this.base + a + b } };\n"
                + "function later(x) { return Promise.resolve(x * 2) }\n"
                + "async function viaHost(a) { return add(a, 1) }");
        assertThat(sandbox.invoke("greet", "bob").value()).isEqualTo("hi bob");
        assertThat(sandbox.invoke("calc.add", 1, 2).value()).isEqualTo(13L);
        assertThat(sandbox.invoke("later", 21).value()).isEqualTo(42L);
        assertThat(sandbox.invoke("viaHost", 41).value()).isEqualTo(42L);
        assertThat(sandbox.invoke("missing").error().type()).isEqualTo("ReferenceError");
        assertThat(sandbox.invoke("calc.base").error().type()).isEqualTo("TypeError");
        assertThat(sandbox.invoke("calc.nothing").error().type()).isEqualTo("TypeError");
        assertThat(sandbox.invoke("greet", (Object) null).value()).isEqualTo("hi null");
    }

    @Test
    void getGlobalAndHasFunction() {
        sandbox.run("var config = { name: 'x', list: [1, 2] }; function f() {}");
        assertThat(sandbox.getGlobal("config")).isEqualTo(Map.of("name", "x", "list", List.of(1L, 2L)));
        assertThat(sandbox.getGlobal("config.name")).isEqualTo("x");
        assertThat(sandbox.getGlobal("neverDefined")).isNull();
        assertThat(sandbox.hasFunction("f")).isTrue();
        assertThat(sandbox.hasFunction("add")).isTrue();
        assertThat(sandbox.hasFunction("config")).isFalse();
        assertThat(sandbox.hasFunction("neverDefined")).isFalse();
        assertThat(sandbox.hasFunction("neverDefined.x.y")).isFalse();
        assertThat(sandbox.hasFunction("Math.max")).isTrue();
    }

    @Test
    void checkCompilesWithoutRunning() {
        assertThat(sandbox.check("var checked = 1; function checkedFn() {}; console.log('ran')"))
                .isNull();
        assertThat(sandbox.eval("[typeof checked, typeof checkedFn]")).isEqualTo(List.of("undefined", "undefined"));
        assertThat(sandbox.check("await 1")).isNotNull(); // a script, not a module

        GuestError error = sandbox.check("var x = 1;\nif (x ==) {}\n");
        assertThat(error.type()).isEqualTo("SyntaxError");
        assertThat(error.line()).isEqualTo(2);
        assertThat(error).isEqualTo(sandbox.run("var x = 1;\nif (x ==) {}\n").error()); // as a run reports it

        // script rules, not a function body's
        assertThat(sandbox.check("return 1").type()).isEqualTo("SyntaxError");
        assertThat(sandbox.check("new.target").type()).isEqualTo("SyntaxError");
        // a "use strict" directive counts, as it does in a run
        assertThat(sandbox.check("with (Math) { max(1, 2) }")).isNull();
        assertThat(sandbox.check("'use strict';\nwith (Math) { max(1, 2) }").line())
                .isEqualTo(2);
        assertThat(sandbox.check("'use strict' + 1; with (Math) {}")).isNull();
        assertThat(sandbox.check("#!/usr/bin/env node\n1 + 1")).isNull();
        // code that tries to close a wrapper and run anyway
        ExecutionResult escape = sandbox.run("var escaped = false");
        assertThat(escape.error()).isNull();
        sandbox.check("}); escaped = true; (function(){");
        sandbox.check("} escaped = true; {");
        sandbox.check("*/ escaped = true; /*");
        assertThat(sandbox.eval("escaped")).isEqualTo(false);
    }

    @Test
    void clockAndRandomnessAreDeterministicByDefault() {
        String script =
                "console.log(Date.now(), new Date().toISOString(), Math.random(), Math.random(), Math.random())";
        String first;
        try (Sandbox box = js.newSandbox()) {
            first = box.run(script).stdout();
        }
        try (Sandbox box = js.newSandbox()) {
            assertThat(box.run(script).stdout()).isEqualTo(first);
        }
        assertThat(first).startsWith("1704067200000 2024-01-01T00:00:00.000Z ");
        // time does not move, even across runs
        try (Sandbox box = js.newSandbox()) {
            box.run("for (let i = 0; i < 100000; i++) {}");
            assertThat(box.eval("Date.now()")).isEqualTo(1704067200000L);
        }
        // the seed decides the numbers
        String seeded;
        try (Sandbox box = js.sandbox()
                .options(SandboxOptions.builder().randomSeed(7).build())
                .build()) {
            seeded = box.run(script).stdout();
        }
        try (Sandbox box = js.sandbox()
                .options(SandboxOptions.builder().randomSeed(7).build())
                .build()) {
            assertThat(box.run(script).stdout()).isEqualTo(seeded);
        }
        assertThat(seeded).startsWith("1704067200000 2024-01-01T00:00:00.000Z ").isNotEqualTo(first);
        try (Sandbox box = js.sandbox()
                .options(SandboxOptions.builder()
                        .frozenAt(Instant.parse("2030-05-06T07:08:09Z"))
                        .build())
                .build()) {
            assertThat(box.eval("new Date().toISOString()")).isEqualTo("2030-05-06T07:08:09.000Z");
        }
    }

    @Test
    void realtimeGivesTheRealClockAndRealRandomness() {
        SandboxOptions realtime = SandboxOptions.builder().realtime().build();
        String a;
        String b;
        long before = System.currentTimeMillis();
        try (Sandbox box = js.sandbox().options(realtime).build()) {
            long now = ((Number) box.eval("Date.now()")).longValue();
            assertThat(now).isBetween(before - 1000, System.currentTimeMillis() + 1000);
            a = box.run("console.log(Math.random(), Math.random())").stdout();
        }
        try (Sandbox box = js.sandbox().options(realtime).build()) {
            b = box.run("console.log(Math.random(), Math.random())").stdout();
        }
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void hostFunctionCannotReenterItsOwnSandbox() {
        try (Sandbox box = js.newSandbox()) {
            AtomicReference<Sandbox> self = new AtomicReference<>(box);
            box.bind("reenter", args -> Json.toTree(self.get().eval("1 + 1")));
            ExecutionResult r = box.run("try { reenter() } catch (e) { [e.name, e.message] }");
            assertThat(r.value())
                    .isEqualTo(List.of("HostFunctionError", "a host function cannot run code in its own sandbox"));
            assertThat(box.eval("2 + 2")).isEqualTo(4L); // and the sandbox is fine
        }
    }

    @Test
    void slowHostFunctionIsStoppedByTheTimeout() {
        SandboxOptions options = SandboxOptions.builder()
                .limits(Limits.builder().timeoutMillis(500).build())
                .build();
        try (Sandbox box = js.sandbox().options(options).build()) {
            box.bind("slow", args -> {
                Thread.sleep(30_000);
                return null;
            });
            long start = System.nanoTime();
            ExecutionResult r = box.run("slow(); while (true) {}");
            assertThat(r.timeoutHit()).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        }
    }
}

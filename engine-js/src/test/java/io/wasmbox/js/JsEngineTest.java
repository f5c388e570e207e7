package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wasmbox.ExecutionResult;
import io.wasmbox.ExecutionTimeoutException;
import io.wasmbox.GuestError;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.MemoryLimitException;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxClosedException;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** JavaScript semantics beyond the shared conformance kit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsEngineTest {
    private final Interpreter js = Wasmbox.interpreter("js");
    private Sandbox sandbox;

    @BeforeAll
    void open() {
        sandbox = js.newSandbox();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    /**
     * The snapshot every sandbox starts from is taken after training runs (JsGuestFactory.train): they
     * must leave no globals and no random state in place of the sandbox's own seed.
     */
    @Test
    void aFreshSandboxSeesNothingOfTheTrainingRunsAndItsOwnRandomness() {
        String probe = "[Object.keys(globalThis), scriptArgs, Math.random()]";
        List<?> first;
        List<?> second;
        List<?> sameSeed;
        try (Sandbox a = seeded(1);
                Sandbox b = seeded(2);
                Sandbox c = seeded(1)) {
            first = a.run(probe).valueAs(List.class);
            second = b.run(probe).valueAs(List.class);
            sameSeed = c.run(probe).valueAs(List.class);
        }
        assertThat(first.get(0)).isEqualTo(List.of("performance")); // the driver's one enumerable global
        assertThat(first.get(1)).isEqualTo(List.of("<script>"));
        assertThat(first.get(2)).isNotEqualTo(second.get(2));
        assertThat(sameSeed).isEqualTo(first);
    }

    private Sandbox seeded(long seed) {
        return js.sandbox()
                .options(SandboxOptions.builder().randomSeed(seed).build())
                .build();
    }

    @Test
    void jsr223EvalReturnsJavaValues() throws Exception {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("js");
        assertThat(engine.eval("[1,2,3].map(x => x*2)")).isEqualTo(List.of(2L, 4L, 6L));
        assertThat(engine.getFactory().getLanguageName()).isEqualTo("ECMAScript");
        assertThat(engine.getFactory().getOutputStatement("hi")).isEqualTo("console.log(\"hi\")");
        assertThat(new ScriptEngineManager().getEngineByMimeType("text/javascript"))
                .isNotNull();
        assertThat(new ScriptEngineManager().getEngineByExtension("mjs")).isNotNull();
    }

    @Test
    void valuesMapToJavaTypes() {
        assertThat(sandbox.eval("2n ** 100n")).isEqualTo(BigInteger.TWO.pow(100));
        assertThat(sandbox.eval("2 ** 70")).isEqualTo(BigInteger.TWO.pow(70)); // exact, not 1.18e21
        assertThat(sandbox.eval("0.1 + 0.2")).isEqualTo(0.30000000000000004);
        assertThat(sandbox.eval("undefined")).isNull();
        assertThat(sandbox.eval("NaN")).isEqualTo(Double.NaN);
        assertThat(sandbox.eval("new Map([['a', 1]])")).isEqualTo(Map.of("a", 1L));
        assertThat(sandbox.eval("new Set([1, 2])")).isEqualTo(List.of(1L, 2L));
        assertThat(sandbox.eval("new Date(0)")).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(sandbox.eval("({f() {}, u: undefined, n: 1})")).isEqualTo(Map.of("n", 1L));
        assertThat(sandbox.eval("var o = {}; o.self = o; o")).isEqualTo(Map.of("self", "[Circular]"));
        assertThat(sandbox.eval("(function named() {})")).isEqualTo("[Function: named]");
    }

    @Test
    void nestedValuesMapTheSameWhetherPlainOrNot() {
        // plain data (the engine's JSON.stringify) and the same data next to something that is not (the
        // driver's own walk) give the same Java values
        String data = "{a: [1, 'x', true, null, undefined, {b: -0, c: 1.5}], d: {}, e: [], f() {}, [Symbol()]: 1,"
                + " g: new Date(0), h: {toJSON() { return [7] }}, i: Object.create(null)}";
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", Arrays.asList(1L, "x", true, null, null, Map.of("b", 0L, "c", 1.5)));
        expected.put("d", Map.of());
        expected.put("e", List.of());
        expected.put("g", "1970-01-01T00:00:00.000Z");
        expected.put("h", List.of(7L));
        expected.put("i", Map.of());
        assertThat(sandbox.eval("(" + data + ")")).isEqualTo(expected);
        assertThat(sandbox.eval("[" + data + ", 1n]")).isEqualTo(List.of(expected, 1L));
        // what plain JSON cannot say, nested: the driver's readable forms
        assertThat(
                        sandbox.eval(
                                "({big: 2n ** 70n, nan: NaN, inf: [-Infinity], huge: 1e21, fn: [Math.max],"
                                        + " set: new Set(['s']), err: new TypeError('t'), cls: new (class P { constructor() { this.p = 1 } })})"))
                .isEqualTo(Map.of(
                        "big", BigInteger.TWO.pow(70),
                        "nan", Double.NaN,
                        "inf", List.of(Double.NEGATIVE_INFINITY),
                        "huge", new BigInteger("1000000000000000000000"),
                        "fn", List.of("[Function: max]"),
                        "set", List.of("s"),
                        "err", "[TypeError: t]",
                        "cls", Map.of("p", 1L)));
        // shared (not circular) references are written out each time; circular ones are marked
        assertThat(sandbox.eval("var s = {v: 1}; [s, {s}]"))
                .isEqualTo(List.of(Map.of("v", 1L), Map.of("s", Map.of("v", 1L))));
        assertThat(sandbox.eval("var c = [1]; c.push({c}); c")).isEqualTo(List.of(1L, Map.of("c", "[Circular]")));
        // deeper than 200 levels: cut there, as before
        Object deep = sandbox.eval("var d = 0; for (let i = 0; i < 300; i++) d = [d]; d");
        int depth = 0;
        for (Object o = deep; o instanceof List<?> l; o = l.getFirst()) depth++;
        assertThat(depth).isBetween(199, 202);
        // a getter that throws fails the run with its own error
        assertThat(sandbox.run("({get x() { throw new RangeError('from getter') }})")
                        .error()
                        .message())
                .isEqualTo("from getter");
    }

    @Test
    void infiniteLoopStopsAtTheTimeout() {
        try (Sandbox box =
                js.sandbox().limits(Limits.builder().timeoutMillis(300).build()).build()) {
            ExecutionResult r = box.run("while(true){}");
            assertThat(r.timeoutHit()).isTrue();
            assertThatThrownBy(() -> box.eval("1")).isInstanceOf(SandboxClosedException.class);
        }
        assertThat(sandbox.eval("1 + 1")).isEqualTo(2L);
    }

    @Test
    void gibibyteAllocationFailsWithTheMemoryLimitAndTheSandboxSurvives() {
        try (Sandbox box =
                js.sandbox().limits(Limits.builder().memoryMiB(64).build()).build()) {
            assertThatThrownBy(() -> box.eval("new ArrayBuffer(1024 * 1024 * 1024)"))
                    .isInstanceOf(MemoryLimitException.class);
            ExecutionResult r = box.run("'x'.repeat(200 * 1024 * 1024).length");
            assertThat(r.memoryLimitHit()).isTrue();
            assertThat(r.error().type()).isEqualTo("InternalError");
            assertThat(r.peakMemoryBytes()).isLessThanOrEqualTo(64 * Units.MIB);
            // QuickJS reports its own out-of-memory as a catchable error: the sandbox stays usable
            assertThat(box.eval("try { new Uint8Array(2 ** 30) } catch (e) { String(e) }"))
                    .isEqualTo("InternalError: out of memory");
            assertThat(box.isClosed()).isFalse();
            assertThat(box.eval("6 * 7")).isEqualTo(42L);
        }
    }

    @Test
    void printingNearTheCapIsACatchableOutOfMemory() {
        // (the javy-based engine aborted here: its console copied the string outside QuickJS's allocator)
        try (Sandbox box = js.sandbox()
                .limits(Limits.builder().memoryMiB(64).maxOutputBytes(1000).build())
                .build()) {
            ExecutionResult r = box.run("var s = 'x'.repeat(40e6);\nconsole.log(s + s)");
            assertThat(r.error().type()).isEqualTo("InternalError");
            assertThat(r.error().message()).isEqualTo("out of memory");
            assertThat(r.memoryLimitHit()).isTrue();
            assertThat(r.peakMemoryBytes()).isLessThanOrEqualTo(64 * Units.MIB);
            assertThatThrownBy(r::valueOrThrow).isInstanceOf(MemoryLimitException.class);
            assertThat(box.isClosed()).isFalse();
            assertThat(box.eval("s = null; 6 * 7")).isEqualTo(42L);
        }
    }

    @Test
    void promisesSettleBeforeTheRunEnds() {
        assertThat(sandbox.eval("Promise.resolve(41).then(x => x + 1)")).isEqualTo(42L);
        assertThat(sandbox.eval("(async () => { const a = await 20; return a + await Promise.resolve(2); })()"))
                .isEqualTo(22L);
        ExecutionResult never = sandbox.run("new Promise(() => {})");
        assertThat(never.error().message()).contains("never settled");
        assertThat(never.exitCode()).isEqualTo(1);
        ExecutionResult rejected = sandbox.run("var n = 1;\nPromise.reject(new TypeError('nope'))");
        assertThat(rejected.error().type()).isEqualTo("TypeError");
        assertThat(rejected.error().message()).isEqualTo("nope");
        assertThat(rejected.error().line()).isEqualTo(2);
        ExecutionResult asyncThrow =
                sandbox.run("(async () => {\n  await null;\n  throw new RangeError('late');\n})()");
        assertThat(asyncThrow.error().type()).isEqualTo("RangeError");
        assertThat(asyncThrow.error().line()).isEqualTo(3);
        assertThat(sandbox.eval("2 + 2")).isEqualTo(4L); // unsettled and rejected runs leave the sandbox usable
    }

    @Test
    void aPromiseLeftPendingByOneRunCannotAnswerForTheNext() {
        try (Sandbox box = js.newSandbox()) {
            assertThat(box.run("var resolveLater; new Promise(r => resolveLater = r)")
                            .error())
                    .isNotNull();
            assertThat(box.eval("resolveLater('stale'); Promise.resolve('fresh')"))
                    .isEqualTo("fresh");
        }
    }

    @Test
    void consoleMethodsGoToTheRightStreamReadably() {
        ExecutionResult r = sandbox.run("""
                console.log('log', {a: 1, b: [1, 'two', {c: null}]}, [1, 2], undefined, 3n);
                console.info('info'); console.debug('debug');
                console.warn('warn'); console.error('error', new Map([['k', true]]));
                console.log('%s has %d items', 'cart', 3);
                print('printed');
                """);
        assertThat(r.stdout()).isEqualTo("""
                log { a: 1, b: [ 1, 'two', { c: null } ] } [ 1, 2 ] undefined 3n
                info
                debug
                cart has 3 items
                printed
                """);
        assertThat(r.stderr()).isEqualTo("warn\nerror Map(1) { 'k' => true }\n");
    }

    @Test
    void varAndFunctionDeclarationsPersistButLetConstAndClassDoNot() {
        try (Sandbox box = js.newSandbox()) {
            box.eval("var counter = 1; function bump() { return ++counter; } let local = 1; const c = 2; class K {}");
            assertThat(box.eval("bump()")).isEqualTo(2L);
            assertThat(box.eval("globalThis.kept = 'yes'; kept")).isEqualTo("yes");
            assertThat(box.eval("[typeof local, typeof c, typeof K, typeof bump, kept]"))
                    .isEqualTo(List.of("undefined", "undefined", "undefined", "function", "yes"));
        }
    }

    /**
     * The driver keeps the compiled form of recent sources (wasmbox_new_eval): a script run again must behave
     * as if compiled again: its declarations bound anew, new function objects, the globals of the moment,
     * the same errors and lines, and sources past the cache (more than its 16 slots, longer than 16 KiB).
     */
    @Test
    void aScriptRunAgainBehavesAsIfCompiledAgain() {
        try (Sandbox box = js.newSandbox()) {
            String count = "var n = (typeof n === 'number' ? n : 0) + 1; let local = n * 10; const c = local;"
                    + " class K {} function f() { return c; } globalThis.fs = globalThis.fs || []; fs.push(f);"
                    + " [n, f(), fs.length < 2 || fs[0] !== fs[1]]";
            assertThat(box.eval(count)).isEqualTo(List.of(1L, 10L, true));
            assertThat(box.eval(count)).isEqualTo(List.of(2L, 20L, true));
            assertThat(box.eval(count)).isEqualTo(List.of(3L, 30L, true));
            // a global that appears between two runs of the same source is seen by the second
            String probe = "typeof later === 'undefined' ? 'absent' : later";
            assertThat(box.eval(probe)).isEqualTo("absent");
            box.eval("globalThis.later = 'present'");
            assertThat(box.eval(probe)).isEqualTo("present");
            box.eval("delete globalThis.later");
            assertThat(box.eval(probe)).isEqualTo("absent");
            // an error in a script run again reports the same place each time
            String failing = "var a = 1;\n\nnull.x";
            for (int i = 0; i < 2; i++) {
                GuestError e = box.run(failing).error();
                assertThat(e.type()).isEqualTo("TypeError");
                assertThat(e.line()).isEqualTo(3);
                assertThat(e.stackTrace()).contains("(<input>:3:").doesNotContain("native");
            }
            for (int i = 0; i < 2; i++) {
                assertThat(box.run("let x = ;").error().type()).isEqualTo("SyntaxError");
            }
            // more distinct sources than slots, twice over, and one past the length kept
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 40; i++) {
                    assertThat(box.eval(
                                    "var k" + i + " = (typeof k" + i + " === 'number' ? k" + i + " : 0) + 1; k" + i))
                            .isEqualTo((long) round + 1);
                }
            }
            String longSource = "var big = (typeof big === 'number' ? big : 0) + 1; // " + "x".repeat(20_000) + "\nbig";
            assertThat(box.eval(longSource)).isEqualTo(1L);
            assertThat(box.eval(longSource)).isEqualTo(2L);
            // top-level await still takes the async path, again and again
            for (int i = 0; i < 2; i++) {
                assertThat(box.eval("await Promise.resolve(41) + 1")).isEqualTo(42L);
            }
        }
    }

    @Test
    void noHostOrInternalApisAreVisible() {
        @SuppressWarnings("unchecked")
        List<String> types =
                (List<String>) sandbox.eval("['require', 'process', 'fetch', 'java_invoke', 'Javy', 'plugin',"
                        + " 'host', '__wasmbox_run', 'XMLHttpRequest', 'Deno', 'Bun', 'std', 'os', 'scriptArgs0']"
                        + ".map(n => typeof globalThis[n])");
        assertThat(types).containsOnly("undefined");
        ExecutionResult dynamicImport = sandbox.run("import('fs')");
        assertThat(dynamicImport.error()).isNotNull();
        // eval and Function stay available inside the guest
        assertThat(sandbox.eval("eval('1 + 2') + new Function('return 4')()")).isEqualTo(7L);
        // the driver's own names are not reachable from scripts: no global holds them
        assertThat(sandbox.eval("Object.getOwnPropertyNames(globalThis).filter(n => /wasmbox|^host$|^run$|^tick$/"
                        + ".test(n)).length"))
                .isEqualTo(0L);
    }

    @Test
    void scriptApiStdinArgsEnvExit() {
        RunOptions options = RunOptions.builder()
                .stdin("one\r\ntwo\nrest\nof it")
                .args(List.of("x", "y"))
                .env(Map.of("MODE", "test"))
                .fileName("tool.js")
                .build();
        assertThat(sandbox.run("[readLine(), stdin.readLine(), stdin.read(), stdin.readLine()]", options)
                        .value())
                .isEqualTo(Arrays.asList("one", "two", "rest\nof it", null));
        assertThat(sandbox.run("[scriptArgs, env.MODE, Object.isFrozen(env)]", options)
                        .value())
                .isEqualTo(List.of(List.of("tool.js", "x", "y"), "test", true));
        ExecutionResult exit = sandbox.run("console.log('before');\nexit(7);\nconsole.log('after')");
        assertThat(exit.exitCode()).isEqualTo(7);
        assertThat(exit.stdout()).isEqualTo("before\n");
        assertThat(exit.error()).isNull();
        ExecutionResult message = sandbox.run("exit('fatal: bad input')");
        assertThat(message.exitCode()).isEqualTo(1);
        assertThat(message.stderr()).isEqualTo("fatal: bad input\n");
        assertThat(sandbox.run("(async () => { await null; exit(5); })()").exitCode())
                .isEqualTo(5);
    }

    @Test
    void everyRunGetsItsOwnScriptApiEvenWhenAScriptChangedIt() {
        try (Sandbox box = js.newSandbox()) {
            box.run("scriptArgs.push('leak'); env = 'mine'; stdin = null; exit = () => 'no'");
            assertThat(box.eval("[scriptArgs, typeof env, stdin.read(), typeof exit, readLine()]"))
                    .isEqualTo(Arrays.asList(List.of("<script>"), "object", "", "function", null));
            box.run("scriptArgs[0] = 'changed'");
            assertThat(box.eval("scriptArgs")).isEqualTo(List.of("<script>"));
            RunOptions withInput = RunOptions.builder()
                    .stdin("line")
                    .args(List.of("a"))
                    .env(Map.of("K", "v"))
                    .build();
            assertThat(box.run("[readLine(), scriptArgs, env.K]", withInput).value())
                    .isEqualTo(List.of("line", List.of("<script>", "a"), "v"));
            assertThat(box.eval("[readLine(), scriptArgs, env.K]"))
                    .isEqualTo(Arrays.asList(null, List.of("<script>"), null));
            assertThat(box.run("exit(4)").exitCode()).isEqualTo(4);
        }
    }

    @Test
    void theLanguageFeaturesTheOldEngineLackedWork() {
        // issue 12's list for javy's QuickJS 2024-01, plus /v set notation, which QuickJS-ng 0.12.1 rejected
        assertThat(sandbox.eval("[\n"
                        + "  /[\\p{L}--[a-z]]/v.test('A') && !/[\\p{L}--[a-z]]/v.test('a'),\n"
                        + "  /[\\-]/u.test('-'),\n"
                        + "  [1, 2, 3].values().map(x => x * 2).toArray().join(),\n"
                        + "  new Set([1, 2]).union(new Set([3])).size,\n"
                        + "  (() => { const a = [1, 2, 3]; a.length = 1; return a.length })(),\n"
                        + "  Object.keys(Object.groupBy([1, 2, 3], x => x % 2 ? 'odd' : 'even')).join()\n"
                        + "]"))
                .isEqualTo(List.of(true, true, "2,4,6", 3L, 1L, "odd,even"));
    }

    @Test
    void deepRecursionIsACatchableInternalErrorAndTheHostStaysHealthy() {
        // (the javy-based engine had QuickJS's stack check compiled out: a crash that discarded the sandbox)
        Sandbox box = js.newSandbox();
        ExecutionResult r = box.run("function down(n) { return down(n + 1) + 1; }\ndown(0)");
        assertThat(r.error().type()).isEqualTo("InternalError");
        assertThat(r.error().message()).isEqualTo("stack overflow");
        assertThat(r.memoryLimitHit()).isFalse();
        assertThat(box.isClosed()).isFalse();
        assertThat(box.eval("let d = 0; function deep() { d++; deep(); } try { deep() } catch (e) { [e instanceof"
                        + " InternalError, d > 10000] }"))
                .isEqualTo(List.of(true, true));
        // moderate recursion is fine, and other sandboxes are unaffected
        assertThat(sandbox.eval("function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); } depth(1000)"))
                .isEqualTo(1000L);
    }

    @Test
    void errorsHaveLineNumbersAndNoDriverFrames() {
        ExecutionResult r = sandbox.run("""
                function inner() {
                  null.property;
                }
                function outer() { inner(); }
                outer();
                """);
        GuestError e = r.error();
        assertThat(e.type()).isEqualTo("TypeError");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.stackTrace())
                .startsWith("TypeError: cannot read property 'property' of null\n")
                .contains("at inner (<input>:2:")
                .contains("at outer (<input>:4:")
                .contains("(<input>:5:")
                .doesNotContain("function.mjs")
                .doesNotContain("native")
                .doesNotContain("__wasmbox");
        // a failed property read after a statement reports its own line (QuickJS-ng 0.12 gave the function's first)
        GuestError read = sandbox.run("function f(o) {\n  var a = 1;\n  return o.x.y;\n}\nf({})")
                .error();
        assertThat(read.line()).isEqualTo(3);
        assertThat(read.stackTrace()).contains("at f (<input>:3:");
        ExecutionResult thrown = sandbox.run("throw 'plain string'");
        assertThat(thrown.error().message()).isEqualTo("Uncaught 'plain string'");
        ScriptException se = (ScriptException) catchThrowable(
                () -> new ScriptEngineManager().getEngineByName("js").eval("var a = 1;\n\nundefinedName"));
        assertThat(se.getLineNumber()).isEqualTo(3);
        assertThat(se.getMessage()).contains("ReferenceError").contains("undefinedName");
    }

    @Test
    void sandboxesStartIndependentFromTheSnapshot() {
        SandboxOptions realtime = SandboxOptions.builder().realtime().build();
        try (Sandbox a = js.sandbox().options(realtime).build();
                Sandbox b = js.sandbox().options(realtime).build()) {
            // real randomness is drawn per sandbox, not copied from the snapshot (default sandboxes are
            // deterministic instead: JsHostFunctionsTest)
            Object first = a.eval("Math.random()");
            assertThat(b.eval("Math.random()")).isNotEqualTo(first);
            a.eval("Array.prototype.push = null; JSON.stringify = null; var x = 1");
            assertThat(a.eval("[x, 2]")).isEqualTo(List.of(1L, 2L)); // the driver keeps its own built-ins
            assertThat(b.eval("[1].concat([2]).length + JSON.stringify({}).length"))
                    .isEqualTo(4L);
        }
    }

    @Test
    void timeoutExceptionThroughJsr223() {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("javascript");
        engine.put("wasmbox.timeout", "200ms");
        ScriptException e = (ScriptException) catchThrowable(() -> engine.eval("for (;;) {}"));
        assertThat(e.getCause()).isInstanceOf(ExecutionTimeoutException.class);
    }

    @Test
    void scriptsBreakingBuiltinsOrFreezingGlobalsDoNotBreakLaterRuns() {
        try (io.wasmbox.Sandbox box = io.wasmbox.Wasmbox.interpreter("js").newSandbox()) {
            box.run("Object.create = null; Object.keys = null; JSON.stringify = null; 1")
                    .valueOrThrow();
            org.assertj.core.api.Assertions.assertThat(box.eval("({a: [1, 2]})"))
                    .isEqualTo(Map.of("a", List.of(1L, 2L)));
            box.run("Object.prototype.toJSON = () => 'x'; 1").valueOrThrow();
            io.wasmbox.GuestError e = box.run("throw new RangeError('boom')").error();
            org.assertj.core.api.Assertions.assertThat(e.type()).isEqualTo("RangeError");
            org.assertj.core.api.Assertions.assertThat(e.message()).isEqualTo("boom");
            box.run("Object.freeze(globalThis); 1").valueOrThrow();
            org.assertj.core.api.Assertions.assertThat(box.eval("2 + 2")).isEqualTo(4L);
        }
    }
}

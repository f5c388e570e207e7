package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** TypeScript beyond the shared conformance kit: the transpile, its errors, line mapping, the transpiler's life. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypeScriptTest {
    private Interpreter ts;
    private Sandbox sandbox;

    @BeforeAll
    void open() {
        ts = Wasmbox.interpreter("ts");
        sandbox = ts.newSandbox();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    private ExecutionResult run(String code) {
        try (Sandbox box = ts.newSandbox()) {
            return box.run(code);
        }
    }

    @Test
    void enumsClassesGenericsAndInterfacesRun() {
        assertThat(sandbox.eval(String.join(
                        "\n",
                        "enum Color { Red, Green = 5, Blue }",
                        "const enum Flag { On = 1 }",
                        "let c: Color = Color.Blue;",
                        "[Color[c], Color.Red, Color.Green, Flag.On]")))
                .isEqualTo(List.of("Blue", 0L, 5L, 1L));
        assertThat(sandbox.eval(String.join(
                        "\n",
                        "class Person {",
                        "  #secret: number = 42;",
                        "  private hidden = 'h';",
                        "  static count: number = 0;",
                        "  constructor(public name: string, private readonly age?: number) { Person.count++; }",
                        "  get secret(): number { return this.#secret; }",
                        "  describe(this: Person): string { return `${this.name}:${this.age}:${this.hidden}`; }",
                        "}",
                        "abstract class Base<T> { abstract get(): T; }",
                        "class Impl extends Base<number> { override get() { return 7; } }",
                        "const p = new Person('bob', 3);",
                        "[p.describe(), p.secret, Person.count, new Impl().get()]")))
                .isEqualTo(List.of("bob:3:h", 42L, 1L, 7L));
        assertThat(sandbox.eval(String.join(
                        "\n",
                        "type Pair<A, B> = [A, B];",
                        "function swap<A, B>(p: Pair<A, B>): Pair<B, A> { return [p[1], p[0]]; }",
                        "const id = <T,>(x: T): T => x;",
                        "interface Shape { area(): number }",
                        "const square = (s: number): Shape => ({ area: () => s * s });",
                        "namespace Geometry { export const sides = 4; }",
                        "let s = { a: 1 } satisfies { a: number };",
                        "[swap<number, string>([1, 'a']), id<string>('w')!, square(3).area(), Geometry.sides, s.a]")))
                .isEqualTo(List.of(List.of("a", 1L), "w", 9L, 4L, 1L));
    }

    @Test
    void varsAndFunctionsPersistBetweenRunsAsInJavaScript() {
        try (Sandbox box = ts.newSandbox()) {
            box.run("var total: number = 40;\nfunction bump(n: number): number { return total += n; }")
                    .valueOrThrow();
            assertThat(box.eval("bump(2)")).isEqualTo(42L);
            assertThat(box.invoke("bump", 1).value()).isEqualTo(43L);
            assertThat(box.getGlobal("total")).isEqualTo(43L);
            assertThat(box.hasFunction("bump")).isTrue();
        }
    }

    @Test
    void aTypeErrorDoesNotStopTheScript() {
        ExecutionResult r = run("const x: number = \"not a number\";\nconsole.log(typeof x);\nx");
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        assertThat(r.stdout()).isEqualTo("string\n");
        assertThat(r.value()).isEqualTo("not a number");
    }

    @Test
    void aSyntaxErrorStopsTheScriptBeforeAnythingRuns() {
        ExecutionResult r = run("console.log('ran');\nconst x: = 1;\nx");
        GuestError e = r.error();
        assertThat(e).as(r.toString()).isNotNull();
        assertThat(e.type()).isEqualTo("SyntaxError");
        assertThat(e.message()).isEqualTo("Type expected.");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.stackTrace()).contains("<input>:2:10");
        assertThat(r.stdout()).isEmpty();
        assertThat(r.exitCode()).isEqualTo(1);
        // check() reports the same, and compiles clean code
        try (Sandbox box = ts.newSandbox()) {
            assertThat(box.check("let a: number = 1;\nlet b: = 2;").line()).isEqualTo(2);
            assertThat(box.check("let a: number = 1;\na")).isNull();
        }
    }

    @Test
    void runtimeErrorLinesAreTheTypeScriptLines() {
        ExecutionResult r = run(String.join(
                "\n",
                "interface Foo {",
                "  a: number;",
                "}",
                "const foo: Foo = { a: 1 };",
                "(null as any).boom();",
                "foo"));
        assertThat(r.error().type()).isEqualTo("TypeError");
        assertThat(r.error().line()).isEqualTo(5);
        assertThat(r.error().stackTrace()).contains("<input>:5:").doesNotContain("<input>:2:");
        ExecutionResult deep = run(String.join(
                "\n",
                "type T = { a: number };",
                "",
                "// comment",
                "interface Foo {",
                "  a: number;",
                "}",
                "function g(",
                "  x: number,",
                "  y: Foo",
                "): number {",
                "  return x + (y as any).b.c;",
                "}",
                "const v: T = { a: 1 };",
                "g(1, v)"));
        assertThat(deep.error().line()).isEqualTo(11);
        assertThat(deep.error().stackTrace()).contains("at g (<input>:11:").contains("(<input>:14:");
    }

    @Test
    void invokedFunctionsReportTypeScriptLines() {
        try (Sandbox box = ts.newSandbox()) {
            box.run("interface In { v: number }\n\n\nfunction f(i: In): number {\n  if (!(i as any).x) throw new"
                            + " TypeError('no x');\n  return 1;\n}")
                    .valueOrThrow();
            assertThat(box.invoke("f", Map.of("v", 1)).error().line()).isEqualTo(5);
        }
    }

    @Test
    void importAndExportAreClearErrors() {
        for (String code : List.of(
                "export const q: number = 1;\nq",
                "const a = 1;\nimport { x } from './x';\nx",
                "const z = 2;\nexport default z;")) {
            ExecutionResult r = run(code);
            assertThat(r.error()).as(code).isNotNull();
            assertThat(r.error().type()).isEqualTo("SyntaxError");
            assertThat(r.error().message()).contains("import and export statements are not supported");
        }
        assertThat(run("const a = 1;\nimport { x } from './x';\nx").error().line())
                .isEqualTo(2);
        // type-only imports and exports vanish with the types
        ExecutionResult typeOnly =
                run("import type { X } from './x';\nexport type Y = number;\nconst y: X | null = null;\ny ?? 'none'");
        assertThat(typeOnly.value()).as(typeOnly.toString()).isEqualTo("none");
    }

    @Test
    void scriptEngineManagerFindsTypeScript() throws Exception {
        ScriptEngineManager manager = new ScriptEngineManager();
        for (ScriptEngine engine : List.of(
                manager.getEngineByName("typescript"),
                manager.getEngineByName("ts"),
                manager.getEngineByExtension("ts"),
                manager.getEngineByMimeType("application/typescript"))) {
            assertThat(engine).isNotNull();
            assertThat(engine.getFactory().getLanguageName()).isEqualTo("TypeScript");
        }
        ScriptEngine engine = manager.getEngineByName("ts");
        assertThat(engine.eval("const n: number = 6 * 7;\nn")).isEqualTo(42L);
        engine.eval("function twice(s: string): string { return s + s }");
        assertThat(((Invocable) engine).invokeFunction("twice", "ab")).isEqualTo("abab");
        ScriptException e = (ScriptException) catchThrowable(() -> engine.eval("let a = 1;\nlet b: = 2;"));
        assertThat(e.getLineNumber()).isEqualTo(2);
        assertThat(engine.getFactory().getOutputStatement("hi")).isEqualTo("console.log(\"hi\")");
    }

    @Test
    void languageVersionIsTheCompilersVersion() {
        assertThat(ts.languageVersion())
                .isEqualTo(TypeScriptTranspiler.shared().compilerVersion())
                .isEqualTo(TypeScriptTranspiler.VERSION);
        assertThat(ts.info().engineVersion())
                .contains("TypeScript " + TypeScriptTranspiler.VERSION)
                .contains("QuickJS");
    }

    @Test
    void repeatedCodeIsTranspiledOnce() {
        TypeScriptTranspiler transpiler = TypeScriptTranspiler.shared();
        String code = "const unique: string = 'cache " + System.nanoTime() + "';\nunique.startsWith('cache ')";
        long before = transpiler.transpiles.get();
        for (int i = 0; i < 3; i++) assertThat(run(code).value()).isEqualTo(true);
        assertThat(transpiler.transpiles.get() - before).isEqualTo(1);
    }

    @Test
    void fourThreadsRunTypeScriptSandboxesAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                futures.add(pool.submit((Callable<Integer>) () -> {
                    int correct = 0;
                    try (Sandbox box = ts.newSandbox()) {
                        for (int i = 0; i < 5; i++) {
                            Object v = box.eval(
                                    "const base: number = " + id + " * 100;\nenum E { A = " + i + " }\nbase + E.A");
                            if (Long.valueOf(id * 100L + i).equals(v)) correct++;
                        }
                    }
                    return correct;
                }));
            }
            for (Future<Integer> f : futures) assertThat(f.get()).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTranspileStoppedByTheTimeoutLeavesTypeScriptUsable() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            big.append("interface I")
                    .append(i)
                    .append(" { id: number; name: string }\n")
                    .append("function f")
                    .append(i)
                    .append("(x: I")
                    .append(i)
                    .append("): string { return x.name + ")
                    .append(i)
                    .append("; }\n");
        }
        big.append("f0({ id: 1, name: 'n' })\n");
        TypeScriptTranspiler transpiler = TypeScriptTranspiler.shared();
        long recycled = transpiler.recycles.get();
        try (Sandbox box =
                ts.sandbox().limits(Limits.builder().timeoutMillis(200).build()).build()) {
            ExecutionResult r = box.run(big.toString());
            assertThat(r.timeoutHit()).as(r.toString()).isTrue();
        }
        assertThat(transpiler.recycles.get())
                .as("the interrupted transpiler instance is dropped")
                .isGreaterThan(recycled);
        assertThat(run("const ok: string = 'still fine';\nok").value()).isEqualTo("still fine");
    }

    @Test
    void theTranspilerIsRecycledWhenItsMemoryGrowsAndResultsStayRight() {
        TypeScriptTranspiler transpiler = TypeScriptTranspiler.shared();
        long threshold = transpiler.recycleThresholdBytes;
        long recycled = transpiler.recycles.get();
        transpiler.recycleThresholdBytes = 0; // every instance is over it after one transpile
        try {
            for (int i = 0; i < 3; i++) {
                ExecutionResult r = run("enum R { A = " + i + " }\nconst r" + i + ": number = R.A * 2;\nr" + i);
                assertThat(r.value()).as(r.toString()).isEqualTo(2L * i);
            }
        } finally {
            transpiler.recycleThresholdBytes = threshold;
        }
        assertThat(transpiler.recycles.get() - recycled).isGreaterThanOrEqualTo(3);
        assertThat(run("const after: number = 5;\nafter").value()).isEqualTo(5L);
    }

    @Test
    void preludeIsTypeScriptToo() {
        ExecutionResult r = sandbox.run(
                "greeting + '!'",
                RunOptions.builder().prelude("var greeting: string = 'hello';").build());
        assertThat(r.value()).as(r.toString()).isEqualTo("hello!");
    }
}

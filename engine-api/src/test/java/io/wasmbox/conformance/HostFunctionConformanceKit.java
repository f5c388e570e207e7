package io.wasmbox.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.IntNode;
import io.wasmbox.ErrorKind;
import io.wasmbox.ExecutionResult;
import io.wasmbox.HostFunction;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Host functions, invocation from the host, compilation and the deterministic clock, specified once for
 * every language (issue 4). Only the {@link LanguageSnippets} differ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HostFunctionConformanceKit {
    protected final LanguageSnippets lang;
    protected Interpreter interpreter;

    protected HostFunctionConformanceKit(LanguageSnippets lang) {
        this.lang = lang;
    }

    @BeforeAll
    void interpreter() {
        interpreter = Wasmbox.interpreter(lang.language());
    }

    /** The calculator interface a guest implements for {@link #getInterfaceGivesATypedJavaObject}. */
    public interface Calculator {
        long mul(long a, long b);

        String greet(String name);

        double total(List<Map<String, Object>> items);
    }

    @Test
    void guestCallsABoundHostFunctionWithJson() {
        try (Sandbox box = interpreter.newSandbox()) {
            box.bind(
                    "add",
                    HostFunction.of(args -> ((List<?>) args.getFirst())
                            .stream().mapToLong(x -> (Long) x).sum()));
            ExecutionResult r = box.run(lang.callAddWithList());
            assertThat(r.value()).as(r.toString()).isEqualTo(12L);
        }
    }

    @Test
    void argumentsAndResultsLargerThanOneChannelReadArriveIntact() {
        // 300 KB plus multi-byte characters: several reads of the channel's 64 KiB buffer, UTF-8 split anywhere
        String big = "ab\u00e9\u20ac\ud83d\ude00".repeat(50_000);
        try (Sandbox box = interpreter.newSandbox()) {
            List<Object> received = new ArrayList<>();
            box.bind("big", HostFunction.of(args -> big));
            box.bind("echo", HostFunction.of(args -> {
                received.add(args.getFirst());
                return args.getFirst();
            }));
            ExecutionResult r = box.run("echo(big())");
            assertThat(received).as(r.toString()).containsExactly(big);
            assertThat(r.value()).isEqualTo(big);
        }
    }

    @Test
    void repliesOfEveryLengthAroundOneReadAndSingleArgumentsArriveIntact() {
        try (Sandbox box = interpreter.newSandbox()) {
            List<Object> received = new ArrayList<>();
            box.bind("echo", HostFunction.of(args -> {
                received.add(args.getFirst());
                return args.getFirst();
            }));
            // a two-byte character first, so some lengths end a read inside it
            box.bind("text", HostFunction.of(args -> "\u00e9" + "x".repeat(((Number) args.getFirst()).intValue())));
            for (int n = 0; n <= 600; n += n < 420 ? 60 : 1) {
                assertThat(box.eval("text(" + n + ")")).isEqualTo("\u00e9" + "x".repeat(n));
            }
            String awkward = "q\"\\\u00e9\u20ac\ud83d\ude00\n";
            String source = "[echo(''), echo('" + awkward.replace("\\", "\\\\").replace("\n", "\\n")
                    + "'), echo(-7), echo(0), echo([1, 'a'])]";
            assertThat(box.eval(source)).isEqualTo(List.of("", awkward, -7L, 0L, List.of(1L, "a")));
            assertThat(received).containsExactly("", awkward, -7L, 0L, List.of(1L, "a"));
        }
    }

    @Test
    void hostExceptionsAreCatchableGuestErrorsWithoutJavaDetails() {
        try (Sandbox box = interpreter.newSandbox()) {
            box.bind("lookup", args -> {
                throw new IllegalStateException("user u-1 not found");
            });
            assertThat(box.eval(lang.catchHostError("lookup"))).isEqualTo("user u-1 not found");
            ExecutionResult r = box.run(lang.callUncaught("lookup"));
            assertThat(r.error().type()).isEqualTo("HostFunctionError");
            assertThat(r.error().message()).isEqualTo("user u-1 not found");
            assertThat(r.error().stackTrace() + r.stdout() + r.stderr())
                    .doesNotContain("IllegalStateException")
                    .doesNotContain("java.")
                    .doesNotContain("io.wasmbox");
            assertThat(box.isClosed()).isFalse();
        }
    }

    @Test
    void anyThrowableFromACallbackIsAGuestErrorAndTheRunGoesOn() {
        try (Sandbox box = interpreter.newSandbox()) {
            box.bind("assertion", args -> {
                throw new AssertionError("assertion in host");
            });
            box.bind("linkage", args -> {
                throw new NoClassDefFoundError("some/Missing");
            });
            box.bind("selfInterrupted", args -> {
                throw new InterruptedException("gave up waiting");
            });
            assertThat(box.eval(lang.catchHostError("assertion"))).isEqualTo("assertion in host");
            assertThat(box.eval(lang.catchHostError("linkage"))).isEqualTo("some/Missing");
            assertThat(box.eval(lang.catchHostError("selfInterrupted")).toString())
                    .contains("interrupted");
            assertThat(box.isClosed()).isFalse();
            assertThat(box.eval(lang.add(2, 2))).isEqualTo(4L);
        }
    }

    @Test
    void unboundNamesDoNotExistAndBindingIsPerSandbox() {
        try (Sandbox a = interpreter.newSandbox();
                Sandbox b = interpreter.newSandbox()) {
            a.bind("secret", args -> IntNode.valueOf(1));
            assertThat(a.eval(lang.isGlobalDefined("secret"))).isEqualTo(true);
            assertThat(b.eval(lang.isGlobalDefined("secret"))).isEqualTo(false);
            ExecutionResult r = b.run(lang.callUncaught("secret"));
            assertThat(r.kind()).as(r.toString()).isEqualTo(ErrorKind.GUEST_ERROR);
            assertThat(r.error().type()).isNotEqualTo("HostFunctionError");
            if (!lang.undefinedNameErrorTypes().isEmpty()) {
                assertThat(r.error().type()).as(r.toString()).isIn(lang.undefinedNameErrorTypes());
            }
            assertThat(r.error().message()).contains("secret");
        }
    }

    @Test
    void hostCalledFunctionsAndMethodsOfTheGuest() {
        try (Sandbox box = interpreter.newSandbox()) {
            box.run(lang.defineFunctions()).valueOrThrow();
            assertThat(box.invoke("mul", 6, 7).value()).isEqualTo(42L);
            assertThat(box.invoke("greet", "ada").value()).isEqualTo("hi ada");
            assertThat(box.invoke("calc.add", 1, 2).value()).isEqualTo(3L);
            assertThat(box.invoke("total", List.of(Map.of("price", 1.5), Map.of("price", 2)))
                            .value())
                    .isEqualTo(3.5);
            ExecutionResult missing = box.invoke("missing");
            assertThat(missing.kind()).as(missing.toString()).isEqualTo(ErrorKind.GUEST_ERROR);
            assertThat(missing.error().message()).contains("missing");
            assertThat(box.isClosed()).isFalse();
            assertThat(box.hasFunction("mul")).isTrue();
            assertThat(box.hasFunction("missing")).isFalse();
            assertThat(box.hasFunction("calc.add")).isTrue();
        }
    }

    @Test
    void aHostFunctionCannotReenterItsOwnSandbox() {
        try (Sandbox box = interpreter.newSandbox()) {
            box.bind("reenter", args -> box.run(lang.add(1, 1)).value());
            assertThat(box.eval(lang.catchHostError("reenter")).toString()).contains("its own sandbox");
        }
    }

    @Test
    void aSlowHostFunctionIsStoppedByTheRunTimeout() {
        Duration timeout = Duration.ofMillis(500);
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder().timeout(timeout).build())
                .build()) {
            box.bind("slow", args -> {
                Thread.sleep(30_000);
                return null;
            });
            long start = System.nanoTime();
            ExecutionResult r = box.run(lang.callUncaught("slow"));
            assertThat(r.timeoutHit()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusMillis(200));
        }
    }

    @Test
    void waitingInAHostFunctionDoesNotCountAsCpuTime() {
        // the CPU-time limit is the guest thread's CPU clock: 600 ms asleep in a callback costs (almost) none of 300 ms
        try (Sandbox box = interpreter
                .sandbox()
                .limits(Limits.builder()
                        .cpuTimeMillis(300)
                        .timeout(Duration.ofSeconds(30))
                        .build())
                .build()) {
            // the same code once before binding (a name error): its compile, or TypeScript's transpile (cached by
            // source; in a cold JVM it can take more than the limit), is then not part of the measured run
            box.run(lang.callUncaught("slow"));
            box.bind("slow", args -> {
                Thread.sleep(600);
                return null;
            });
            ExecutionResult r = box.run(lang.callUncaught("slow"));
            assertThat(r.cpuTimeLimitHit()).as(r.toString()).isFalse();
            assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(r.cpuTime()).isLessThan(Duration.ofMillis(300));
        }
    }

    @Test
    void timeIsFrozenAndRandomnessSeededByDefault() {
        List<?> first;
        List<?> second;
        try (Sandbox a = interpreter.newSandbox();
                Sandbox b = interpreter.newSandbox()) {
            first = (List<?>) a.eval(lang.clockAndRandom());
            second = (List<?>) b.eval(lang.clockAndRandom());
        }
        assertThat(first).isEqualTo(second);
        assertThat(((Number) first.get(0)).doubleValue())
                .isEqualTo((double) SandboxOptions.DEFAULT_INSTANT.getEpochSecond());
        assertThat(first.get(1).toString()).startsWith("2024-01-01");
        Instant frozen = Instant.parse("2030-05-06T07:08:09Z");
        try (Sandbox c = interpreter
                .sandbox()
                .options(SandboxOptions.builder().frozenAt(frozen).randomSeed(7).build())
                .build()) {
            List<?> other = (List<?>) c.eval(lang.clockAndRandom());
            assertThat(((Number) other.get(0)).longValue()).isEqualTo(frozen.getEpochSecond());
            assertThat(other.get(2)).isNotEqualTo(first.get(2));
        }
    }

    @Test
    void realtimeOptionGivesTheRealClock() {
        try (Sandbox box = interpreter
                .sandbox()
                .options(SandboxOptions.builder().realtime().build())
                .build()) {
            List<?> v = (List<?>) box.eval(lang.clockAndRandom());
            double now = System.currentTimeMillis() / 1000.0;
            assertThat(((Number) v.get(0)).doubleValue()).isBetween(now - 60, now + 60);
        }
    }

    // ---- JSR-223 -------------------------------------------------------------------------------

    @Test
    void getInterfaceGivesATypedJavaObject() throws Exception {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName(lang.language());
        engine.eval(lang.defineFunctions());
        Calculator calc = ((Invocable) engine).getInterface(Calculator.class);
        assertThat(calc.mul(6, 7)).isEqualTo(42L);
        assertThat(calc.greet("bob")).isEqualTo("hi bob");
        assertThat(calc.total(List.of(Map.of("price", 1.25), Map.of("price", 1))))
                .isEqualTo(2.25);
        assertThat(((Invocable) engine).getInterface(Runnable.class))
                .as("the guest has no run()")
                .isNull();
        assertThat(((Invocable) engine).invokeFunction("mul", 3, 4)).isEqualTo(12L);
        assertThat(((Invocable) engine).invokeMethod("calc", "add", 3, 4)).isEqualTo(7L);
        assertThatThrownBy(() -> ((Invocable) engine).invokeFunction("nope")).isInstanceOf(NoSuchMethodException.class);
        ScriptException guestError =
                (ScriptException) catchThrowable(() -> ((Invocable) engine).invokeFunction("mul", "a", null));
        assertThat(guestError).isNotNull();
    }

    @Test
    void jsr223BindingsWorkBothWaysAndFunctionsBecomeHostFunctions() throws Exception {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName(lang.language());
        engine.put("add", (Function<List<Object>, Object>)
                list -> list.stream().mapToLong(x -> (Long) x).sum());
        assertThat(engine.eval(lang.callAddWithList())).isEqualTo(12L);
        engine.put("counter", 1);
        engine.eval(lang.defineGlobal("counter", 5));
        assertThat(engine.get("counter")).isEqualTo(5L);
        engine.eval(lang.add(1, 1)); // an unchanged binding does not overwrite the guest's value
        assertThat(engine.get("counter")).isEqualTo(5L);
        engine.put("counter", 9);
        assertThat(engine.eval(lang.readGlobal("counter"))).isEqualTo(9L);
    }

    @Test
    void compiledScriptsRunManyTimesAndSyntaxErrorsSurfaceAtCompile() throws Exception {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName(lang.language());
        CompiledScript compiled = ((Compilable) engine).compile(lang.add(20, 22));
        for (int i = 0; i < 5; i++) assertThat(compiled.eval()).isEqualTo(42L);
        ScriptException e =
                (ScriptException) catchThrowable(() -> ((Compilable) engine).compile(lang.compileErrorOnLine2()));
        assertThat(e).isNotNull();
        assertThat(e.getLineNumber()).isEqualTo(2);
    }
}

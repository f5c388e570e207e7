package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import io.wasmbox.spi.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An invoke's arguments cross in QuickJS's binary object format (Bjson) instead of JSON text: the guest
 * must see exactly what JSON.parse of the text would give it, for every kind of value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsInvokeArgumentsTest {
    /** Types, -0, key order, prototypes and code points: everything two equal-looking values could differ in. */
    private static final String DESCRIBE = """
            function describe(v) {
              if (v === null) return "null";
              if (Array.isArray(v)) return "[" + v.map(describe).join(",") + "]";
              switch (typeof v) {
                case "number": return (Object.is(v, -0) ? "-0" : String(v)) + ":n";
                case "string": return JSON.stringify(v) + ":" + Array.from(v, c => c.codePointAt(0).toString(16)).join(".");
                case "boolean": return String(v);
                case "object": return "{" + Object.keys(v).map(k => JSON.stringify(k) + "=" + describe(v[k])).join(",")
                    + "}" + (Object.getPrototypeOf(v) === Object.prototype ? "" : "!proto");
              }
              return typeof v;
            }
            function depth(v) { let d = 0; while (Array.isArray(v)) { d++; v = v[0]; } return d; }
            function many(...args) { return args.length + ":" + args.map(describe).join("|"); }
            """;

    private Sandbox sandbox;

    @BeforeAll
    void open() {
        sandbox = Wasmbox.interpreter("javascript").newSandbox();
        assertThat(sandbox.run(DESCRIBE).error()).isNull();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    /** What the guest makes of {@code value} through JSON text: JSON.parse of what Jackson writes. */
    private String throughText(String function, Object value) {
        String json = Json.write(Collections.singletonList(value));
        StringBuilder literal = new StringBuilder("\"");
        for (char c : json.toCharArray()) {
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') literal.append(String.format("\\u%04x", (int) c));
            else literal.append(c);
        }
        return String.valueOf(
                sandbox.run(function + "(JSON.parse(" + literal + "\")[0])").value());
    }

    private String throughInvoke(String function, Object value) {
        return String.valueOf(sandbox.invoke(function, value).value());
    }

    @Test
    void everyKindOfValueArrivesAsJsonParseWouldMakeIt() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("b", 1);
        keys.put("2", 2);
        keys.put("1", 3);
        keys.put("__proto__", 4);
        keys.put("", 5);
        keys.put("4294967295", 6);
        keys.put("01", 7);
        keys.put("ключ", 8);
        List<Object> values = new ArrayList<>(List.of(
                "plain",
                "",
                "héllo ÿ",
                "日本語 😀",
                "\uD800 lone",
                "tab\tnewline\n\u0000nul",
                0,
                -0.0,
                2147483647,
                -2147483648,
                2147483648L,
                9007199254740993L,
                Long.MIN_VALUE,
                0.1,
                -1.5e300,
                5e-324,
                new BigInteger("123456789012345678901234567890"),
                new BigDecimal("0.1"),
                0.1f,
                Double.NaN,
                Double.NEGATIVE_INFINITY,
                true,
                false,
                keys,
                List.of(List.of(), Map.of(), List.of(1, List.of(2.5, List.of("three"))))));
        values.add(null);
        for (Object value : values) {
            assertThat(throughInvoke("describe", value))
                    .as("invoke(describe, %s)", value)
                    .isEqualTo(throughText("describe", value));
        }
        assertThat(throughInvoke("describe", keys))
                .isEqualTo("{\"1\"=3:n,\"2\"=2:n,\"b\"=1:n,\"__proto__\"=4:n,\"\"=5:n,\"4294967295\"=6:n,"
                        + "\"01\"=7:n,\"ключ\"=8:n}");
    }

    @Test
    void argumentsKeepTheirCountAndOrderAndDeepDataStillArrives() {
        assertThat(sandbox.invoke("many", 1, "two", null, List.of(3)).value())
                .isEqualTo("4:1:n|\"two\":74.77.6f|null|[3:n]");
        assertThat(sandbox.invoke("many").value()).isEqualTo("0:");
        Object deep = List.of();
        for (int i = 0; i < 998; i++) deep = List.of(deep); // 999 levels: the most an argument may have
        assertThat(sandbox.invoke("depth", deep).value()).isEqualTo(999L);
        assertThat(throughText("depth", deep)).isEqualTo("999");
        Object tooDeep = List.of(deep);
        assertThatThrownBy(() -> sandbox.invoke("depth", 1, tooDeep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument 2 of depth is nested more than 999 levels deep");
        assertThat(sandbox.invoke("depth", List.of(List.of())).value()).isEqualTo(2L); // still usable
    }

    @Test
    void objectsWithTheSameKeysAreIndependentObjects() {
        // the reader makes objects with a key sequence it has seen from one remembered shape: a script that
        // changes one of them must not change the next, and other key orders and repeats must not mix them up
        assertThat(sandbox.run("""
                        var kept = [];
                        function touch(r) {
                          const before = describe(r);
                          r.added = kept.length; delete r.b; r.a = 'changed';
                          kept.push(r);
                          return before + ' -> ' + describe(r);
                        }
                        function all() { return kept.map(describe).join(' '); }
                        """).error()).isNull();
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", List.of(Map.of("x", 1)));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", 2);
        ba.put("a", 3);
        for (int i = 0; i < 3; i++) {
            assertThat(sandbox.invoke("touch", ab).value())
                    .isEqualTo("{\"a\"=1:n,\"b\"=[{\"x\"=1:n}]} -> {\"a\"=\"changed\":63.68.61.6e.67.65.64,\"added\"="
                            + i + ":n}");
        }
        assertThat(sandbox.invoke("touch", ba).value())
                .isEqualTo("{\"b\"=2:n,\"a\"=3:n} -> {\"a\"=\"changed\":63.68.61.6e.67.65.64,\"added\"=3:n}");
        assertThat(sandbox.invoke("describe", ab).value()).isEqualTo(throughText("describe", ab));
        assertThat(sandbox.invoke("describe", ba).value()).isEqualTo(throughText("describe", ba));
        assertThat(String.valueOf(sandbox.run("all()").value()))
                .isEqualTo(("{\"a\"=\"changed\":63.68.61.6e.67.65.64,\"added\"=%d:n} ".repeat(4))
                        .trim()
                        .formatted(0, 1, 2, 3));
    }
}

package io.wasmbox.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run's plain object or array value leaves in QuickJS's binary object format (Bjson.read) instead of JSON
 * text: the host must get exactly the tree the text path gives, node types included, and anything the
 * binary form would show differently must still go as text. Each value is computed in two guests, one
 * with the binary path switched off, and the answers compared.
 */
class JsResultValuesTest {
    private static final List<String> VALUES = List.of(
            "({a: 1, b: 'two', c: [true, false, null], d: {e: 2.5}})",
            "[1, -1, 0, -0, 2147483647, -2147483648, 2147483648, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 1e20, 1e21, -1e21, 123456789012345680000]",
            "[0.1, -1.5e300, 5e-324, 1e-7, 123.456, NaN, Infinity, -Infinity]",
            "[{x: NaN}, {x: 1}]",
            "({s: 'héllo ÿ', w: '日本語 😀', lone: '\\uD800', nul: 'a\\u0000b', empty: ''})",
            "({b: 1, 2: 2, 1: 3, '4294967294': 4, '4294967295': 5, '01': 6, '-1': 7, a: 8})",
            "({u: undefined, f() {}, [Symbol('s')]: 1, kept: [undefined, () => 1, Symbol('t')]})",
            "[1, , 3]",
            "Object.assign(Object.create(null), {nullProto: true})",
            "({'__proto__': 1, constructor: 2})",
            "JSON.parse('{\"__proto__\": {\"x\": 1}}')",
            "(class P { constructor() { this.x = 1; } }, new (class P { constructor() { this.x = 1; } })())",
            "({money: new (class M { toJSON() { return '1.23'; } })()})",
            "({d: new Date(0)})",
            "({m: new Map([[1, 2]]), s: new Set([3])})",
            "({t: new Uint8Array([1, 2])})",
            "({big: 10n})",
            "({boxed: new Number(3), str: new String('s')})",
            "(() => { const shared = {k: 1}; return {a: shared, b: shared}; })()",
            "(() => { const o = {k: 1}; o.self = o; return o; })()",
            "(() => { let v = 0; for (let i = 0; i < 250; i++) v = [v]; return v; })()",
            "(() => { let v = 0; for (let i = 0; i < 150; i++) v = {v}; return v; })()",
            "new Proxy({p: 1}, {})",
            "[new Error('e'), /re/g, Promise.resolve(1)]",
            "(() => { const a = [1, 2]; a.extra = 3; return a; })()",
            "new (class A extends Array {})(3).fill(7)",
            "({nested: [{deep: [{deeper: 'yes'}]}]})",
            "({rope: 'x'.repeat(3000) + 'y'.repeat(3000), wide: 'é'.repeat(2000) + '日'.repeat(2000)})",
            "Object.fromEntries(Array.from({length: 300}, (_, i) => ['k' + i, [i, {['n' + i]: i}]]))",
            "(() => { const o = {a: 1, b: 2, c: 3}; delete o.b; o.d = 4; return o; })()",
            "(() => { const a = [1, 2, 3]; a.length = 5; return a; })()");

    private static JsGuest guest(boolean binary) {
        JsGuest guest = JsGuest.quiet(JsGuestFactory.shared(), 64L << 20);
        guest.valuesInBinary = binary;
        return guest;
    }

    private static GuestResponse run(JsGuest guest, String code) {
        return guest.run(GuestRequest.builder(GuestRequest.RUN).code(code).build());
    }

    @Test
    void everyResultIsTheTreeJsonTextWouldGive() {
        JsGuest binary = guest(true);
        JsGuest text = guest(false);
        for (String code : VALUES) {
            GuestResponse expected = run(text, code);
            GuestResponse actual = run(binary, code);
            assertThat(actual.value()).as(code).isEqualTo(expected.value());
            assertThat(actual.value().toString())
                    .as(code)
                    .isEqualTo(expected.value().toString());
            assertThat(actual.error()).as(code).isEqualTo(expected.error());
        }
        // the binary path is taken: a value whose numbers JSON text would print shows integer nodes, as text does
        assertThat(run(binary, "({n: 2 ** 60})")
                        .value()
                        .get("n")
                        .bigIntegerValue()
                        .toString())
                .isEqualTo("1152921504606847000");
    }

    @Test
    void gettersRunOnceAndPatchedPrototypesAreHonoured() {
        for (boolean binary : new boolean[] {true, false}) {
            JsGuest guest = guest(binary);
            String getter = "var calls = 0; ({get g() { calls++; return 1; }, plain: {x: 1}})";
            assertThat(run(guest, getter).value().toString()).isEqualTo("{\"g\":1,\"plain\":{\"x\":1}}");
            assertThat(run(guest, "calls").value().asInt())
                    .as("binary: %s", binary)
                    .isEqualTo(1);
            String patched = "Object.prototype.toJSON = function () { return 'patched'; }; ({a: 1})";
            assertThat(run(guest, patched).value().asText()).isEqualTo("patched");
            run(guest, "delete Object.prototype.toJSON; Array.prototype.toJSON = () => 'arr'; 0");
            assertThat(run(guest, "[1, 2]").value().asText()).isEqualTo("arr");
        }
    }
}

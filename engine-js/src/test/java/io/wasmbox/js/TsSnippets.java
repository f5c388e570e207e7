package io.wasmbox.js;

import io.wasmbox.spi.Json;
import java.util.List;

/** The JavaScript snippets, as TypeScript: type annotations where they come naturally. */
final class TsSnippets extends JsSnippets {
    @Override
    public String language() {
        return "typescript";
    }

    @Override
    public List<String> jsr223Names() {
        return List.of("typescript", "ts");
    }

    @Override
    public String extension() {
        return "ts";
    }

    @Override
    public String defineGlobal(String name, int value) {
        return "var " + name + ": number = " + value;
    }

    @Override
    public String allocate(long bytes) {
        return "var kept: Uint8Array[] = (globalThis as any).kept || ((globalThis as any).kept = []);\n"
                + "kept.push(new Uint8Array(" + bytes + ").fill(1));\nkept.length";
    }

    @Override
    public String throwOnLine2(String message) {
        return "const x: number = 1;\nthrow new RangeError(" + Json.write(message) + ");";
    }

    @Override
    public String syntaxErrorOnLine2() {
        return "let x: number = 1;\nif (x ==) {}\n";
    }

    @Override
    public String jsonValues() {
        return "interface Values { s: string; i: number; f: number; b: boolean; n: null; l: number[]; big: bigint }\n"
                + "const values: Values = {s: 'x', i: 42, f: 1.5, b: true, n: null, l: [1, 2, 3], big: 2n ** 70n};\n"
                + "values";
    }

    @Override
    public String add(int a, int b) {
        return "(" + a + " as number) + (" + b + " satisfies number)";
    }

    @Override
    public String defineFunctions() {
        return "function mul(a: number, b: number): number { if (typeof a !== 'number') throw new TypeError('numbers only'); return a * b }\n"
                + "function greet(name: string): string { return 'hi ' + name }\n"
                + "interface Item { price: number }\n"
                + "function total(items: Item[]): number { return items.reduce((s, i) => s + i.price, 0) }\n"
                + "var calc = { add(a: number, b: number): number { return a + b } }";
    }
}

package io.wasmbox.js;

import io.wasmbox.conformance.LanguageSnippets;
import io.wasmbox.spi.Json;
import java.util.List;
import java.util.Set;

class JsSnippets implements LanguageSnippets {
    @Override
    public String language() {
        return "javascript";
    }

    @Override
    public List<String> jsr223Names() {
        return List.of("javascript", "js", "quickjs", "wasm-js", "ecmascript");
    }

    @Override
    public String extension() {
        return "js";
    }

    @Override
    public String printLine(String text) {
        return "console.log(" + Json.write(text) + ")";
    }

    @Override
    public String printErrorLine(String text) {
        return "console.error(" + Json.write(text) + ")";
    }

    @Override
    public String infiniteLoop() {
        return "while (true) {}";
    }

    @Override
    public String allocate(long bytes) {
        // fill() touches every page, as Python's bytearray does
        return "var kept = globalThis.kept || (globalThis.kept = []);\nkept.push(new Uint8Array(" + bytes
                + ").fill(1));\nkept.length";
    }

    @Override
    public String outputFlood() {
        return "while (true) console.log('x'.repeat(100))";
    }

    @Override
    public String defineGlobal(String name, int value) {
        return "var " + name + " = " + value;
    }

    @Override
    public String readGlobal(String name) {
        return name;
    }

    @Override
    public String isGlobalDefined(String name) {
        return Json.write(name) + " in globalThis";
    }
    // no file, network or process API exists: each of these fails with a ReferenceError
    @Override
    public String readFile(String path) {
        return "require('fs').readFileSync(" + Json.write(path) + ", 'utf8')";
    }

    @Override
    public String listDirectory(String path) {
        return "require('fs').readdirSync(" + Json.write(path) + ")";
    }

    @Override
    public String connect(String host, int port) {
        return "fetch('http://" + host + ":" + port + "/')";
    }

    @Override
    public Set<String> networkErrorTypes() {
        return Set.of("ReferenceError");
    }

    @Override
    public Set<String> undefinedNameErrorTypes() {
        return Set.of("ReferenceError");
    }

    @Override
    public String readEnv(String name) {
        return "env[" + Json.write(name) + "] ?? null";
    }

    @Override
    public String environment() {
        return "env";
    }

    @Override
    public String runProcess(String command) {
        return "require('child_process').execSync(" + Json.write(command) + ")";
    }

    @Override
    public String throwOnLine2(String message) {
        return "var x = 1;\nthrow new RangeError(" + Json.write(message) + ");";
    }

    @Override
    public String errorType() {
        return "RangeError";
    }

    @Override
    public String syntaxErrorOnLine2() {
        return "var x = 1;\nif (x ==) {}\n";
    }

    @Override
    public String syntaxErrorType() {
        return "SyntaxError";
    }

    @Override
    public String readStdinLine() {
        return "stdin.readLine()";
    }

    @Override
    public String echoStdinLine(String prefix) {
        return "console.log(" + Json.write(prefix) + ", readLine())";
    }

    @Override
    public String scriptArgs() {
        return "scriptArgs.slice(1)";
    }

    @Override
    public String exit(int code) {
        return "exit(" + code + ")";
    }

    @Override
    public String jsonValues() {
        return "({s: 'x', i: 42, f: 1.5, b: true, n: null, l: [1, 2, 3], big: 2n ** 70n})";
    }

    @Override
    public String add(int a, int b) {
        return a + " + " + b;
    }

    @Override
    public String outOfMemoryErrorType() {
        return "InternalError";
    }

    @Override
    public String callAddWithList() {
        return "add([5, 7])";
    }

    @Override
    public String catchHostError(String fn) {
        return "var r;\ntry { " + fn
                + "(); r = 'no error' } catch (e) { r = e instanceof HostFunctionError ? e.message : 'wrong type ' + e }\nr";
    }

    @Override
    public String callUncaught(String fn) {
        return fn + "()";
    }

    @Override
    public String defineFunctions() {
        return "function mul(a, b) { if (typeof a !== 'number') throw new TypeError('numbers only'); return a * b }\n"
                + "function greet(name) { return 'hi ' + name }\n"
                + "function total(items) { return items.reduce((s, i) => s + i.price, 0) }\n"
                + "var calc = { add(a, b) { return a + b } }";
    }

    @Override
    public String clockAndRandom() {
        return "[Date.now() / 1000, new Date().toISOString(), Math.random()]";
    }
}

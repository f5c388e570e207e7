package io.wasmbox.security;

import static io.wasmbox.security.Case.Family.CLOCKS;
import static io.wasmbox.security.Case.Family.ENVIRONMENT;
import static io.wasmbox.security.Case.Family.FILESYSTEM;
import static io.wasmbox.security.Case.Family.HOST_FUNCTIONS;
import static io.wasmbox.security.Case.Family.INTROSPECTION;
import static io.wasmbox.security.Case.Family.NETWORK;
import static io.wasmbox.security.Case.Family.PROCESSES;
import static io.wasmbox.security.Case.Family.RESOURCES;

import io.wasmbox.RunOptions;
import io.wasmbox.spi.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Hostile JavaScript (QuickJS), one row per case. The TypeScript table reuses the rows marked portable
 * (plain JavaScript is valid TypeScript).
 */
final class JsCases {
    private JsCases() {}

    /** The language the rows are built for: JavaScript, or TypeScript reusing them (plain JS is valid TS). */
    private static String language = Languages.JS;

    private static Case js(Case.Family family, String name, String code) {
        return new Case(language, family, name, code);
    }

    private static String q(String s) {
        return Json.write(s);
    }

    static List<Case> all() {
        return forLanguage(Languages.JS);
    }

    static synchronized List<Case> forLanguage(String target) {
        language = target;
        try {
            return build();
        } finally {
            language = Languages.JS;
        }
    }

    private static List<Case> build() {
        List<Case> c = new ArrayList<>();
        absentApis(c);
        environment(c);
        clocks(c);
        introspection(c);
        hostFunctions(c);
        resources(c);
        c.addAll(BadInput.cases(language, "1 + 1", "console.log(readLine())", "var x = 1;\n"));
        return Case.all(c);
    }

    // ---- filesystem, network, processes: the APIs do not exist ------------------------------------------

    private static void absentApis(List<Case> c) {
        String[][] fs = {
            {"require-fs", "require('fs').readFileSync('/etc/passwd', 'utf8')"},
            {"import-fs", "import('fs')"},
            {"import-node-fs", "import('node:fs')"},
            {"import-qjs-std", "import('std').then(m => m.loadFile('/etc/passwd'))"},
            {"import-qjs-os", "import('os').then(m => m.readdir('/'))"},
            {"import-absolute-path", "import('/etc/passwd')"},
            {"import-relative-dotdot", "import('../../../../etc/passwd')"},
            {"import-host-secret-file", "import(" + q(SuiteSecrets.hostFilePath()) + ")"},
            {"deno-read", "Deno.readTextFileSync('/etc/passwd')"},
            {"bun-file", "Bun.file('/etc/passwd').text()"},
            {"javy-fs-read", "Javy.IO.readSync(3, new Uint8Array(10))"},
        };
        for (String[] r : fs) {
            c.add(js(FILESYSTEM, r[0], r[1]).error("ReferenceError", "TypeError", "Error"));
        }
        c.add(js(
                        FILESYSTEM,
                        "file-apis-absent",
                        "['require', 'process', 'Deno', 'Bun', 'Javy', 'java_invoke', 'std', 'os', 'File', 'FileReader', "
                                + "'showOpenFilePicker', 'importScripts'].filter(n => typeof globalThis[n] !== 'undefined')")
                .value(List.of()));
        String[][] net = {
            {"fetch-host-listener", "fetch('http://127.0.0.1:" + HostListener.PORT + "/')"},
            {
                "xhr-host-listener",
                "const x = new XMLHttpRequest(); x.open('GET', 'http://127.0.0.1:" + HostListener.PORT + "/'); x.send()"
            },
            {"websocket-host-listener", "new WebSocket('ws://127.0.0.1:" + HostListener.PORT + "/')"},
            {"eventsource", "new EventSource('http://127.0.0.1:" + HostListener.PORT + "/')"},
            {"navigator-beacon", "navigator.sendBeacon('http://127.0.0.1:" + HostListener.PORT + "/', 'x')"},
            {"require-net", "require('net').connect(" + HostListener.PORT + ", '127.0.0.1')"},
            {"import-node-http", "import('node:http').then(m => m.get('http://127.0.0.1:" + HostListener.PORT + "/'))"},
            {"dns-lookup", "require('dns').lookup('example.com', () => {})"},
            {"worker", "new Worker('data:text/javascript,1')"},
        };
        for (String[] r : net) {
            c.add(js(NETWORK, r[0], r[1]).error("ReferenceError", "TypeError", "Error"));
        }
        c.add(js(
                        NETWORK,
                        "network-apis-absent",
                        "['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'navigator', 'Worker', 'SharedWorker', "
                                + "'RTCPeerConnection', 'WebTransport', 'Request', 'Response', 'Headers']"
                                + ".filter(n => typeof globalThis[n] !== 'undefined')")
                .value(List.of()));
        String[][] proc = {
            {"require-child-process", "require('child_process').execSync('id')"},
            {"import-child-process", "import('child_process').then(m => m.execSync('id'))"},
            {"process-env", "process.env"},
            {"process-exit", "process.exit(0)"},
            {"process-kill", "process.kill(1)"},
            {"process-binding", "process.binding('spawn_sync')"},
            {"qjs-os-exec", "import('os').then(m => m.exec(['/bin/sh', '-c', 'id']))"},
            {"deno-command", "new Deno.Command('id').outputSync()"},
        };
        for (String[] r : proc) {
            c.add(js(PROCESSES, r[0], r[1]).error("ReferenceError", "TypeError", "Error"));
        }
        c.add(js(
                        PROCESSES,
                        "process-apis-absent",
                        "['process', 'child_process', 'spawn', 'exec', 'Deno', 'Bun', 'system']"
                                + ".filter(n => typeof globalThis[n] !== 'undefined')")
                .value(List.of()));
        c.add(js(PROCESSES, "exit-code", "exit(9)").exit(9));
    }

    // ---- host environment ----------------------------------------------------------------------------

    private static void environment(List<Case> c) {
        c.add(js(ENVIRONMENT, "env-is-empty", "Object.keys(env)").value(List.of()));
        c.add(js(ENVIRONMENT, "env-host-secret", "env[" + q(SuiteSecrets.ENV_NAME) + "] ?? null")
                .value(null));
        c.add(js(ENVIRONMENT, "env-path-home", "[env.PATH ?? null, env.HOME ?? null]")
                .value(Arrays.asList(null, null)));
        c.add(js(ENVIRONMENT, "env-is-frozen", "'use strict'; env.X = 1").error("TypeError"));
        c.add(js(ENVIRONMENT, "script-args-only-name", "scriptArgs").value(List.of("<script>")));
        c.add(js(ENVIRONMENT, "per-run-env-does-not-persist", "env.RUN_ENV")
                .options(RunOptions.builder().env(Map.of("RUN_ENV", "given")).build())
                .value("given")
                .thenInSameSandbox("Object.keys(env).length", 0L));
        c.add(js(ENVIRONMENT, "stdin-has-no-driver-request", "stdin.read()").value(""));
        c.add(js(ENVIRONMENT, "stdin-stream-of-run-only", "stdin.read()")
                .options(RunOptions.builder().stdin("only mine\n").build())
                .value("only mine\n"));
        c.add(js(
                        ENVIRONMENT,
                        "navigator-and-location-absent",
                        "[typeof navigator, typeof location, typeof document, typeof window]")
                .value(Collections.nCopies(4, "undefined")));
    }

    // ---- clocks and timing ---------------------------------------------------------------------------

    private static void clocks(List<Case> c) {
        c.add(js(CLOCKS, "date-now-is-frozen", "Date.now()").value(1704067200000L));
        c.add(js(CLOCKS, "new-date-is-frozen", "new Date().toISOString()").value("2024-01-01T00:00:00.000Z"));
        c.add(js(
                        CLOCKS,
                        "date-does-not-advance",
                        "const a = Date.now(); let s = 0; for (let i = 0; i < 1e4; i++) s += i; Date.now() - a")
                .value(0L));
        c.add(js(
                        CLOCKS,
                        "performance-now-does-not-advance",
                        "typeof performance === 'undefined' ? 0 : (() => { const a = performance.now(); "
                                + "for (let i = 0; i < 1e4; i++); return performance.now() - a; })()")
                .value(0L));
        c.add(js(CLOCKS, "busy-wait-for-clock-times-out", "const end = Date.now() + 1000; while (Date.now() < end) {}")
                .timeoutMillis(300)
                .timeout());
        // an hour-long timer on the frozen clock fires on virtual time: no real wait, no hang
        c.add(js(CLOCKS, "set-timeout-hour-no-hang", "new Promise(r => setTimeout(() => r('fired'), 3600000))")
                .timeoutMillis(5_000)
                .value("fired"));
        c.add(js(CLOCKS, "never-settling-promise-no-hang", "new Promise(() => {})")
                .errorWithMessage("Error", "never settled"));
        c.add(js(
                        CLOCKS,
                        "atomics-wait-no-hang",
                        "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3600000)")
                .timeoutMillis(2000)
                .error("TypeError", "ReferenceError", "RangeError"));
        c.add(js(CLOCKS, "math-random-is-seeded", "[Math.random(), Math.random()].every(x => x >= 0 && x < 1)")
                .value(true));
    }

    // ---- introspection: escaping the driver, pollution, eval, Proxy ------------------------------------------------

    private static void introspection(List<Case> c) {
        c.add(js(
                        INTROSPECTION,
                        "constructor-constructor-global",
                        "const g = constructor.constructor('return this')(); [typeof g.java_invoke, typeof g.Javy, typeof g.process]")
                .value(Collections.nCopies(3, "undefined")));
        c.add(js(
                        INTROSPECTION,
                        "function-constructor-global",
                        "Object.getOwnPropertyNames(Function('return this')()).filter(n => /java|javy|invoke|plugin/i.test(n))")
                .value(List.of()));
        c.add(js(
                        INTROSPECTION,
                        "eval-reaches-nothing-more",
                        "eval('typeof java_invoke + typeof Javy + typeof require')")
                .value("undefinedundefinedundefined"));
        c.add(js(
                        INTROSPECTION,
                        "async-function-constructor",
                        "(async function(){}).constructor('return typeof Javy')()")
                .value("undefined"));
        c.add(js(
                        INTROSPECTION,
                        "generator-constructor",
                        "(function*(){}).constructor('yield typeof java_invoke')().next().value")
                .value("undefined"));
        // the driver's entry points are held by the host only: no global names them
        c.add(js(INTROSPECTION, "call-driver-run", "__wasmbox_run()").error("ReferenceError"));
        c.add(js(INTROSPECTION, "call-driver-run-via-eval", "eval('__wasmbox_run()')")
                .error("ReferenceError"));
        c.add(js(
                        INTROSPECTION,
                        "no-global-reaches-the-driver",
                        "Object.getOwnPropertyNames(globalThis).filter(n => /wasmbox|^host$|^run$|^tick$|^finish$/.test(n))")
                .value(List.of()));
        c.add(js(
                        INTROSPECTION,
                        "overwrite-driver-names",
                        "'use strict'; globalThis.__wasmbox_run = () => 1; globalThis.host = () => 2; 'set'")
                .value("set")
                .thenInSameSandbox("6 * 7", 42L));
        c.add(js(
                        INTROSPECTION,
                        "function-constructor-cannot-reach-driver",
                        "Function('return typeof host + typeof run + typeof tick')()")
                .value("undefinedundefinedundefined")
                .thenInSameSandbox("6 * 7", 42L));
        c.add(js(INTROSPECTION, "pollute-json", "JSON.stringify = () => 'x'; JSON.parse = () => ({}); 'polluted'")
                .value("polluted")
                .thenInSameSandbox("({a: [1, 2]})", Map.of("a", List.of(1L, 2L))));
        c.add(js(
                        INTROSPECTION,
                        "pollute-array-prototype",
                        "Array.prototype.push = null; Array.prototype.join = null; Array.prototype.indexOf = () => -1; "
                                + "Array.prototype.slice = null; 'polluted'")
                .value("polluted")
                .thenInSameSandbox("[1, [2, 3]]", List.of(1L, List.of(2L, 3L))));
        c.add(js(
                        INTROSPECTION,
                        "pollute-array-iterator",
                        "Array.prototype[Symbol.iterator] = function* () { yield 'evil'; }; 'polluted'")
                .value("polluted")
                .thenInSameSandbox("[1, 2]", List.of(1L, 2L)));
        c.add(js(
                        INTROSPECTION,
                        "pollute-object-statics",
                        "Object.keys = () => []; Object.defineProperty = null; Object.freeze = null; Object.getPrototypeOf = null; 'polluted'")
                .value("polluted")
                .thenInSameSandbox("({a: 1})", Map.of("a", 1L)));
        c.add(js(
                        INTROSPECTION,
                        "pollute-string-prototype",
                        "String.prototype.split = null; String.prototype.indexOf = null; String.prototype.slice = null; "
                                + "String.prototype.replace = null; 'polluted'")
                .value("polluted")
                .thenInSameSandbox("'a,b'", "a,b"));
        c.add(js(
                        INTROSPECTION,
                        "pollute-function-call-apply",
                        "Function.prototype.call = null; Function.prototype.apply = null; Reflect.apply = null; "
                                + "Function.prototype.bind = null; 'polluted'")
                .value("polluted")
                .thenInSameSandbox("[3, 4]", List.of(3L, 4L)));
        c.add(js(
                        INTROSPECTION,
                        "pollute-regexp",
                        "RegExp.prototype.exec = () => null; RegExp.prototype.test = () => true; 'polluted'")
                .value("polluted")
                .thenInSameSandbox("({b: 'c'})", Map.of("b", "c")));
        c.add(js(
                        INTROSPECTION,
                        "pollute-error-reporting-next-run",
                        "Error.prototype.toString = () => 'fake'; Object.defineProperty(Error.prototype, 'name', {get() "
                                + "{ throw 1; }}); 'polluted'")
                .value("polluted")
                .thenInSameSandbox("[5]", List.of(5L)));
        c.add(js(
                        INTROSPECTION,
                        "pollute-promise-then",
                        "Promise.prototype.then = function () { return 'hijacked'; }; 'polluted'")
                .value("polluted")
                .thenInSameSandbox("6 * 7", 42L));
        c.add(js(
                        INTROSPECTION,
                        "override-console",
                        "console.log = () => { throw new Error('no'); }; console = null; 'replaced'")
                .value("replaced")
                .thenInSameSandbox("'still fine'", "still fine"));
        c.add(js(
                        INTROSPECTION,
                        "proxy-global-prototype",
                        "Object.setPrototypeOf(globalThis, new Proxy({}, { get: () => { throw new Error('trap'); }, "
                                + "has: () => true })); 'proxied'")
                .value("proxied")
                .thenInSameSandbox("[typeof Date.now(), 1 + 1]", List.of("number", 2L)));
        c.add(js(
                        INTROSPECTION,
                        "proxy-result-value",
                        "new Proxy({}, { ownKeys() { throw new Error('keys'); }, get() { throw new Error('get'); } })")
                .error("Error"));
        c.add(js(
                        INTROSPECTION,
                        "getter-bomb-result",
                        "const o = {}; Object.defineProperty(o, 'x', { enumerable: true, get() { while (true) {} } }); o")
                .timeoutMillis(300)
                .timeout());
        c.add(js(INTROSPECTION, "tojson-throwing-result", "({ toJSON() { throw new Error('nope'); } })")
                .errorWithMessage("Error", "nope"));
        c.add(js(
                        INTROSPECTION,
                        "frozen-prototypes-do-not-break-driver",
                        "Object.freeze(Object.prototype); Object.freeze(Array.prototype); Object.freeze(Function.prototype); 'frozen'")
                .value("frozen")
                .thenInSameSandbox("[1, 2]", List.of(1L, 2L)));
        c.add(js(
                        INTROSPECTION,
                        "symbol-has-instance-on-error",
                        "Object.defineProperty(Error, Symbol.hasInstance, { value: () => false }); 'set'")
                .value("set")
                .thenInSameSandbox("6 * 7", 42L));
        c.add(js(INTROSPECTION, "webassembly-absent", "typeof WebAssembly").value("undefined"));
        c.add(js(
                        INTROSPECTION,
                        "stack-frames-name-no-secrets",
                        "try { null.x } catch (e) { /secret|token|password|\\/work|\\/root|\\.java/i.test(e.stack) }")
                .value(false));
    }

    // ---- host-function abuse -----------------------------------------------------------------------

    private static void hostFunctions(List<Case> c) {
        c.add(js(HOST_FUNCTIONS, "huge-argument", "echo('a'.repeat(8e6)).length")
                .withHostFunctions()
                .value(8_000_000L));
        c.add(js(
                        HOST_FUNCTIONS,
                        "deeply-nested-argument",
                        "let a = []; for (let i = 0; i < 100000; i++) a = [a]; Array.isArray(echo(a))")
                .withHostFunctions()
                .value(true));
        c.add(js(HOST_FUNCTIONS, "cyclic-argument", "const a = [1]; a.push(a); echo(a)")
                .withHostFunctions()
                .value(List.of(1L, "[Circular]")));
        c.add(js(HOST_FUNCTIONS, "unserialisable-argument", "echo({ f() {}, s: Symbol('x'), b: 10n, u: undefined })")
                .withHostFunctions()
                .value(Map.of("b", 10L)));
        c.add(js(HOST_FUNCTIONS, "nan-argument", "echo(NaN)")
                .withHostFunctions()
                .value("NaN"));
        c.add(js(HOST_FUNCTIONS, "getter-throwing-argument", "echo({ get x() { throw new Error('getter'); } })")
                .withHostFunctions()
                .errorWithMessage("Error", "getter"));
        c.add(js(HOST_FUNCTIONS, "proxy-argument", "echo(new Proxy([], { get() { throw new Error('trap'); } }))")
                .withHostFunctions()
                .errorWithMessage("Error", "trap"));
        c.add(js(HOST_FUNCTIONS, "lone-surrogate-argument", "echo('\\ud800')")
                .withHostFunctions()
                .valueMatches("a string", v -> v instanceof String));
        c.add(js(HOST_FUNCTIONS, "many-arguments", "count(...new Array(10000).fill(0))")
                .withHostFunctions()
                .value(10000L));
        c.add(js(HOST_FUNCTIONS, "unbound-name", "os_system('id')").error("ReferenceError"));
        c.add(js(HOST_FUNCTIONS, "neighbours-function-unbound", "neighbourSecret()")
                .error("ReferenceError"));
        c.add(js(HOST_FUNCTIONS, "reentrant-call", "reenter()")
                .withReenter()
                .errorWithMessage("HostFunctionError", "its own sandbox"));
        c.add(js(HOST_FUNCTIONS, "throwing-callback", "fail()")
                .withHostFunctions()
                .errorWithMessage("HostFunctionError", "refused by host"));
        c.add(js(HOST_FUNCTIONS, "throwing-callback-null-message", "failNull()")
                .withHostFunctions()
                .errorWithMessage("HostFunctionError", "host function 'failNull' failed"));
        c.add(js(
                        HOST_FUNCTIONS,
                        "throwing-checked-callback-no-java-names",
                        "try { failChecked() } catch (e) { String(e) + e.stack }")
                .withHostFunctions()
                .valueMatches(
                        "the message only",
                        v -> !String.valueOf(v).contains("IOException")
                                && !String.valueOf(v).contains("java.")));
        c.add(js(HOST_FUNCTIONS, "callback-stack-overflow", "failStackOverflow()")
                .withHostFunctions()
                .error("HostFunctionError"));
        c.add(js(HOST_FUNCTIONS, "slow-callback-stopped", "slow()")
                .withHostFunctions()
                .timeoutMillis(300)
                .timeout());
        c.add(js(HOST_FUNCTIONS, "busy-callback-stopped", "spin()")
                .withHostFunctions()
                .timeoutMillis(300)
                .timeout());
        c.add(js(HOST_FUNCTIONS, "slow-callback-swallowed-then-loop", "for (;;) { try { slow() } catch (e) {} }")
                .withHostFunctions()
                .timeoutMillis(300)
                .timeout());
        c.add(js(HOST_FUNCTIONS, "huge-result", "huge().length")
                .withHostFunctions()
                .value((long) HostFunctions.HUGE_CHARS));
        c.add(js(HOST_FUNCTIONS, "wide-result", "wide().length")
                .withHostFunctions()
                .value(200_000L));
        c.add(js(HOST_FUNCTIONS, "deep-result", "deep()")
                .withHostFunctions()
                .error("HostFunctionError", "InternalError", "RangeError", "SyntaxError"));
        c.add(js(HOST_FUNCTIONS, "missing-node-result", "missing() ?? null")
                .withHostFunctions()
                .value(null));
        c.add(js(HOST_FUNCTIONS, "unserialisable-result", "pojo()")
                .withHostFunctions()
                .error("HostFunctionError"));
        c.add(js(HOST_FUNCTIONS, "self-referencing-result", "selfRef()")
                .withHostFunctions()
                .error("HostFunctionError"));
        c.add(js(HOST_FUNCTIONS, "lone-surrogate-result", "loneSurrogate()")
                .withHostFunctions()
                .valueMatches("a string", v -> v instanceof String));
        c.add(js(HOST_FUNCTIONS, "nan-result", "nan()").withHostFunctions().value("NaN"));
        c.add(js(HOST_FUNCTIONS, "null-result", "nullNode()")
                .withHostFunctions()
                .value(null));
        c.add(js(HOST_FUNCTIONS, "call-flood", "for (let i = 0; i < 3000; i++) echo(i); 'done'")
                .withHostFunctions()
                .value("done"));
        c.add(js(HOST_FUNCTIONS, "call-flood-until-timeout", "for (;;) echo('x'.repeat(1000))")
                .withHostFunctions()
                .timeoutMillis(500)
                .timeout());
        c.add(js(HOST_FUNCTIONS, "host-function-replaced-by-script", "echo = () => 'mine'; echo(1)")
                .withHostFunctions()
                .value("mine")
                .thenInSameSandbox("[typeof echo]", List.of("function")));
    }

    // ---- resource exhaustion -----------------------------------------------------------------------------

    private static void resources(List<Case> c) {
        c.add(js(RESOURCES, "repeat-1e9", "'x'.repeat(1e9).length")
                .memoryMiB(64)
                .memoryLimit());
        c.add(js(RESOURCES, "array-buffer-2g", "new ArrayBuffer(2 ** 31 - 1).byteLength")
                .memoryMiB(64)
                .memoryLimit());
        c.add(js(RESOURCES, "array-fill-1e9", "new Array(1e9).fill(0).length")
                .memoryMiB(64)
                .memoryLimit());
        c.add(js(RESOURCES, "push-until-full", "const a = []; for (;;) a.push(new Array(1e5).fill(1.5))")
                .memoryMiB(64)
                .timeoutMillis(30_000)
                .memoryLimit());
        c.add(js(RESOURCES, "string-doubling", "let s = 'x'; for (;;) s += s")
                .memoryMiB(64)
                .error("RangeError", "InternalError"));
        c.add(js(RESOURCES, "object-key-bomb", "const o = {}; for (let i = 0; ; i++) o['k' + i] = i")
                .memoryMiB(64)
                .timeoutMillis(20_000)
                .memoryLimit());
        c.add(js(RESOURCES, "huge-bigint-power", "(10n ** (10n ** 8n)).toString().length")
                .memoryMiB(64)
                .timeoutMillis(20_000)
                .error("RangeError", "InternalError"));
        c.add(js(RESOURCES, "while-true-in-finally", "try { throw 1 } finally { for (;;) {} }")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "while-true-in-catch", "try { null.x } catch (e) { while (true) {} }")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "catch-everything-loop", "for (;;) { try { for (;;) {} } catch (e) {} }")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "microtask-loop", "(async () => { for (;;) await null; })()")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "timer-flood", "for (let i = 0; ; i++) setTimeout(() => {}, i)")
                .memoryMiB(24)
                .timeoutMillis(60_000)
                .memoryLimit());
        c.add(js(RESOURCES, "endless-interval", "setInterval(() => {}, 0); 'started'")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "timer-after-the-timeout", "setTimeout(() => { for (;;) {} }, 1e9); 1")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "timer-chain-forever", "(function again() { setTimeout(again, 1) })()")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "generator-spin", "function* g() { for (;;) yield 1 } for (const _ of g()) {}")
                .timeoutMillis(300)
                .timeout());
        c.add(js(RESOURCES, "regex-catastrophic-backtracking", "/(a+)+$/.test('a'.repeat(64) + 'b')")
                .timeoutMillis(500)
                .timeout());
        c.add(js(RESOURCES, "regex-nested-quantifiers", "/(x+x+)+y/.test('x'.repeat(64))")
                .timeoutMillis(500)
                .timeout());
        c.add(js(RESOURCES, "deep-recursion", "function f(n) { return f(n + 1) + 1 } f(0)")
                .error("InternalError") // QuickJS: "stack overflow"
                .thenInSameSandbox("6 * 7", 42L));
        c.add(js(RESOURCES, "proxy-recursion", "const p = new Proxy({}, { get: (t, k, r) => r[k] }); p.x")
                .error("InternalError")
                .thenInSameSandbox("6 * 7", 42L));
        c.add(js(RESOURCES, "json-parse-deep-nesting", "JSON.parse('['.repeat(1e6) + ']'.repeat(1e6))")
                .timeoutMillis(20_000)
                .error("RangeError", "SyntaxError", "InternalError")
                .thenInSameSandbox("6 * 7", 42L));
        c.add(js(RESOURCES, "stdout-flood", "for (;;) console.log('x'.repeat(1000))")
                .maxOutput(10_000)
                .timeoutMillis(500)
                .timeout()
                .and("output cut at the cap and flagged", r -> r.outputTruncated() && PythonCases.bytes(r) <= 10_000));
        c.add(js(
                        RESOURCES,
                        "stdout-stderr-interleaved-flood",
                        "for (let i = 0; i < 20000; i++) { console.log(i); console.error(i); } 'done'")
                .maxOutput(50_000)
                .timeoutMillis(30_000)
                .value("done")
                .and(
                        "both streams captured, cut at the combined cap",
                        r -> r.outputTruncated()
                                && PythonCases.bytes(r) <= 50_000
                                && r.stdout().startsWith("0\n1\n")
                                && r.stderr().startsWith("0\n1\n")));
        c.add(js(RESOURCES, "single-huge-write", "console.log('y'.repeat(1e7)); 'written'")
                .maxOutput(1000)
                .timeoutMillis(30_000)
                .value("written")
                .and("cut at the cap", r -> r.outputTruncated() && PythonCases.bytes(r) <= 1000));
        c.add(js(RESOURCES, "huge-result-value", "'v'.repeat(5e6)")
                .timeoutMillis(30_000)
                .valueMatches("the whole string", v -> v instanceof String s && s.length() == 5_000_000));
    }
}

package io.wasmbox.python;

import io.wasmbox.conformance.LanguageSnippets;
import io.wasmbox.spi.Json;
import java.util.List;
import java.util.Set;

final class PythonSnippets implements LanguageSnippets {
    @Override
    public String language() {
        return "python";
    }

    @Override
    public List<String> jsr223Names() {
        return List.of("python", "py", "cpython", "wasm-python");
    }

    @Override
    public String extension() {
        return "py";
    }

    @Override
    public String printLine(String text) {
        return "print(" + Json.write(text) + ")";
    }

    @Override
    public String printErrorLine(String text) {
        return "import sys\nprint(" + Json.write(text) + ", file=sys.stderr)";
    }

    @Override
    public String infiniteLoop() {
        return "while True:\n    pass";
    }

    @Override
    public String allocate(long bytes) {
        return "kept = globals().setdefault('_kept', [])\nkept.append(bytearray(" + bytes + "))\nlen(kept)";
    }

    @Override
    public String outputFlood() {
        return "while True:\n    print('x' * 100)";
    }

    @Override
    public String defineGlobal(String name, int value) {
        return name + " = " + value;
    }

    @Override
    public String readGlobal(String name) {
        return name;
    }

    @Override
    public String isGlobalDefined(String name) {
        return Json.write(name) + " in globals()";
    }

    @Override
    public String readFile(String path) {
        return "open(" + Json.write(path) + ").read()";
    }

    @Override
    public String listDirectory(String path) {
        return "import os\nos.listdir(" + Json.write(path) + ")";
    }

    @Override
    public String connect(String host, int port) {
        return "import socket\ns = socket.socket()\ns.connect((" + Json.write(host) + ", " + port + "))";
    }

    @Override
    public Set<String> networkErrorTypes() {
        return Set.of("OSError", "PermissionError");
    }

    @Override
    public Set<String> undefinedNameErrorTypes() {
        return Set.of("NameError");
    }

    @Override
    public String readEnv(String name) {
        return "import os\nos.environ.get(" + Json.write(name) + ")";
    }

    @Override
    public String environment() {
        return "import os\ndict(os.environ)";
    }

    @Override
    public String runProcess(String command) {
        return "import os\nos.system(" + Json.write(command) + ")";
    }

    @Override
    public String throwOnLine2(String message) {
        return "x = 1\nraise ValueError(" + Json.write(message) + ")";
    }

    @Override
    public String errorType() {
        return "ValueError";
    }

    @Override
    public String syntaxErrorOnLine2() {
        return "x = 1\nif x ==\n";
    }

    @Override
    public String syntaxErrorType() {
        return "SyntaxError";
    }

    @Override
    public String readStdinLine() {
        return "input()";
    }

    @Override
    public String echoStdinLine(String prefix) {
        return "print(" + Json.write(prefix) + ", input())";
    }

    @Override
    public String scriptArgs() {
        return "import sys\nsys.argv[1:]";
    }

    @Override
    public String exit(int code) {
        return "import sys\nsys.exit(" + code + ")";
    }

    @Override
    public String jsonValues() {
        return "{'s': 'x', 'i': 42, 'f': 1.5, 'b': True, 'n': None, 'l': [1, 2, 3], 'big': 2**70}";
    }

    @Override
    public String add(int a, int b) {
        return a + " + " + b;
    }

    @Override
    public String outOfMemoryErrorType() {
        return "MemoryError";
    }

    @Override
    public String callAddWithList() {
        return "add([5, 7])";
    }

    @Override
    public String catchHostError(String fn) {
        return "try:\n    " + fn + "()\n    r = 'no error'\nexcept HostFunctionError as e:\n    r = str(e)\nr";
    }

    @Override
    public String callUncaught(String fn) {
        return fn + "()";
    }

    @Override
    public String defineFunctions() {
        return "def mul(a, b):\n    return a * b\n"
                + "def greet(name):\n    return 'hi ' + name\n"
                + "def total(items):\n    return float(sum(i['price'] for i in items))\n"
                + "class Calc:\n    def add(self, a, b):\n        return a + b\n"
                + "calc = Calc()";
    }

    @Override
    public String clockAndRandom() {
        return "import time, datetime, random\n"
                + "[time.time(), datetime.datetime.now(datetime.timezone.utc).isoformat(), random.random()]";
    }
}

package io.wasmbox.benchmarks;

/**
 * Every workload of the suite, defined once: per language a prelude (definitions, run once when a
 * session is prepared, not timed) and the expression that is timed, plus the value that expression must
 * return in every engine. The same text runs in Wasmbox, in the JVM peers and in the native reference
 * scripts ({@link NativeReference}), so the engines run the same code.
 *
 * <p>The JavaScript sticks to ES5 syntax (var, function) so Rhino and Nashorn run it unchanged. Every
 * timed expression returns an integer, compared after {@link #canonical}.
 */
public enum Workload {
    /** {@code 1+1}: warm evaluation of a tiny script, and the first result of a fresh sandbox. */
    ONE_PLUS_ONE("onePlusOne", "1+1", "", "1+1", "", "1+1", 2),

    /** The host calling a guest function with two arguments ({@code invoke("add", 1, 2)}). */
    INVOKE(
            "invokeFunction",
            "invoke add(1, 2)",
            "function add(a, b) { return a + b; }",
            "add(1, 2)",
            "def add(a, b):\n    return a + b\n",
            "add(1, 2)",
            3),

    /** The guest calling the bound host function {@code noop(x)} (returns x) {@value #HOST_CALLS} times. */
    HOST_CALL(
            "hostCall",
            "host function round trip",
            "function call_host(n) { var s = 0; for (var i = 0; i < n; i++) { s += noop(i); } return s; }",
            "call_host(" + Workload.HOST_CALLS + ")",
            "def call_host(n):\n    s = 0\n    for i in range(n):\n        s += noop(i)\n    return s\n",
            "call_host(" + Workload.HOST_CALLS + ")",
            (long) Workload.HOST_CALLS * (Workload.HOST_CALLS - 1) / 2),

    /** Sum of 0..999999 in a loop inside a function. */
    LOOP_1E6(
            "loop1e6",
            "1e6-iteration loop",
            "function bench() { var s = 0; for (var i = 0; i < 1000000; i++) { s += i; } return s; }",
            "bench()",
            """
            def bench():
                s = 0
                for i in range(1000000):
                    s += i
                return s
            """,
            "bench()",
            499999500000L),

    /** Naive recursive fib(25). */
    FIB_25(
            "fib25",
            "recursive fib(25)",
            "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
                    + "function bench() { return fib(25); }",
            "bench()",
            """
            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)
            def bench():
                return fib(25)
            """,
            "bench()",
            75025),

    /**
     * JSON.parse + JSON.stringify of a ~1 MB document (6000 records) generated in the guest by the
     * prelude; returns the length of the re-serialised text (identical in both languages).
     */
    JSON_1MB("json1mb", "JSON parse + stringify, 1 MB", """
            function makeDoc(n) {
              var items = [];
              for (var i = 0; i < n; i++) {
                items.push({id: i, name: "user" + i, email: "user" + i + "@example.com", active: i % 3 === 0,
                  score: (i * 7919) % 1000, tags: ["t" + (i % 10), "t" + (i % 7)],
                  address: {street: i + " Main Street", city: "City" + (i % 100), zip: String(10000 + i)}});
              }
              return {version: 1, items: items};
            }
            var DOC = JSON.stringify(makeDoc(6000));
            function bench() { return JSON.stringify(JSON.parse(DOC)).length; }
            """, "bench()", """
            import json
            def make_doc(n):
                items = []
                for i in range(n):
                    items.append({"id": i, "name": "user" + str(i), "email": "user" + str(i) + "@example.com",
                                  "active": i % 3 == 0, "score": (i * 7919) % 1000,
                                  "tags": ["t" + str(i % 10), "t" + str(i % 7)],
                                  "address": {"street": str(i) + " Main Street", "city": "City" + str(i % 100),
                                              "zip": str(10000 + i)}})
                return {"version": 1, "items": items}
            DOC = json.dumps(make_doc(6000), separators=(",", ":"))
            def bench():
                return len(json.dumps(json.loads(DOC), separators=(",", ":")))
            """, "bench()", Workload.JSON_LENGTH),

    /** 100,000 appends to a list of strings, then one join; returns the joined length. */
    STRING_BUILD(
            "stringBuild",
            "string building, 100k appends + join",
            "function bench() { var parts = []; for (var i = 0; i < 100000; i++) { parts.push(\"item\" + i); }"
                    + " return parts.join(\",\").length; }",
            "bench()",
            """
            def bench():
                parts = []
                for i in range(100000):
                    parts.append("item" + str(i))
                return len(",".join(parts))
            """,
            "bench()",
            988889),

    /**
     * Two regular expressions over a generated ~1 MB access log (10,000 lines): every e-mail address, and
     * the lines (multiline anchors) with a 5xx status; returns the number of matches.
     */
    REGEX("regex", "regex over a 1 MB log", """
            function pad2(n) { return n < 10 ? "0" + n : String(n); }
            function makeLog(n) {
              var lines = [];
              for (var i = 0; i < n; i++) {
                lines.push("2024-" + pad2(i % 12 + 1) + "-" + pad2(i % 28 + 1) + "T" + pad2(i % 24) + ":" + pad2(i % 60)
                  + ":" + pad2((i * 7) % 60) + " INFO user" + i + "@example" + (i % 5) + ".com GET /api/items/" + i
                  + " status=" + (200 + (i % 5) * 100) + " took=" + (i % 997) + "ms");
              }
              return lines.join("\\n");
            }
            var LOG = makeLog(10000);
            function bench() {
              var emails = LOG.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}/g);
              var errors = LOG.match(/^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2} \\w+ \\S+ GET \\S+ status=5\\d\\d/gm);
              return (emails ? emails.length : 0) + (errors ? errors.length : 0);
            }
            """, "bench()", """
            import re
            def pad2(n):
                return "0" + str(n) if n < 10 else str(n)
            def make_log(n):
                lines = []
                for i in range(n):
                    lines.append("2024-" + pad2(i % 12 + 1) + "-" + pad2(i % 28 + 1) + "T" + pad2(i % 24) + ":"
                                 + pad2(i % 60) + ":" + pad2((i * 7) % 60) + " INFO user" + str(i) + "@example"
                                 + str(i % 5) + ".com GET /api/items/" + str(i) + " status=" + str(200 + (i % 5) * 100)
                                 + " took=" + str(i % 997) + "ms")
                return "\\n".join(lines)
            LOG = make_log(10000)
            EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")
            ERROR = re.compile(r"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2} \\w+ \\S+ GET \\S+ status=5\\d\\d", re.M)
            def bench():
                return len(EMAIL.findall(LOG)) + len(ERROR.findall(LOG))
            """, "bench()", 12000);

    /** Host-function calls per {@link #HOST_CALL} run. */
    public static final int HOST_CALLS = 100;

    /** Length of the re-serialised {@link #JSON_1MB} document. */
    public static final long JSON_LENGTH = 1_054_323L;

    /** The CPU-bound workloads, as JMH parameter values. */
    public static final String CPU_KEYS = "loop1e6,fib25,json1mb,stringBuild,regex";

    private final String key;
    private final String title;
    private final String jsPrelude;
    private final String jsExpression;
    private final String pyPrelude;
    private final String pyExpression;
    private final long expected;

    Workload(
            String key,
            String title,
            String jsPrelude,
            String jsExpression,
            String pyPrelude,
            String pyExpression,
            long expected) {
        this.key = key;
        this.title = title;
        this.jsPrelude = jsPrelude;
        this.jsExpression = jsExpression;
        this.pyPrelude = pyPrelude;
        this.pyExpression = pyExpression;
        this.expected = expected;
    }

    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    public String prelude(Language language) {
        return language == Language.PYTHON ? pyPrelude : jsPrelude;
    }

    /** The timed expression. */
    public String expression(Language language) {
        return language == Language.PYTHON ? pyExpression : jsExpression;
    }

    public long expected() {
        return expected;
    }

    public static Workload byKey(String key) {
        for (Workload w : values()) {
            if (w.key.equals(key)) return w;
        }
        throw new IllegalArgumentException("no workload " + key);
    }

    /** Fails loudly unless {@code value} is this workload's expected result. */
    public Object verify(String engine, Object value) {
        String got = canonical(value);
        if (!got.equals(Long.toString(expected))) {
            throw new IllegalStateException(engine + " / " + key + ": expected " + expected + " but got " + got
                    + (value == null ? "" : " (" + value.getClass().getName() + ")"));
        }
        return value;
    }

    /** Integral numbers as plain integers whatever their Java type, anything else as its string. */
    public static String canonical(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 0x1p53) return Long.toString((long) d);
            return n.toString();
        }
        if (value instanceof CharSequence cs) {
            String s = cs.toString();
            return s.matches("-?\\d+(\\.0+)?") ? s.replaceAll("\\.0+$", "") : s;
        }
        return String.valueOf(value);
    }
}

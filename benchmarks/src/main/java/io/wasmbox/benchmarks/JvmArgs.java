package io.wasmbox.benchmarks;

/** JVM arguments of the benchmark forks, as annotation constants. */
final class JvmArgs {
    private JvmArgs() {}

    /** The flags README.md asks users to add (let HotSpot compile the interpreters' huge methods). */
    static final String JIT_1 = "-XX:-DontCompileHugeMethods";

    static final String JIT_2 = "-XX:MaxNodeLimit=240000";
    static final String JIT_3 = "-XX:NodeLimitFudgeFactor=8000";
    /** Deep recursion in the interpreters (fib) and in Rhino/Nashorn compiled code. */
    static final String STACK = "-Xss16m";
    /** GraalVM community on a stock JDK: Truffle interprets; silence the warning that says so. */
    static final String GRAAL_QUIET = "-Dpolyglot.engine.WarnInterpreterOnly=false";

    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";
}

package io.wasmbox.security;

import io.wasmbox.ExecutionResult;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.WasmboxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One adversarial case: a name, a family, a language, the hostile code, the sandbox's limits and run
 * options, and the documented outcome. Cases are rows of the tables in {@link PythonCases}, {@link
 * JsCases} and {@link TypeScriptCases}; {@link CaseRunner} runs them all the same way.
 */
final class Case {
    enum Family {
        FILESYSTEM("fs"),
        NETWORK("net"),
        ENVIRONMENT("env"),
        PROCESSES("proc"),
        CLOCKS("clock"),
        INTROSPECTION("introspect"),
        HOST_FUNCTIONS("hostfn"),
        RESOURCES("resource"),
        BAD_INPUT("input");

        final String prefix;

        Family(String prefix) {
            this.prefix = prefix;
        }
    }

    /** What the case must end in. */
    enum Outcome {
        /** The run succeeds (exit 0) and its value passes the value check. */
        VALUE,
        /** The run ends with an uncaught guest error of one of the listed types; the sandbox stays usable. */
        GUEST_ERROR,
        /** The run is stopped at its timeout: timeoutHit, exit 124, ExecutionTimeoutException, sandbox discarded. */
        TIMEOUT,
        /** The guest hits its memory cap: memoryLimitHit, MemoryLimitException. */
        MEMORY_LIMIT,
        /** The guest machine failed (stack overflow, process exit...): a typed error, the sandbox discarded. */
        CRASH,
        /** The run ends with this exit code and no error. */
        EXIT,
        /** Nothing runs: the API rejects the input with this exception class. */
        REJECTED,
    }

    /** Something the case does instead of a plain run (bad input, absurd limits): returns a result or throws. */
    @FunctionalInterface
    interface Action {
        ExecutionResult perform(CaseRunner.Context context) throws Exception;
    }

    final String language;
    final Family family;
    final String name;
    final String code;
    Limits limits = CaseRunner.DEFAULT_LIMITS;
    RunOptions runOptions = RunOptions.none();
    final Map<String, HostFunction> bindings = new LinkedHashMap<>();
    Action action;
    /** Binds {@code reenter()}: a host function that tries to run code in the case's own sandbox. */
    boolean bindReenter;

    Outcome outcome;
    Object expectedValue;
    Predicate<Object> valueCheck;
    String valueDescription;
    Set<String> errorTypes = Set.of();
    String messageFragment;
    int exitCode;
    Class<? extends Exception> rejectedWith;
    Predicate<ExecutionResult> extraCheck;
    String extraDescription;
    /** Code run next in the same sandbox, with its expected value: the hostile run did not break the driver. */
    String followUp;

    Object followUpValue;
    /** Longest a timeout case may take past its timeout for this case alone (the p99 bound is separate). */
    Duration timeoutSlack = Duration.ofMillis(1500);

    Case(String language, Family family, String name, String code) {
        this.language = language;
        this.family = family;
        this.name = name;
        this.code = code;
    }

    /** {@code py/fs/etc-passwd}: language, family, case. */
    String id() {
        return CaseRunner.shortLanguage(language) + "/" + family.prefix + "/" + name;
    }

    @Override
    public String toString() {
        return id();
    }

    // ---- fluent set-up -----------------------------------------------------------------------------

    Case limits(Limits limits) {
        this.limits = limits;
        return this;
    }

    Case timeoutMillis(long millis) {
        this.limits = limits.toBuilder().timeoutMillis(millis).build();
        return this;
    }

    Case memoryMiB(long mib) {
        this.limits = limits.toBuilder().memoryMiB(mib).build();
        return this;
    }

    Case maxOutput(long bytes) {
        this.limits = limits.toBuilder().maxOutputBytes(bytes).build();
        return this;
    }

    Case options(RunOptions options) {
        this.runOptions = options;
        return this;
    }

    Case bind(String name, HostFunction function) {
        bindings.put(name, function);
        return this;
    }

    Case action(Action action) {
        this.action = action;
        return this;
    }

    /** The case binds the suite's standard host functions ({@link HostFunctions#standard()}). */
    Case withHostFunctions() {
        HostFunctions.standard().forEach(this::bind);
        return this;
    }

    Case withReenter() {
        bindReenter = true;
        return this;
    }

    // ---- expectations --------------------------------------------------------------------------------

    Case value(Object expected) {
        outcome = Outcome.VALUE;
        expectedValue = expected;
        return this;
    }

    Case valueMatches(String description, Predicate<Object> check) {
        outcome = Outcome.VALUE;
        valueDescription = description;
        valueCheck = check;
        return this;
    }

    Case error(String... types) {
        outcome = Outcome.GUEST_ERROR;
        errorTypes = Set.copyOf(Arrays.asList(types));
        return this;
    }

    Case errorWithMessage(String type, String fragment) {
        error(type);
        messageFragment = fragment;
        return this;
    }

    Case timeout() {
        outcome = Outcome.TIMEOUT;
        return this;
    }

    Case memoryLimit() {
        outcome = Outcome.MEMORY_LIMIT;
        return this;
    }

    Case crash(String... types) {
        outcome = Outcome.CRASH;
        errorTypes = Set.copyOf(Arrays.asList(types));
        return this;
    }

    Case exit(int code) {
        outcome = Outcome.EXIT;
        exitCode = code;
        return this;
    }

    Case rejected(Class<? extends WasmboxException> type) {
        return rejectedWithAny(type);
    }

    Case rejectedWithAny(Class<? extends Exception> type) {
        outcome = Outcome.REJECTED;
        rejectedWith = type;
        return this;
    }

    Case and(String description, Predicate<ExecutionResult> check) {
        Predicate<ExecutionResult> previous = extraCheck;
        extraCheck = previous == null ? check : previous.and(check);
        extraDescription = extraDescription == null ? description : extraDescription + "; " + description;
        return this;
    }

    Case thenInSameSandbox(String code, Object expected) {
        followUp = code;
        followUpValue = expected;
        return this;
    }

    Case timeoutSlack(Duration slack) {
        this.timeoutSlack = slack;
        return this;
    }

    static List<Case> all(List<Case> cases) {
        for (Case c : cases) {
            if (c.outcome == null) throw new IllegalStateException(c.id() + " has no expected outcome");
        }
        return cases;
    }
}

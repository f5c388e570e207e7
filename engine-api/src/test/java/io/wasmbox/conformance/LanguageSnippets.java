package io.wasmbox.conformance;

import java.util.List;
import java.util.Set;

/**
 * The only language-specific part of the conformance kit: small programs that do one thing each. Every
 * snippet is a complete script; "value" snippets end with an expression whose value is the script's
 * result.
 */
public interface LanguageSnippets {
    /** Language name as given to {@code Wasmbox.interpreter}. */
    String language();

    /** Other names JSR-223 must answer to. */
    List<String> jsr223Names();

    /** A file extension the language owns. */
    String extension();

    /** Prints {@code text} followed by a newline to stdout. */
    String printLine(String text);

    /** Prints {@code text} followed by a newline to stderr. */
    String printErrorLine(String text);

    /** Loops forever doing nothing. */
    String infiniteLoop();

    /** Allocates and keeps {@code bytes} bytes. */
    String allocate(long bytes);

    /** Prints lines forever. */
    String outputFlood();

    /** Defines global {@code name} with the integer {@code value}. */
    String defineGlobal(String name, int value);

    /** Evaluates to global {@code name}; an error if undefined. */
    String readGlobal(String name);

    /** Evaluates to whether global {@code name} is defined (true/false), never an error. */
    String isGlobalDefined(String name);

    /** Evaluates to the text of the file at {@code path}. */
    String readFile(String path);

    /** Evaluates to the list of names in directory {@code path}. */
    String listDirectory(String path);

    /** Opens a network connection to {@code host:port}. */
    String connect(String host, int port);

    /**
     * The guest error types {@link #connect} may raise when the network is unreachable (e.g. Python's
     * {@code OSError}, JavaScript's {@code ReferenceError} for the absent {@code fetch}); empty accepts any.
     */
    default Set<String> networkErrorTypes() {
        return Set.of();
    }

    /** The guest error type raised by calling a function that does not exist. */
    default Set<String> undefinedNameErrorTypes() {
        return Set.of();
    }

    /** Evaluates to the value of environment variable {@code name}, or null. */
    String readEnv(String name);

    /** Evaluates to the full environment as an object. */
    String environment();

    /** Starts a host process running {@code command}. */
    String runProcess(String command);

    /** Line 1: a harmless statement; line 2: throws an error of {@link #errorType()} with {@code message}. */
    String throwOnLine2(String message);

    /** The type name the guest reports for {@link #throwOnLine2}. */
    String errorType();

    /** A syntax error on line 2. */
    String syntaxErrorOnLine2();

    /** Evaluates to the guest's type name for a syntax error. */
    String syntaxErrorType();

    /** Evaluates to one line read from stdin. */
    String readStdinLine();

    /** Prints {@code prefix}, a space and one line read from stdin (a one-line program, for jrunscript -e). */
    String echoStdinLine(String prefix);

    /** Evaluates to the list of script arguments (excluding the script name). */
    String scriptArgs();

    /** Exits with {@code code}. */
    String exit(int code);

    /** Evaluates to {@code {"s": "x", "i": 42, "f": 1.5, "b": true, "n": null, "l": [1, 2, 3], "big": 2**70}}. */
    String jsonValues();

    /** Evaluates to {@code a + b}. */
    String add(int a, int b);

    /** The guest's error type for running out of memory. */
    String outOfMemoryErrorType();

    // ---- host functions, invocation, clock (issue 4) ----

    /** Evaluates to {@code add([5, 7])}, calling the bound host function {@code add}. */
    String callAddWithList();

    /** Calls host function {@code fn()} with no arguments inside a try/catch; evaluates to the caught error's message. */
    String catchHostError(String fn);

    /** Calls host function {@code fn()} with no arguments, uncaught. */
    String callUncaught(String fn);

    /**
     * Defines global function {@code mul(a, b)} returning {@code a * b}, {@code greet(name)} returning
     * {@code "hi " + name}, {@code total(items)} returning the sum of the {@code price} fields of a list of
     * objects, and a global object {@code calc} with method {@code add(a, b)}.
     */
    String defineFunctions();

    /** Evaluates to {@code [wall clock seconds since the epoch (number), current time as ISO-8601 text, a random float]}. */
    String clockAndRandom();

    /** Code with a syntax error on line 2, for compile checks. */
    default String compileErrorOnLine2() {
        return syntaxErrorOnLine2();
    }
}

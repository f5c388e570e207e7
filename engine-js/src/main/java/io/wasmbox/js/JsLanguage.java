package io.wasmbox.js;

import io.wasmbox.Language;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageProvider;
import java.util.List;

/**
 * JavaScript on QuickJS 2025-09-13 (built for wasm32-wasi by src/main/quickjs/build.sh, driven through QuickJS's
 * embedding API), compiled to JVM bytecode at build time.
 *
 * <p>What a script sees: ECMAScript 2024 and much of 2025 (no {@code Intl}), timers ({@code setTimeout},
 * {@code setInterval}, {@code queueMicrotask}) inside the run, {@code console} ({@code log}/{@code info}/{@code debug}/{@code dir} to stdout,
 * {@code error}/{@code warn}/{@code trace}/{@code assert} to stderr, values formatted like node) and
 * {@code print}, and these Wasmbox globals, set for each run:
 *
 * <ul>
 *   <li>{@code stdin.read()}: the rest of the run's stdin as a string; {@code stdin.readLine()} (also the
 *       global {@code readLine()}): the next line without its line break, or {@code null} at the end;
 *   <li>{@code scriptArgs}: {@code [fileName, ...args]}, as {@code sys.argv} in Python and in qjs;
 *   <li>{@code env}: the run's environment variables, a frozen object (never the host's);
 *   <li>{@code exit(code)}: ends the run with that exit code (it throws; a {@code try/catch} around it
 *       can intercept it); a non-integer argument is printed to stderr and gives exit code 1;
 *   <li>the run's globals (JSON values) as global variables; the prelude runs first, in the same globals.
 * </ul>
 *
 * <p>The script is evaluated as global sloppy-mode code (an indirect {@code eval}): its completion value
 * is the result (mapped to JSON: integers to Long/BigInteger, BigInt exactly, undefined to null, Map to
 * an object, Set and typed arrays to lists, anything else JSON cannot express to its console form); a
 * promise (or thenable) result is awaited, and one that never settles is an error. {@code var} and
 * function declarations and {@code globalThis} properties persist between runs of a sandbox; top-level
 * {@code let}, {@code const} and {@code class} are local to their run. Top-level {@code await} works.
 * There is no {@code require}, {@code import()}, {@code process}, {@code fetch}, file system or Java access.
 */
public final class JsLanguage implements LanguageProvider {
    static final Language INFO = new Language(
            "javascript",
            "ECMAScript",
            "ECMAScript 2024",
            "Wasmbox QuickJS",
            "QuickJS 2025-09-13 (f113949) on WebAssembly (wasm32-wasi, Chicory 1.7.2)",
            List.of("javascript", "js", "quickjs", "wasm-js", "ecmascript"),
            List.of("js", "mjs"),
            List.of("application/javascript", "text/javascript"));

    @Override
    public Language info() {
        return INFO;
    }

    @Override
    public GuestFactory load() {
        return JsGuestFactory.shared();
    }
}

package io.wasmbox;

/**
 * What kind of failure ended a run, as the host classified it: a typed verdict kept apart from the
 * guest's own exception type name ({@link GuestError#type()}), in the manner of GraalVM's {@code
 * PolyglotException} predicates. Returned by {@link ExecutionResult#kind()}, {@link GuestError#kind()} and
 * {@link WasmboxException#kind()}.
 *
 * <p>New constants may be added in later versions: a {@code switch} over it should have a {@code default}.
 */
public enum ErrorKind {
    /** Nothing failed: the run ended normally with exit code 0 (only {@link ExecutionResult#kind()}). */
    NONE,
    /** The guest raised an error it did not catch (a Python exception, a thrown JavaScript value). */
    GUEST_ERROR,
    /**
     * The guest raised its language's syntax error (an instance of Python's or JavaScript's {@code
     * SyntaxError}, a TypeScript compile error, a Rust or C compile error): usually the script did not
     * compile.
     */
    SYNTAX,
    /** The guest exited with a non-zero exit code ({@code sys.exit(n)}, {@code exit(n)}) without an error. */
    EXIT,
    /** The run was stopped at its wall-clock timeout; the sandbox is discarded. */
    TIMEOUT,
    /** The run was stopped at its CPU-time limit ({@link Limits#cpuTime()}); the sandbox is discarded. */
    CPU_TIME,
    /** The guest ran out of its memory cap (a handled out-of-memory error or a crash at the cap). */
    MEMORY,
    /** The guest overflowed its stack and could not raise its own error; the sandbox is discarded. */
    STACK_OVERFLOW,
    /** The WebAssembly machine trapped (the guest interpreter crashed); the sandbox is discarded. */
    TRAP,
    /** The guest's thread was interrupted by something other than the timeout; the sandbox is discarded. */
    INTERRUPTED,
    /** Wasmbox or a language driver failed, not the script. */
    INTERNAL,
    /**
     * Nothing ran: the input was refused first (empty, invalid or too large code or stdin, a closed
     * sandbox, an unknown language). Only {@link WasmboxException#kind()}.
     */
    REJECTED
}

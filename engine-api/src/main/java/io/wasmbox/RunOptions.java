package io.wasmbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run gets besides its code: stdin, argv, environment, prelude, globals and a live output
 * listener. Immutable; build with {@link #builder()}. Nothing of the host leaks in by default: the
 * environment is empty, argv holds only the script name, stdin is empty.
 */
public final class RunOptions {
    private static final RunOptions NONE = new Builder().build();

    private final String stdin;
    private final java.io.InputStream stdinStream;
    private final List<String> args;
    private final Map<String, String> env;
    private final String prelude;
    private final Map<String, Object> globals;
    private final OutputListener outputListener;
    private final String fileName;
    private final java.time.Duration timeout;

    private RunOptions(Builder b) {
        this.stdin = b.stdin;
        this.stdinStream = b.stdinStream;
        this.args = List.copyOf(b.args);
        this.env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.prelude = b.prelude;
        this.globals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.globals));
        this.outputListener = b.outputListener;
        this.fileName = b.fileName;
        this.timeout = b.timeout;
    }

    public static RunOptions none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Text the guest reads from standard input ({@code input()}, {@code sys.stdin}). */
    public String stdin() {
        return stdin;
    }

    /**
     * A stream the guest reads lazily as its standard input, or null when {@link #stdin()} is used. Read
     * on the guest's thread only when the script reads stdin; bytes past the stdin limit read as end of
     * input. The stream is not closed.
     */
    public java.io.InputStream stdinStream() {
        return stdinStream;
    }

    /** Arguments after the script name ({@code sys.argv[1:]}, {@code scriptArgs}). */
    public List<String> args() {
        return args;
    }

    /** The guest's whole environment ({@code os.environ}); the host's is never visible. */
    public Map<String, String> env() {
        return env;
    }

    /** Code run before the script in the same globals; its size counts toward the code limit. */
    public String prelude() {
        return prelude;
    }

    /** JSON-mappable values set as guest globals before the script runs. */
    public Map<String, Object> globals() {
        return globals;
    }

    /** Receives stdout and stderr text while the guest runs (after the output cap is applied). */
    public OutputListener outputListener() {
        return outputListener;
    }

    /** This run's wall-clock limit instead of the sandbox's {@link Limits#timeout()}, or null. */
    public java.time.Duration timeout() {
        return timeout;
    }

    /** Name the guest reports for the script in tracebacks and {@code sys.argv[0]}. */
    public String fileName() {
        return fileName;
    }

    public static final class Builder {
        private String stdin = "";
        private java.io.InputStream stdinStream;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String prelude = "";
        private final Map<String, Object> globals = new LinkedHashMap<>();
        private OutputListener outputListener = OutputListener.NONE;
        private String fileName = null;
        private java.time.Duration timeout;

        private Builder() {}

        /** Stdin as text, checked against the stdin limit before the run starts. */
        public Builder stdin(String stdin) {
            this.stdin = Objects.requireNonNull(stdin, "stdin");
            this.stdinStream = null;
            return this;
        }

        /** Stdin read lazily from a stream, e.g. an interactive console; replaces {@link #stdin(String)}. */
        public Builder stdin(java.io.InputStream stream) {
            this.stdinStream = Objects.requireNonNull(stream, "stdin stream");
            this.stdin = "";
            return this;
        }

        public Builder args(List<String> args) {
            this.args.clear();
            for (String a : args) {
                this.args.add(Objects.requireNonNull(a, "args element"));
            }
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env.clear();
            env.forEach(this::env);
            return this;
        }

        public Builder env(String name, String value) {
            Objects.requireNonNull(name, "env name");
            Objects.requireNonNull(value, "env value");
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name: '" + name + "'");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable " + name + " contains a NUL character");
            }
            this.env.put(name, value);
            return this;
        }

        public Builder prelude(String prelude) {
            this.prelude = Objects.requireNonNull(prelude, "prelude");
            return this;
        }

        public Builder global(String name, Object value) {
            this.globals.put(Objects.requireNonNull(name, "global name"), value);
            return this;
        }

        public Builder globals(Map<String, ?> globals) {
            globals.forEach(this::global);
            return this;
        }

        public Builder outputListener(OutputListener listener) {
            this.outputListener = Objects.requireNonNull(listener, "outputListener");
            return this;
        }

        public Builder fileName(String fileName) {
            this.fileName = fileName;
            return this;
        }

        /**
         * A wall-clock limit for this run only, replacing the sandbox's (e.g. a longer one for a
         * one-time set-up script); same range as {@link Limits.Builder#timeout}.
         */
        public Builder timeout(java.time.Duration timeout) {
            this.timeout = Limits.builder().timeout(timeout).build().timeout();
            return this;
        }

        public RunOptions build() {
            return new RunOptions(this);
        }
    }
}

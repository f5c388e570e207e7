package io.wasmbox;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run gets besides its code: stdin, argv, environment, prelude, globals and a live output
 * listener. Immutable and thread-safe; build with {@link #builder()}. Nothing of the host leaks in by default: the
 * environment is empty, argv holds only the script name, stdin is empty.
 */
public final class RunOptions {
    private static final RunOptions NONE = new Builder().build();

    private final String stdin;
    private final InputStream stdinStream;
    private final List<String> args;
    private final Map<String, String> env;
    private final String prelude;
    private final Map<String, Object> globals;
    private final OutputListener outputListener;
    private final String fileName;
    private final Duration timeout;

    private RunOptions(Builder b) {
        this.stdin = b.stdin;
        this.stdinStream = b.stdinStream;
        this.args = List.copyOf(b.args);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.prelude = b.prelude;
        this.globals = Collections.unmodifiableMap(new LinkedHashMap<>(b.globals));
        this.outputListener = b.outputListener;
        this.fileName = b.fileName;
        this.timeout = b.timeout;
    }

    /**
     * No options: empty stdin, no arguments, empty environment.
     *
     * @return the shared empty options
     */
    public static RunOptions none() {
        return NONE;
    }

    /**
     * A builder starting from no options.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Text the guest reads from standard input ({@code input()}, {@code sys.stdin}).
     *
     * @return the text, empty by default
     */
    public String stdin() {
        return stdin;
    }

    /**
     * A stream the guest reads lazily as its standard input, or null when {@link #stdin()} is used. Read
     * on the guest's thread only when the script reads stdin; bytes past the stdin limit read as end of
     * input. The stream is not closed.
     *
     * @return the stream, or null
     */
    public InputStream stdinStream() {
        return stdinStream;
    }

    /**
     * Arguments after the script name ({@code sys.argv[1:]}, {@code scriptArgs}).
     *
     * @return an immutable list
     */
    public List<String> args() {
        return args;
    }

    /**
     * The guest's whole environment ({@code os.environ}); the host's is never visible.
     *
     * @return an immutable map
     */
    public Map<String, String> env() {
        return env;
    }

    /**
     * Code run before the script in the same globals; its size counts toward the code limit.
     *
     * @return the prelude, empty by default
     */
    public String prelude() {
        return prelude;
    }

    /**
     * JSON-mappable values set as guest globals before the script runs.
     *
     * @return an immutable map
     */
    public Map<String, Object> globals() {
        return globals;
    }

    /**
     * Receives stdout and stderr text while the guest runs (after the output cap is applied).
     *
     * @return the listener, {@link OutputListener#NONE} by default
     */
    public OutputListener outputListener() {
        return outputListener;
    }

    /**
     * This run's own wall-clock limit.
     *
     * @return the limit replacing the sandbox's {@link Limits#timeout()}, or null to use the sandbox's
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The wall-clock limit this run gets in a sandbox with {@code limits}: the one place the per-run
     * timeout and the sandbox's default meet.
     *
     * @param limits the sandbox's limits
     * @return this run's timeout if set, else the sandbox's
     */
    public Duration timeoutOr(Limits limits) {
        return timeout != null ? timeout : limits.timeout();
    }

    /**
     * Name the guest reports for the script in tracebacks and {@code sys.argv[0]}.
     *
     * @return the name, or null for the language's default
     */
    public String fileName() {
        return fileName;
    }

    /** Builds {@link RunOptions}. Not thread-safe. */
    public static final class Builder {
        private String stdin = "";
        private InputStream stdinStream;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String prelude = "";
        private final Map<String, Object> globals = new LinkedHashMap<>();
        private OutputListener outputListener = OutputListener.NONE;
        private String fileName = null;
        private Duration timeout;

        private Builder() {}

        /**
         * Stdin as text, checked against the stdin limit before the run starts.
         *
         * @param stdin the text
         * @return this builder
         */
        public Builder stdin(String stdin) {
            this.stdin = Objects.requireNonNull(stdin, "stdin");
            this.stdinStream = null;
            return this;
        }

        /**
         * Stdin read lazily from a stream, e.g. an interactive console; replaces {@link #stdin(String)}.
         *
         * @param stream the stream, not closed by the sandbox
         * @return this builder
         */
        public Builder stdin(InputStream stream) {
            this.stdinStream = Objects.requireNonNull(stream, "stdin stream");
            this.stdin = "";
            return this;
        }

        /**
         * Arguments after the script name, replacing any set before.
         *
         * @param args the arguments
         * @return this builder
         */
        public Builder args(List<String> args) {
            this.args.clear();
            for (String a : args) {
                this.args.add(Objects.requireNonNull(a, "args element"));
            }
            return this;
        }

        /**
         * The guest's whole environment, replacing any set before.
         *
         * @param env names to values
         * @return this builder
         * @throws IllegalArgumentException for a name that is empty or holds {@code =} or NUL, or a value with NUL
         */
        public Builder env(Map<String, String> env) {
            this.env.clear();
            env.forEach(this::env);
            return this;
        }

        /**
         * One environment variable.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException for a name that is empty or holds {@code =} or NUL, or a value with NUL
         */
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

        /**
         * Code run before the script, in the same globals.
         *
         * @param prelude the code
         * @return this builder
         */
        public Builder prelude(String prelude) {
            this.prelude = Objects.requireNonNull(prelude, "prelude");
            return this;
        }

        /**
         * One global set before the script runs.
         *
         * @param name the global's name
         * @param value a JSON-mappable value
         * @return this builder
         */
        public Builder global(String name, Object value) {
            this.globals.put(Objects.requireNonNull(name, "global name"), value);
            return this;
        }

        /**
         * Globals set before the script runs, added to those set before.
         *
         * @param globals names to JSON-mappable values
         * @return this builder
         */
        public Builder globals(Map<String, ?> globals) {
            globals.forEach(this::global);
            return this;
        }

        /**
         * Receives output while the guest runs.
         *
         * @param listener the listener; called on the guest's thread
         * @return this builder
         */
        public Builder outputListener(OutputListener listener) {
            this.outputListener = Objects.requireNonNull(listener, "outputListener");
            return this;
        }

        /**
         * The script's name in tracebacks and argv.
         *
         * @param fileName the name, or null for the language's default
         * @return this builder
         */
        public Builder fileName(String fileName) {
            this.fileName = fileName;
            return this;
        }

        /**
         * A wall-clock limit for this run only, replacing the sandbox's (e.g. a longer one for a
         * one-time set-up script); same range as {@link Limits.Builder#timeout}.
         *
         * @param timeout the limit
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Limits.checkTimeout(timeout);
            return this;
        }

        /**
         * The options.
         *
         * @return immutable options
         */
        public RunOptions build() {
            return new RunOptions(this);
        }
    }
}

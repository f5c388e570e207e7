package io.wasmbox.spi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request as the guest driver receives it, serialised with {@link #toJson()}.
 *
 * <p>{@code mode} says what to do:
 *
 * <ul>
 *   <li>{@link #RUN}: run {@code code} (after {@code prelude}); the value is the last expression's.
 *   <li>{@link #INVOKE}: call the global function {@code target} (a dotted path such as {@code
 *       calc.add} reaches a method) with {@code invokeArgs}; the value is its result.
 *   <li>{@link #GLOBAL}: the value is the global {@code target}; an undefined name is the language's
 *       name error.
 *   <li>{@link #CALLABLE}: the value is true when {@code target} names a callable global.
 *   <li>{@link #CHECK}: only compile {@code code}; a syntax error is the response's error.
 * </ul>
 *
 * <p>Every mode also gets the run's context: {@code stdin} text (or, when {@code stdinStream} is true,
 * the guest's WASI stdin fed lazily by the host, see {@link GuestContext#stdin()}), argv after the
 * script name, the environment, globals to set first, and the names of the sandbox's bound host
 * functions, which the driver defines as globals that call the language's host-call channel.
 *
 * <p>Null and empty fields are left out of the JSON (the drivers read a missing field as its empty
 * default): the guest parses every request at interpreted speed, and a plain eval's request shrinks
 * from ~200 bytes to ~40. {@code code} is always sent, even when empty.
 *
 * <p>Build one with {@link #builder(String)} (no positional list of twelve fields); {@link #toBuilder()}
 * copies one to change a field. Immutable; the lists and maps are copied.
 *
 * @param mode what to do, one of the mode constants
 * @param code the code (run, check)
 * @param fileName the script's name, or null
 * @param stdin stdin text
 * @param stdinStream true when stdin is the guest's lazy WASI stdin instead
 * @param args argv after the script name
 * @param env the guest's environment
 * @param prelude code run first
 * @param globals globals to set first
 * @param hostFunctions names of the bound host functions
 * @param target the function or global (invoke, global, callable)
 * @param invokeArgs the call's arguments (invoke)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record GuestRequest(
        String mode,
        @JsonInclude(JsonInclude.Include.ALWAYS) String code,
        String fileName,
        String stdin,
        boolean stdinStream,
        List<String> args,
        Map<String, String> env,
        String prelude,
        Map<String, JsonNode> globals,
        List<String> hostFunctions,
        String target,
        List<JsonNode> invokeArgs) {
    /** Run code. */
    public static final String RUN = "run";
    /** Call a function. */
    public static final String INVOKE = "invoke";
    /** Read a global. */
    public static final String GLOBAL = "global";
    /** Ask whether a global is callable. */
    public static final String CALLABLE = "callable";
    /** Compile only. */
    public static final String CHECK = "check";

    /** Copies the collections; absent collections and texts become empty. */
    public GuestRequest {
        code = code == null ? "" : code;
        stdin = stdin == null ? "" : stdin;
        prelude = prelude == null ? "" : prelude;
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        globals = globals == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(globals));
        hostFunctions = hostFunctions == null ? List.of() : List.copyOf(hostFunctions);
        invokeArgs = invokeArgs == null ? List.of() : List.copyOf(invokeArgs);
    }

    /**
     * A builder for a request in this mode.
     *
     * @param mode one of the mode constants
     * @return a new builder
     */
    public static Builder builder(String mode) {
        return new Builder(mode);
    }

    /**
     * A builder holding this request's fields, to change some.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(mode)
                .code(code)
                .fileName(fileName)
                .stdin(stdin, stdinStream)
                .args(args)
                .env(env)
                .prelude(prelude)
                .globals(globals)
                .hostFunctions(hostFunctions)
                .target(target)
                .invokeArgs(invokeArgs);
    }

    /**
     * True when the request carries no context of its own (no file name, stdin, args, environment, prelude or
     * globals): the language modules send such a run or invoke in a short form instead of this JSON.
     *
     * @return whether only the mode, code or target, host function names and invoke arguments are set
     */
    public boolean hasPlainContext() {
        return fileName == null
                && stdin.isEmpty()
                && !stdinStream
                && args.isEmpty()
                && env.isEmpty()
                && prelude.isEmpty()
                && globals.isEmpty();
    }

    /**
     * The request as the drivers read it.
     *
     * @return JSON text
     */
    public String toJson() {
        return Json.write(this);
    }

    /** Builds a {@link GuestRequest}. Not thread-safe. */
    public static final class Builder {
        private final String mode;
        private String code = "";
        private String fileName;
        private String stdin = "";
        private boolean stdinStream;
        private List<String> args = List.of();
        private Map<String, String> env = Map.of();
        private String prelude = "";
        private Map<String, JsonNode> globals = Map.of();
        private List<String> hostFunctions = List.of();
        private String target;
        private List<JsonNode> invokeArgs = List.of();

        private Builder(String mode) {
            this.mode = mode;
        }

        /**
         * The code.
         *
         * @param code the code
         * @return this builder
         */
        public Builder code(String code) {
            this.code = code;
            return this;
        }

        /**
         * The script's name.
         *
         * @param fileName the name, or null
         * @return this builder
         */
        public Builder fileName(String fileName) {
            this.fileName = fileName;
            return this;
        }

        /**
         * Stdin.
         *
         * @param text stdin text
         * @param stream true when stdin is the guest's lazy WASI stdin instead
         * @return this builder
         */
        public Builder stdin(String text, boolean stream) {
            this.stdin = text;
            this.stdinStream = stream;
            return this;
        }

        /**
         * Argv after the script name.
         *
         * @param args the arguments
         * @return this builder
         */
        public Builder args(List<String> args) {
            this.args = args;
            return this;
        }

        /**
         * The guest's environment.
         *
         * @param env names to values
         * @return this builder
         */
        public Builder env(Map<String, String> env) {
            this.env = env;
            return this;
        }

        /**
         * Code run first.
         *
         * @param prelude the code
         * @return this builder
         */
        public Builder prelude(String prelude) {
            this.prelude = prelude;
            return this;
        }

        /**
         * Globals to set first.
         *
         * @param globals names to JSON values
         * @return this builder
         */
        public Builder globals(Map<String, JsonNode> globals) {
            this.globals = globals;
            return this;
        }

        /**
         * Names of the bound host functions.
         *
         * @param names the names
         * @return this builder
         */
        public Builder hostFunctions(List<String> names) {
            this.hostFunctions = names;
            return this;
        }

        /**
         * The function or global the request is about.
         *
         * @param target a global name or dotted path
         * @return this builder
         */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /**
         * The call's arguments.
         *
         * @param args JSON values
         * @return this builder
         */
        public Builder invokeArgs(List<JsonNode> args) {
            this.invokeArgs = args;
            return this;
        }

        /**
         * The request.
         *
         * @return an immutable request
         */
        public GuestRequest build() {
            return new GuestRequest(
                    mode,
                    code,
                    fileName,
                    stdin,
                    stdinStream,
                    args,
                    env,
                    prelude,
                    globals,
                    hostFunctions,
                    target,
                    invokeArgs);
        }
    }
}

package io.wasmbox.spi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
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
    public static final String RUN = "run";
    public static final String INVOKE = "invoke";
    public static final String GLOBAL = "global";
    public static final String CALLABLE = "callable";
    public static final String CHECK = "check";

    public String toJson() {
        return Json.write(this);
    }
}

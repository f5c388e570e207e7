package io.wasmbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.spi.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A host function a sandbox grants its guest, bound with {@link Sandbox#bind}. In the guest it is a
 * plain global function; its arguments and result cross the boundary as JSON. An exception it throws
 * becomes a catchable guest exception ({@code HostFunctionError}) carrying only the exception's message:
 * no Java class names or stack frames reach the guest.
 *
 * <p>It runs on the guest's thread, inside the run's timeout: a slow callback counts against the run.
 */
@FunctionalInterface
public interface HostFunction {
    /**
     * @param args the guest's arguments, as JSON
     * @return the result as JSON (null means JSON null)
     */
    JsonNode call(List<JsonNode> args) throws Exception;

    /** A function of the arguments as plain Java values (Map, List, Long, Double, String, Boolean, null). */
    static HostFunction of(Function<List<Object>, Object> fn) {
        return args -> {
            List<Object> values = new ArrayList<>(args.size());
            for (JsonNode arg : args) values.add(Json.toJava(arg));
            return Json.toTree(fn.apply(values));
        };
    }

    /** A one-argument function; the guest's first argument is converted to {@code type} by Jackson. */
    static <T> HostFunction of(Class<T> type, Function<? super T, ?> fn) {
        return args -> {
            T value = args.isEmpty() ? null : Json.convert(args.getFirst(), type);
            return Json.toTree(fn.apply(value));
        };
    }
}

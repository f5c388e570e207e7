package io.wasmbox;

import io.wasmbox.spi.Json;
import java.util.List;
import java.util.function.Function;

/**
 * A host function a sandbox grants its guest, bound with {@link Sandbox#bind}. In the guest it is a
 * plain global function; its arguments and result cross the boundary as JSON and reach Java as plain
 * values. An exception it throws becomes a catchable guest exception ({@code HostFunctionError})
 * carrying only the exception's message: no Java class names or stack frames reach the guest.
 *
 * <p>It runs on the guest's thread, inside the run's timeout: a slow callback counts against the run.
 * One function may be bound on many sandboxes and then runs on many threads at once: implementations
 * must be thread-safe when they are shared.
 */
@FunctionalInterface
public interface HostFunction {
    /**
     * Called when the guest calls the function.
     *
     * @param args the guest's arguments as plain Java values: {@code Map<String, Object>} for objects,
     *     {@code List<Object>} for arrays, {@code Long} or {@code BigInteger} for integers, {@code Double}
     *     for other numbers, {@code String}, {@code Boolean} and {@code null}; an immutable list
     * @return the result, any value Jackson can map to JSON (plain values, records, beans, maps, lists);
     *     null is the guest's null
     * @throws Exception any failure; the guest sees only its message
     */
    Object call(List<Object> args) throws Exception;

    /**
     * A function of the arguments as plain Java values (the same as a lambda for {@link #call}; kept for
     * readability at call sites).
     *
     * @param fn the function
     * @return a host function calling {@code fn}
     */
    static HostFunction of(Function<List<Object>, Object> fn) {
        return fn::apply;
    }

    /**
     * A one-argument function; the guest's first argument is converted to {@code type} by Jackson (a
     * record or bean from a guest object, a number type, a {@code String}...).
     *
     * @param type the Java type of the argument
     * @param fn the function; it gets null when the guest passes no argument
     * @param <T> the argument's type
     * @return a host function calling {@code fn}
     */
    static <T> HostFunction of(Class<T> type, Function<? super T, ?> fn) {
        return args -> fn.apply(args.isEmpty() ? null : Json.convert(args.getFirst(), type));
    }
}

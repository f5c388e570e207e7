package io.wasmbox.spi;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Replacing the handles of some of a guest's imported host functions (WASI's, typically): the one loop
 * every language used to write for itself. Stateless and thread-safe.
 */
public final class WasiFunctions {
    private WasiFunctions() {}

    /**
     * A copy of {@code functions} where each function {@code which} accepts has its handle wrapped.
     *
     * @param functions the functions, not changed
     * @param which the functions to wrap
     * @param wrap gets a function's current handle, returns its new one (the same handle leaves it as it is)
     * @return the new array
     */
    public static HostFunction[] wrap(
            HostFunction[] functions, Predicate<HostFunction> which, UnaryOperator<WasmFunctionHandle> wrap) {
        HostFunction[] out = functions.clone();
        for (int i = 0; i < out.length; i++) {
            HostFunction f = out[i];
            if (!which.test(f)) continue;
            WasmFunctionHandle handle = wrap.apply(f.handle());
            if (handle != f.handle()) out[i] = new HostFunction(f.module(), f.name(), f.functionType(), handle);
        }
        return out;
    }

    /**
     * {@link #wrap(HostFunction[], Predicate, UnaryOperator)} of the functions named {@code name}.
     *
     * @param functions the functions, not changed
     * @param name the function's import name, e.g. {@code fd_write}
     * @param wrap gets the function's current handle, returns its new one
     * @return the new array
     */
    public static HostFunction[] wrap(HostFunction[] functions, String name, UnaryOperator<WasmFunctionHandle> wrap) {
        return wrap(functions, f -> f.name().equals(name), wrap);
    }
}

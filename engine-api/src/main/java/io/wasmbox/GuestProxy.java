package io.wasmbox;

import io.wasmbox.spi.Json;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/** Java interfaces implemented by guest functions (see {@link Sandbox#asInterface}). */
final class GuestProxy {
    private GuestProxy() {}

    static <T> T create(Sandbox sandbox, String prefix, Class<T> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) return objectMethod(proxy, method, args, type);
            if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
            ExecutionResult r = sandbox.invoke(prefix + method.getName(), args == null ? new Object[0] : args);
            r.valueOrThrow();
            if (method.getReturnType() == void.class) return null;
            return Json.convertToType(r.valueTree(), method.getGenericReturnType());
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** The abstract methods of {@code type} the guest does not define as functions (interface introspection). */
    static List<String> missingFunctions(Sandbox sandbox, String objectPath, Class<?> type) {
        String prefix = objectPath == null ? "" : objectPath + ".";
        List<String> missing = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && !sandbox.hasFunction(prefix + m.getName())) {
                missing.add(prefix + m.getName());
            }
        }
        return missing;
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args, Class<?> type) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "guest implementation of " + type.getName();
        };
    }
}

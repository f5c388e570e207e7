package io.wasmbox;

import com.fasterxml.jackson.databind.JavaType;
import io.wasmbox.spi.Json;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

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
            JavaType returnType = Json.MAPPER.getTypeFactory().constructType(method.getGenericReturnType());
            return Json.MAPPER.convertValue(r.valueJson(), returnType);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args, Class<?> type) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "guest implementation of " + type.getName();
        };
    }
}

package io.wasmbox.plugins;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * An extension as the product sees it: a Java object implementing the extension interface whose calls go
 * to whatever version of the plugin is loaded at call time (so it survives a reload), through {@link
 * ScriptPlugin#call}.
 */
final class ExtensionProxy implements InvocationHandler {
    private final PluginHost host;
    private final String pluginId;
    private final Class<?> type;

    private ExtensionProxy(PluginHost host, String pluginId, Class<?> type) {
        this.host = host;
        this.pluginId = pluginId;
        this.type = type;
    }

    static <T> T create(PluginHost host, String pluginId, Class<T> type) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, new ExtensionProxy(host, pluginId, type)));
    }

    /** The plugin id behind {@code extension}, or null when it is not one of ours. */
    static String pluginIdOf(Object extension) {
        if (extension == null || !Proxy.isProxyClass(extension.getClass())) return null;
        return Proxy.getInvocationHandler(extension) instanceof ExtensionProxy p ? p.pluginId : null;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> type.getSimpleName() + " from plugin '" + pluginId + "'";
            };
        }
        if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
        return host.runningPlugin(pluginId).call(type, method, args);
    }
}

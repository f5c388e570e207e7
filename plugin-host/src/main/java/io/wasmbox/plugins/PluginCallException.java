package io.wasmbox.plugins;

/**
 * The plugin's guest failed this call: its cause is the typed Wasmbox exception ({@code
 * GuestException} with the guest traceback, {@code ExecutionTimeoutException}, {@code
 * MemoryLimitException}), or the conversion error when it returned an unusable value. The message says
 * when the failure got the plugin disabled.
 */
public final class PluginCallException extends PluginException {
    private static final long serialVersionUID = 1L;
    private final boolean disabledThePlugin;

    PluginCallException(String pluginId, String message, Throwable cause, boolean disabledThePlugin) {
        super(pluginId, message, cause);
        this.disabledThePlugin = disabledThePlugin;
    }

    /** True when this failure got the plugin disabled. */
    public boolean disabledThePlugin() {
        return disabledThePlugin;
    }
}

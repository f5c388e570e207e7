package io.wasmbox.plugins;

/** A call into a plugin's extension failed or could not be made. */
public abstract sealed class PluginException extends RuntimeException
        permits PluginCallException, PluginUnavailableException {
    private static final long serialVersionUID = 1L;
    private final String pluginId;

    PluginException(String pluginId, String message, Throwable cause) {
        super(message, cause);
        this.pluginId = pluginId;
    }

    public String pluginId() {
        return pluginId;
    }
}

package io.wasmbox.plugins;

/**
 * The call was not sent to the plugin: it is stopped, disabled, unloaded, no longer implements the
 * interface, or (see {@link #rateLimited()}) over its calls-per-second limit.
 */
public final class PluginUnavailableException extends PluginException {
    private static final long serialVersionUID = 1L;
    private final boolean rateLimited;

    PluginUnavailableException(String pluginId, String message, boolean rateLimited) {
        super(pluginId, message, null);
        this.rateLimited = rateLimited;
    }

    /** True when the call was refused by the plugin's calls-per-second limit; it may succeed later. */
    public boolean rateLimited() {
        return rateLimited;
    }
}

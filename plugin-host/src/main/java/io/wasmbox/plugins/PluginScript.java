package io.wasmbox.plugins;

/**
 * A plugin's entry script, read once when the plugin is loaded (a later change on disk takes effect at
 * reload, never half-way through a plugin's life).
 *
 * @param fileName the script's path inside the plugin, used in guest tracebacks
 * @param language the Wasmbox language id chosen by the file's extension
 * @param code the script's text
 */
record PluginScript(String fileName, String language, String code) {}

package io.wasmbox;

/**
 * Receives the guest's output as it is written, already cut at the output limit. Called on the thread
 * running the guest: keep it quick and do not call back into the sandbox.
 */
public interface OutputListener {
    /** A listener that ignores everything. */
    OutputListener NONE = new OutputListener() {};

    /**
     * Text the guest wrote to standard output.
     *
     * @param text whole UTF-8 characters, in order
     */
    default void stdout(String text) {}

    /**
     * Text the guest wrote to standard error.
     *
     * @param text whole UTF-8 characters, in order
     */
    default void stderr(String text) {}
}

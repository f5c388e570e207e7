package io.wasmbox;

/**
 * Receives the guest's output as it is written, already cut at the output limit. Called on the thread
 * running the guest: keep it quick and do not call back into the sandbox.
 */
public interface OutputListener {
    OutputListener NONE = new OutputListener() {};

    default void stdout(String text) {}

    default void stderr(String text) {}
}

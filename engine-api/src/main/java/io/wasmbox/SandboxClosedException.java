package io.wasmbox;

/** The sandbox was closed, or was discarded after a timeout or a crash of its guest. */
public final class SandboxClosedException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    public SandboxClosedException(String message) {
        super(message);
    }
}

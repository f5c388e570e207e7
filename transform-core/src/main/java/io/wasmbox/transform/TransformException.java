package io.wasmbox.transform;

/** The script cannot be used at all (it fails when run, or does not define the function). */
public final class TransformException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransformException(String message) {
        super(message);
    }
}

package io.wasmbox.spi;

/**
 * The WASI preview 1 errno values Wasmbox returns to guests, named once (Chicory's own {@code WasiErrno}
 * is not public). Values from the WASI preview 1 specification ({@code errno} enum).
 */
public final class WasiErrno {
    /** No error. */
    public static final int SUCCESS = 0;
    /** Bad address: a pointer outside the guest's memory. */
    public static final int FAULT = 21;
    /** Invalid argument. */
    public static final int INVAL = 28;
    /** Function not supported. */
    public static final int NOSYS = 52;
    /** Not supported (by this descriptor or host). */
    public static final int NOTSUP = 58;
    /** Invalid seek (on a stream). */
    public static final int SPIPE = 70;

    private WasiErrno() {}
}

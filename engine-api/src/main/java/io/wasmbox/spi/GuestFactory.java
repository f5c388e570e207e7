package io.wasmbox.spi;

/** Creates guest instances of one language. Thread-safe; shared by every sandbox of that language. */
public interface GuestFactory {
    /** The smallest memory cap a guest of this language can start with. */
    long minimumMemoryBytes();

    /** A fresh, isolated guest ready to run code, with its memory capped and its output going where {@code context} says. */
    Guest create(GuestContext context);

    /**
     * Checks code on the caller's thread before anything runs; a language whose code must have a form
     * (a WebAssembly module) throws {@link io.wasmbox.InvalidCodeException} here. The default accepts
     * everything (interpreters report syntax errors as guest errors instead).
     */
    default void validate(String code) {}
}

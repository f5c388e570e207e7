package io.wasmbox.spi;

/** Creates guest instances of one language. Thread-safe; shared by every sandbox of that language. */
public interface GuestFactory {
    /**
     * The smallest memory cap a guest of this language can start with.
     *
     * @return bytes
     */
    long minimumMemoryBytes();

    /**
     * A fresh, isolated guest ready to run code, with its memory capped and its output going where {@code context} says.
     *
     * @param context the sandbox's memory cap, streams, clock and host functions
     * @return the guest; its sandbox closes it
     */
    Guest create(GuestContext context);
}

package io.wasmbox.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reading a language module's own resources (its driver, its WebAssembly module), the one way. */
public final class Resources {
    private Resources() {}

    /**
     * A resource next to {@code anchor} (a {@code /}-prefixed name: from the root of its module or jar).
     *
     * @param anchor a class of the module that holds the resource (resources are per module)
     * @param name the resource's name
     * @return its bytes
     * @throws IllegalStateException if it is missing
     * @throws UncheckedIOException if reading fails
     */
    public static byte[] bytes(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A resource as UTF-8 text.
     *
     * @param anchor a class of the module that holds the resource
     * @param name the resource's name
     * @return its text
     */
    public static String text(Class<?> anchor, String name) {
        return new String(bytes(anchor, name), StandardCharsets.UTF_8);
    }
}

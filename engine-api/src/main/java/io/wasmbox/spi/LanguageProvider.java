package io.wasmbox.spi;

import io.wasmbox.Language;

/**
 * A language module's entry point, found with {@link java.util.ServiceLoader} (a {@code provides} clause
 * in the module's {@code module-info.java}, or {@code META-INF/services} on the class path). For
 * language modules, not for applications. Implementations must be thread-safe: {@link #info()} may be
 * called from any thread.
 */
public interface LanguageProvider {
    /**
     * The language's description. Cheap: no guest code is loaded.
     *
     * @return the same description on every call
     */
    Language info();

    /**
     * Prepares the guest (module, set-up snapshot) for many sandboxes. Expensive; called once per JVM.
     *
     * @return the factory every sandbox of this language is made by
     */
    GuestFactory load();
}

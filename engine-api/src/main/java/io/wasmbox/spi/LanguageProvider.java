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

    /**
     * Why this language cannot run on this host (a tool it needs is missing), or null when it can (the
     * default). Cheap after its first call. An unavailable language is not listed by {@code
     * Wasmbox.languages()}, and asking for its interpreter throws with this reason.
     *
     * @return the reason, or null when the language can run here
     */
    default String unavailableReason() {
        return null;
    }
}

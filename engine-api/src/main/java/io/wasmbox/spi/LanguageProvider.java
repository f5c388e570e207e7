package io.wasmbox.spi;

/**
 * A language module's entry point, found with {@link java.util.ServiceLoader}. For language modules,
 * not for applications.
 */
public interface LanguageProvider {
    /** Cheap: no guest code is loaded. */
    LanguageInfo info();

    /** Expensive, called once per JVM: prepares the guest (module, set-up snapshot) for many sandboxes. */
    GuestFactory load();

    /**
     * Why this language cannot run on this host (a tool it needs is missing), or null when it can (the
     * default). Cheap after its first call. An unavailable language is not listed by {@code
     * Wasmbox.languages()}, and asking for its interpreter throws with this reason.
     */
    default String unavailableReason() {
        return null;
    }
}

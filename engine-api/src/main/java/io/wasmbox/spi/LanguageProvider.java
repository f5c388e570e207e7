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
}

/**
 * The service-provider interface for language modules, not for applications: exported only to the
 * Wasmbox language modules. A language provides a {@link io.wasmbox.spi.LanguageProvider} (found with
 * {@link java.util.ServiceLoader}) whose {@link io.wasmbox.spi.GuestFactory} makes {@link
 * io.wasmbox.spi.Guest}s; the shared plumbing (WASI policy, memory, snapshots, host calls, the JSON
 * request and response) lives here once.
 *
 * <p>A guest is used by one thread at a time (its sandbox serialises runs); factories and providers are
 * thread-safe.
 */
package io.wasmbox.spi;

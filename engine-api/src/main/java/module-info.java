/**
 * Wasmbox's engine API: the sandbox contract for applications ({@code io.wasmbox}), the JSR-223 layer
 * ({@code io.wasmbox.jsr223}) and, for language modules only, the shared guest plumbing ({@code
 * io.wasmbox.spi}, exported only to them). Languages are found with {@link java.util.ServiceLoader}.
 */
module io.wasmbox {
    requires transitive java.scripting;
    requires java.compiler; // SourceVersion.isIdentifier for JSR-223 binding names
    requires java.management; // JitAdvice reads the JVM's flags
    requires jdk.management;
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasi;
    requires com.fasterxml.jackson.databind;

    exports io.wasmbox;
    exports io.wasmbox.jsr223;
    exports io.wasmbox.spi to
            io.wasmbox.python,
            io.wasmbox.js,
            io.wasmbox.wasm;

    // GuestRequest is serialised by Jackson (record accessors through reflection)
    opens io.wasmbox.spi to
            com.fasterxml.jackson.databind;
    // GuestError is written by applications' Jackson (the CLI's --json, the service's results)
    opens io.wasmbox to
            com.fasterxml.jackson.databind;

    uses io.wasmbox.spi.LanguageProvider;
}

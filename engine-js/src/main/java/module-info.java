/**
 * JavaScript and TypeScript for Wasmbox: QuickJS compiled to WebAssembly and then to JVM classes at
 * build time, and the TypeScript compiler running in it. Exports nothing: applications reach it through
 * {@code io.wasmbox} ({@code Wasmbox.interpreter("js")}, {@code "ts"}) or JSR-223.
 */
module io.wasmbox.js {
    requires io.wasmbox;
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasi;
    requires com.fasterxml.jackson.databind;

    provides io.wasmbox.spi.LanguageProvider with
            io.wasmbox.js.JsLanguage,
            io.wasmbox.js.TypeScriptLanguage;
    provides javax.script.ScriptEngineFactory with
            io.wasmbox.js.JsScriptEngineFactory,
            io.wasmbox.js.TypeScriptScriptEngineFactory;
}

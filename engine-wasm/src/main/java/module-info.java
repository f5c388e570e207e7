/**
 * WebAssembly, Rust, C and C++ for Wasmbox: any WASI preview 1 module as the {@code wasm} language, and Rust and
 * C compiled to it inside bubblewrap. Exports nothing: applications reach it through {@code io.wasmbox}
 * ({@code Wasmbox.interpreter("wasm")}, {@code "rust"}, {@code "c"}) or JSR-223.
 */
module io.wasmbox.wasm {
    requires io.wasmbox;
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasi;
    requires com.dylibso.chicory.compiler;
    requires com.fasterxml.jackson.databind;

    provides io.wasmbox.spi.LanguageProvider with
            io.wasmbox.wasm.WasmLanguage,
            io.wasmbox.wasm.RustLanguage,
            io.wasmbox.wasm.CLanguage,
            io.wasmbox.wasm.CppLanguage;
    provides javax.script.ScriptEngineFactory with
            io.wasmbox.wasm.WasmScriptEngineFactory;
}

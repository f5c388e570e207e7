/**
 * Python for Wasmbox: CPython 3.13 compiled to WebAssembly (trino-wasm-python), AOT-compiled to JVM
 * bytecode. Exports nothing: applications reach it through {@code io.wasmbox} ({@code
 * Wasmbox.interpreter("python")}) or JSR-223.
 */
module io.wasmbox.python {
    requires io.wasmbox;
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasi;
    requires com.fasterxml.jackson.databind;
    requires com.google.common.jimfs;
    requires trino.wasm.python;

    provides io.wasmbox.spi.LanguageProvider with
            io.wasmbox.python.PythonLanguage;
    provides javax.script.ScriptEngineFactory with
            io.wasmbox.python.PythonScriptEngineFactory;
}

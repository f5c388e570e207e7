package io.wasmbox.python;

import io.wasmbox.conformance.HostFunctionConformanceKit;

class PythonHostFunctionTest extends HostFunctionConformanceKit {
    PythonHostFunctionTest() {
        super(new PythonSnippets());
    }
}

package io.wasmbox.python;

import io.wasmbox.conformance.SandboxConformanceKit;

class PythonConformanceTest extends SandboxConformanceKit {
    PythonConformanceTest() {
        super(new PythonSnippets());
    }
}

package io.wasmbox.python;

import io.wasmbox.conformance.Jsr223ConformanceKit;

class PythonJsr223Test extends Jsr223ConformanceKit {
    PythonJsr223Test() {
        super(new PythonSnippets());
    }
}

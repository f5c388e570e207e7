package io.wasmbox.js;

import io.wasmbox.conformance.Jsr223ConformanceKit;

class TsJsr223Test extends Jsr223ConformanceKit {
    TsJsr223Test() {
        super(new TsSnippets());
    }
}

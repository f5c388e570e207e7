package io.wasmbox.js;

import io.wasmbox.conformance.Jsr223ConformanceKit;

class JsJsr223Test extends Jsr223ConformanceKit {
    JsJsr223Test() {
        super(new JsSnippets());
    }
}

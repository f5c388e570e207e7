package io.wasmbox.js;

import io.wasmbox.conformance.SandboxConformanceKit;

class JsConformanceTest extends SandboxConformanceKit {
    JsConformanceTest() {
        super(new JsSnippets());
    }
}

package io.wasmbox.js;

import io.wasmbox.conformance.HostFunctionConformanceKit;

class JsHostFunctionConformanceTest extends HostFunctionConformanceKit {
    JsHostFunctionConformanceTest() {
        super(new JsSnippets());
    }
}

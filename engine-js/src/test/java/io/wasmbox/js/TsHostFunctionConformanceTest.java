package io.wasmbox.js;

import io.wasmbox.conformance.HostFunctionConformanceKit;

class TsHostFunctionConformanceTest extends HostFunctionConformanceKit {
    TsHostFunctionConformanceTest() {
        super(new TsSnippets());
    }
}

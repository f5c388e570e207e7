package io.wasmbox.js;

import io.wasmbox.conformance.SandboxConformanceKit;

class TsConformanceTest extends SandboxConformanceKit {
    TsConformanceTest() {
        super(new TsSnippets());
    }
}

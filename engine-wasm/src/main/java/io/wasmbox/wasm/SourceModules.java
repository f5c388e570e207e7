package io.wasmbox.wasm;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compilations of one toolchain by the SHA-256 of their source (LRU), so the same program submitted again
 * skips the compiler, and a run finds what its check before the run compiled. Compilations stopped at
 * their timeout are not kept.
 */
final class SourceModules {
    private static final int CAPACITY = 64;

    private final SandboxedCompiler compiler;
    private final Map<String, CompileResult> compiled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompileResult> eldest) {
            return size() > CAPACITY;
        }
    };

    SourceModules(SandboxedCompiler compiler) {
        this.compiler = compiler;
    }

    CompileResult compile(String source) throws InterruptedException {
        String key = ModuleCache.sha256(source.getBytes(StandardCharsets.UTF_8));
        synchronized (compiled) {
            CompileResult hit = compiled.get(key);
            if (hit != null) return hit;
        }
        CompileResult result = compiler.compile(source);
        if (!result.timedOut()) {
            synchronized (compiled) {
                compiled.put(key, result);
            }
        }
        return result;
    }
}

package io.wasmbox.wasm;

import java.time.Duration;

/**
 * What one compilation produced.
 *
 * @param module the {@code wasm32-wasi} module, or null when compilation failed
 * @param diagnostics the compiler's messages (warnings too), capped, with the work directory's paths removed
 * @param exitCode the compiler's exit status (-1 when it was stopped)
 * @param timedOut true when it was stopped at the compile timeout
 * @param duration wall-clock time of the compilation
 */
public record CompileResult(byte[] module, String diagnostics, int exitCode, boolean timedOut, Duration duration) {
    public boolean succeeded() {
        return module != null;
    }
}

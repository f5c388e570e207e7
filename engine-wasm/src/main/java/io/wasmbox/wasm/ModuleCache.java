package io.wasmbox.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.WasmModule;
import io.wasmbox.InvalidCodeException;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Compiled modules by the SHA-256 of their bytes: a module is decoded, validated and compiled to JVM
 * bytecode once, then shared by every sandbox that runs the same bytes. Least recently used entries go
 * beyond {@link #CAPACITY}; concurrent loads of one module wait for the same compilation.
 */
final class ModuleCache {
    private static final System.Logger LOG = System.getLogger(ModuleCache.class.getName());
    /** Compiled modules kept per JVM (their classes stay loaded while an entry or a running guest holds them). */
    static final int CAPACITY = 64;

    /** {@code -Dwasmbox.wasm.interpret=true}: run modules in Chicory's interpreter instead of compiling them. */
    static final boolean INTERPRET = Boolean.getBoolean("wasmbox.wasm.interpret");

    private static final ModuleCache SHARED = new ModuleCache();

    private final Map<String, CompletableFuture<CompiledModule>> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<CompiledModule>> eldest) {
            return size() > CAPACITY;
        }
    };
    private long compilations;

    static ModuleCache shared() {
        return SHARED;
    }

    /**
     * The compiled module for {@code base64} (whitespace ignored).
     *
     * @throws InvalidCodeException if the text is not base64, not a WebAssembly module, or imports
     *     anything but WASI preview 1
     */
    CompiledModule load(String base64) {
        return load(decode(base64));
    }

    CompiledModule load(byte[] bytes) {
        String sha256 = sha256(bytes);
        CompletableFuture<CompiledModule> future;
        boolean mine = false;
        synchronized (this) {
            future = entries.get(sha256);
            if (future == null) {
                future = new CompletableFuture<>();
                entries.put(sha256, future);
                mine = true;
            }
        }
        if (mine) {
            try {
                future.complete(compile(sha256, bytes));
            } catch (RuntimeException | Error e) {
                synchronized (this) {
                    entries.remove(sha256, future); // failures are not cached
                }
                future.completeExceptionally(e);
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** How many modules this cache has compiled (not served from the cache). */
    synchronized long compilations() {
        return compilations;
    }

    private CompiledModule compile(String sha256, byte[] bytes) {
        long start = System.nanoTime();
        WasmModule module = ModuleValidator.parseAndValidate(bytes);
        Function<com.dylibso.chicory.runtime.Instance, com.dylibso.chicory.runtime.Machine> machineFactory = INTERPRET
                ? com.dylibso.chicory.runtime.InterpreterMachine::new
                : MachineFactoryCompiler.builder(module)
                        .withClassName("io.wasmbox.wasm.guest.M" + sha256.substring(0, 16))
                        .withInterpreterFallback(InterpreterFallback.WARN)
                        .compile();
        synchronized (this) {
            compilations++;
        }
        LOG.log(
                Level.DEBUG,
                "compiled a {0}-byte module ({1}) in {2} ms",
                bytes.length,
                sha256.substring(0, 12),
                (System.nanoTime() - start) / 1_000_000);
        return new CompiledModule(sha256, module, machineFactory);
    }

    static byte[] decode(String base64) {
        StringBuilder compact = new StringBuilder(base64.length());
        for (int i = 0; i < base64.length(); i++) {
            char c = base64.charAt(i);
            if (!Character.isWhitespace(c)) compact.append(c);
        }
        try {
            return Base64.getDecoder().decode(compact.toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidCodeException("wasm code must be a WebAssembly module in base64: " + e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

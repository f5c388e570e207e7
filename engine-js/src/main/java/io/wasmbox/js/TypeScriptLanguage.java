package io.wasmbox.js;

import io.wasmbox.Language;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageProvider;
import java.util.List;

/**
 * TypeScript: the real TypeScript compiler ({@code ts.transpileModule}, TypeScript {@value
 * TypeScriptTranspiler#VERSION} from the typescript WebJar) erases the types in a QuickJS sandbox of its
 * own, then the JavaScript runs in a fresh JavaScript guest with exactly {@link JsLanguage}'s semantics
 * (global sloppy-mode script, last expression's value, the same globals and limits).
 *
 * <p>Types are not checked: a type error does not stop a script, a syntax error does (a {@code
 * SyntaxError} with the TypeScript line, and nothing runs). {@code import} and {@code export} statements
 * are errors (a script is not a module); type-only imports and exports are erased and allowed. Lines in
 * errors are the TypeScript source's, mapped back through the transpile's source map.
 *
 * <p>The compiler loads once per JVM on first use (seconds: it is 9 MB of JavaScript) and each transpile
 * costs about 0.1 s for a small script, far more for large ones; results are cached by source text.
 */
public final class TypeScriptLanguage implements LanguageProvider {
    static final Language INFO = new Language(
            "typescript",
            "TypeScript",
            TypeScriptTranspiler.VERSION,
            "Wasmbox TypeScript",
            "TypeScript " + TypeScriptTranspiler.VERSION + " transpileModule + " + JsLanguage.INFO.engineVersion(),
            List.of("typescript", "ts"),
            List.of("ts"),
            List.of("application/typescript", "text/typescript", "application/x-typescript"));

    @Override
    public Language info() {
        return INFO;
    }

    @Override
    public GuestFactory load() {
        return new TypeScriptGuestFactory();
    }
}

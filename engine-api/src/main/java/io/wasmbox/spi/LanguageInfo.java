package io.wasmbox.spi;

import java.util.List;

/**
 * How a language presents itself: to {@code Wasmbox.interpreter(name)}, to JSR-223 and to the CLI.
 *
 * @param id the canonical name, e.g. {@code python}
 * @param languageName the language as JSR-223 reports it, e.g. {@code Python}
 * @param languageVersion the language version the guest interpreter implements, e.g. {@code 3.13.2}
 * @param engineName the engine name, e.g. {@code Wasmbox CPython}
 * @param engineVersion the guest interpreter build, e.g. {@code CPython 3.13 (trino-wasm-python 3.13-6)}
 * @param names every name the language answers to (JSR-223 names), canonical first
 * @param extensions file extensions without the dot
 * @param mimeTypes MIME types
 */
public record LanguageInfo(
        String id,
        String languageName,
        String languageVersion,
        String engineName,
        String engineVersion,
        List<String> names,
        List<String> extensions,
        List<String> mimeTypes) {
    public LanguageInfo {
        names = List.copyOf(names);
        extensions = List.copyOf(extensions);
        mimeTypes = List.copyOf(mimeTypes);
    }
}

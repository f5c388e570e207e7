package io.wasmbox;

import java.util.List;
import java.util.Locale;

/**
 * A language Wasmbox can run, as it presents itself to {@link Wasmbox#interpreter(String)}, to JSR-223
 * and to tools: its names, versions, file extensions and MIME types. Immutable and thread-safe. Listed by
 * {@link Wasmbox#languages()}.
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
public record Language(
        String id,
        String languageName,
        String languageVersion,
        String engineName,
        String engineVersion,
        List<String> names,
        List<String> extensions,
        List<String> mimeTypes) {
    /** Copies the lists, so the description is immutable. */
    public Language {
        names = List.copyOf(names);
        extensions = List.copyOf(extensions);
        mimeTypes = List.copyOf(mimeTypes);
    }

    /**
     * Whether this language answers to a name.
     *
     * @param name an id, one of its names or a MIME type (case-insensitive); null answers nothing
     * @return true when it does
     */
    public boolean answersTo(String name) {
        if (name == null) return false;
        String key = name.trim().toLowerCase(Locale.ROOT);
        return id.equals(key)
                || mimeTypes.contains(key)
                || names.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(key));
    }
}

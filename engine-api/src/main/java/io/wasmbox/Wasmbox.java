package io.wasmbox;

import io.wasmbox.spi.LanguageProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entry point: finds the languages on the class path and hands out their shared {@link Interpreter}s.
 *
 * <pre>{@code
 * Interpreter python = Wasmbox.interpreter("python");      // prepared once per JVM
 * try (Sandbox sandbox = python.sandbox().limits(Limits.builder().memoryMiB(64).build()).build()) {
 *     ExecutionResult r = sandbox.run("print(1 + 1)\n21 * 2");
 *     r.stdout();   // "2\n"
 *     r.value();    // 42L
 * }
 * }</pre>
 *
 * <p>Thread-safe: every method may be called from any thread. Languages are found once per class loader
 * with {@link ServiceLoader}.
 */
public final class Wasmbox {
    private static final List<LanguageProvider> PROVIDERS = loadProviders();
    private static final Map<String, Interpreter> INTERPRETERS = new ConcurrentHashMap<>();

    private Wasmbox() {}

    private static List<LanguageProvider> loadProviders() {
        List<LanguageProvider> list = new ArrayList<>();
        ServiceLoader.load(LanguageProvider.class, Wasmbox.class.getClassLoader())
                .forEach(list::add);
        return List.copyOf(list);
    }

    /**
     * Every language on the class path (or module path) that can run on this host, in the order they were
     * found.
     *
     * @return an immutable list, empty when no language module is present
     */
    public static List<Language> languages() {
        return PROVIDERS.stream()
                .filter(p -> p.unavailableReason() == null)
                .map(LanguageProvider::info)
                .toList();
    }

    /**
     * Languages on the class path that cannot run on this host (a tool they need is missing).
     *
     * @return language id to the reason, in the order they were found
     */
    public static Map<String, String> unavailableLanguages() {
        Map<String, String> unavailable = new LinkedHashMap<>();
        for (LanguageProvider p : PROVIDERS) {
            String reason = p.unavailableReason();
            if (reason != null) unavailable.put(p.info().id(), reason);
        }
        return unavailable;
    }

    /**
     * The language known by this name, alias or MIME type (case-insensitive), if it can run here.
     *
     * @param nameOrAlias e.g. {@code python}, {@code py}, {@code text/javascript}; null finds nothing
     * @return the language, or empty when none answers to the name
     */
    public static Optional<Language> findLanguage(String nameOrAlias) {
        return provider(nameOrAlias).filter(p -> p.unavailableReason() == null).map(LanguageProvider::info);
    }

    /**
     * The language that handles files with this name's extension ({@code hello.py} -> python).
     *
     * @param fileName a file name or path
     * @return the language, or empty when the name has no extension a language claims
     */
    public static Optional<Language> languageForFile(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) return Optional.empty();
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return languages().stream().filter(l -> l.extensions().contains(ext)).findFirst();
    }

    /**
     * The shared interpreter of a language, prepared on first use (that first call can take a while; later
     * ones are instant).
     *
     * @param nameOrAlias a name, alias or MIME type of the language (case-insensitive)
     * @return the language's interpreter, the same instance on every call
     * @throws UnsupportedLanguageException if no language module on the class path answers to the name
     */
    public static Interpreter interpreter(String nameOrAlias) {
        LanguageProvider provider = provider(nameOrAlias)
                .orElseThrow(() -> new UnsupportedLanguageException(
                        "unsupported language '" + nameOrAlias + "'; available: " + availableNames()));
        String unavailable = provider.unavailableReason();
        if (unavailable != null) {
            throw new UnsupportedLanguageException(
                    provider.info().id() + " is not available on this host: " + unavailable);
        }
        return INTERPRETERS.computeIfAbsent(provider.info().id(), id -> new Interpreter(provider));
    }

    private static Optional<LanguageProvider> provider(String nameOrAlias) {
        return PROVIDERS.stream().filter(p -> p.info().answersTo(nameOrAlias)).findFirst();
    }

    private static String availableNames() {
        List<String> names = new ArrayList<>();
        for (LanguageProvider p : PROVIDERS) {
            if (p.unavailableReason() == null) names.addAll(p.info().names());
        }
        return names.isEmpty() ? "none (add a Wasmbox engine module to the class path)" : String.join(", ", names);
    }
}

package io.wasmbox;

import io.wasmbox.spi.LanguageInfo;
import io.wasmbox.spi.LanguageProvider;
import java.util.ArrayList;
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
 * try (Sandbox sandbox = python.newSandbox(Limits.builder().memoryMiB(64).build())) {
 *     ExecutionResult r = sandbox.run("print(1 + 1)\n21 * 2");
 *     r.stdout();   // "2\n"
 *     r.value();    // 42L
 * }
 * }</pre>
 */
public final class Wasmbox {
    private static final List<LanguageProvider> PROVIDERS = loadProviders();
    private static final Map<String, Interpreter> INTERPRETERS = new ConcurrentHashMap<>();

    private Wasmbox() {}

    private static List<LanguageProvider> loadProviders() {
        List<LanguageProvider> list = new ArrayList<>();
        ServiceLoader.load(LanguageProvider.class, Wasmbox.class.getClassLoader()).forEach(list::add);
        return List.copyOf(list);
    }

    /** Every language on the class path that can run on this host. */
    public static List<LanguageInfo> languages() {
        return PROVIDERS.stream().filter(p -> p.unavailableReason() == null).map(LanguageProvider::info).toList();
    }

    /** Languages on the class path that cannot run on this host, with the reason (language id to reason). */
    public static Map<String, String> unavailableLanguages() {
        Map<String, String> unavailable = new java.util.LinkedHashMap<>();
        for (LanguageProvider p : PROVIDERS) {
            String reason = p.unavailableReason();
            if (reason != null) unavailable.put(p.info().id(), reason);
        }
        return unavailable;
    }

    /** The language known by this name, alias or MIME type (case-insensitive), if it can run here. */
    public static Optional<LanguageInfo> findLanguage(String nameOrAlias) {
        return provider(nameOrAlias).filter(p -> p.unavailableReason() == null).map(LanguageProvider::info);
    }

    /** The language that handles files with this name's extension ({@code hello.py} -> python). */
    public static Optional<LanguageInfo> languageForFile(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) return Optional.empty();
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return languages().stream().filter(l -> l.extensions().contains(ext)).findFirst();
    }

    /**
     * The shared interpreter of a language, prepared on first use (that first call can take a while; later
     * ones are instant).
     *
     * @throws UnsupportedLanguageException if no language module on the class path answers to the name
     */
    public static Interpreter interpreter(String nameOrAlias) {
        LanguageProvider provider = provider(nameOrAlias).orElseThrow(() -> new UnsupportedLanguageException(
                "unsupported language '" + nameOrAlias + "'; available: " + availableNames()));
        String unavailable = provider.unavailableReason();
        if (unavailable != null) {
            throw new UnsupportedLanguageException(provider.info().id() + " is not available on this host: "
                    + unavailable);
        }
        return INTERPRETERS.computeIfAbsent(provider.info().id(), id -> new Interpreter(provider));
    }

    private static Optional<LanguageProvider> provider(String nameOrAlias) {
        if (nameOrAlias == null) return Optional.empty();
        String key = nameOrAlias.trim().toLowerCase(Locale.ROOT);
        return PROVIDERS.stream()
                .filter(p -> p.info().id().equals(key)
                        || p.info().names().stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(key))
                        || p.info().mimeTypes().contains(key))
                .findFirst();
    }

    private static String availableNames() {
        List<String> names = new ArrayList<>();
        for (LanguageProvider p : PROVIDERS) if (p.unavailableReason() == null) names.addAll(p.info().names());
        return names.isEmpty() ? "none (add a Wasmbox engine module to the class path)" : String.join(", ", names);
    }
}

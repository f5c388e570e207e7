package io.wasmbox.samples.service;

import io.wasmbox.Language;
import io.wasmbox.Wasmbox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The kernel specs offered: one per language whose engine is on the class path (python, javascript, typescript). */
final class KernelSpecs {
    /** One kernel spec: its name (what clients ask for), language and what {@code language_info} says. */
    record Spec(
            String name,
            String displayName,
            Language language,
            String mimetype,
            String fileExtension,
            String pygmentsLexer,
            String codemirrorMode) {
        boolean python() {
            return name.equals("python");
        }

        Map<String, Object> languageInfo() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("version", language.languageVersion());
            m.put("mimetype", mimetype);
            m.put("file_extension", fileExtension);
            m.put("pygments_lexer", pygmentsLexer);
            m.put("codemirror_mode", codemirrorMode);
            m.put("nbconvert_exporter", name.equals("python") ? "python" : "script");
            return m;
        }

        /** The {@code /api/kernelspecs} entry. */
        Map<String, Object> model() {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("argv", List.of());
            spec.put("display_name", displayName);
            spec.put("language", name);
            spec.put("interrupt_mode", "message");
            spec.put("env", Map.of());
            spec.put(
                    "metadata",
                    Map.of(
                            "wasmbox",
                            Map.of(
                                    "engine",
                                    language.engineName() + " " + language.engineVersion(),
                                    "interrupt",
                                    "stops the cell; the kernel restarts with a fresh sandbox (state is lost)")));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("spec", spec);
            m.put("resources", Map.of());
            return m;
        }
    }

    private final Map<String, Spec> specs = new LinkedHashMap<>();

    KernelSpecs() {
        add("python", "Python 3 (Wasmbox)", "text/x-python", ".py", "ipython3", "python");
        add("javascript", "JavaScript (Wasmbox)", "application/javascript", ".js", "javascript", "javascript");
        add("typescript", "TypeScript (Wasmbox)", "application/x-typescript", ".ts", "typescript", "typescript");
    }

    private void add(String name, String display, String mime, String ext, String lexer, String mode) {
        Optional<Language> language = Wasmbox.findLanguage(name);
        language.ifPresent(l -> specs.put(
                name,
                new Spec(
                        name,
                        display.replace("Python 3", "Python " + l.languageVersion()),
                        l,
                        mime,
                        ext,
                        lexer,
                        mode)));
    }

    /** The spec a client names: a spec name or any alias of its language ({@code python3}, {@code js}, ...). */
    Optional<Spec> find(String name) {
        if (name == null) return Optional.empty();
        String n = name.toLowerCase(Locale.ROOT).strip();
        if (specs.containsKey(n)) return Optional.of(specs.get(n));
        if (n.equals("python3")) return Optional.ofNullable(specs.get("python"));
        return Wasmbox.findLanguage(n)
                .flatMap(l -> specs.values().stream()
                        .filter(s -> s.language().id().equals(l.id()))
                        .findFirst());
    }

    String defaultName() {
        return specs.containsKey("python")
                ? "python"
                : specs.keySet().stream().findFirst().orElse("python");
    }

    List<String> names() {
        return new ArrayList<>(specs.keySet());
    }

    Map<String, Object> model() {
        Map<String, Object> all = new LinkedHashMap<>();
        specs.forEach((k, v) -> all.put(k, v.model()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("default", defaultName());
        m.put("kernelspecs", all);
        return m;
    }
}

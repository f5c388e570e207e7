package io.wasmbox.security;

import io.wasmbox.Wasmbox;
import java.util.ArrayList;
import java.util.List;

/** The languages the suite attacks: every engine on the class path the suite has a case table for. */
final class Languages {
    static final String PYTHON = "python";
    static final String JS = "javascript";
    static final String TYPESCRIPT = "typescript";

    private Languages() {}

    /** Python and JavaScript always; TypeScript once its engine is on the class path. */
    static List<String> all() {
        List<String> all = new ArrayList<>(List.of(PYTHON, JS));
        if (typescriptAvailable()) all.add(TYPESCRIPT);
        return all;
    }

    static boolean typescriptAvailable() {
        return Wasmbox.findLanguage(TYPESCRIPT).isPresent();
    }
}

package io.wasmbox.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hostile TypeScript, one row per case: the JavaScript table run through the TypeScript engine (tsc, then
 * the same QuickJS guest), minus {@link #NOT_PORTABLE}; add TypeScript-only rows with {@link #ts}. {@code
 * AdversarialCasesTest.typescriptCasesExistOnceTheEngineDoes} fails when the engine is on the class path
 * and this table is still empty.
 */
final class TypeScriptCases {
    private TypeScriptCases() {}

    static Case ts(Case.Family family, String name, String code) {
        return new Case(Languages.TYPESCRIPT, family, name, code);
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        if (!Languages.typescriptAvailable()) return c;
        // every JavaScript row, transpiled by tsc first; rows whose meaning changes under TypeScript are left out
        for (Case js : JsCases.forLanguage(Languages.TYPESCRIPT)) {
            if (!NOT_PORTABLE.contains(js.family.prefix + "/" + js.name)) c.add(js);
        }
        return Case.all(c);
    }

    /** JavaScript rows that do not carry over to TypeScript as they are. */
    static final Set<String> NOT_PORTABLE = Set.of();
}

package io.wasmbox.security;

import com.fasterxml.jackson.databind.node.TextNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One long-lived sandbox per language holding secrets (a global, its stdin, a bound host function), next
 * to every hostile case. After each case it must still hold them untouched and answer promptly: the case
 * neither reached into it nor disturbed it.
 */
final class Neighbours {
    private static final Map<String, Sandbox> SANDBOXES = new ConcurrentHashMap<>();

    private Neighbours() {}

    static Sandbox of(String language) {
        return SANDBOXES.computeIfAbsent(Wasmbox.interpreter(language).language(), id -> {
            Sandbox box = Wasmbox.interpreter(id).newSandbox();
            box.bind("neighbourSecret", args -> TextNode.valueOf(SuiteSecrets.NEIGHBOUR_FUNCTION));
            ExecutionResult r = box.run(
                    id.equals("python")
                            ? "neighbour_secret = " + quote(SuiteSecrets.NEIGHBOUR_GLOBAL)
                                    + "\nneighbour_stdin = input()"
                            : "var neighbour_secret = " + quote(SuiteSecrets.NEIGHBOUR_GLOBAL)
                                    + "; var neighbour_stdin = readLine();",
                    RunOptions.builder()
                            .stdin(SuiteSecrets.NEIGHBOUR_STDIN + "\n")
                            .env(Map.of("NEIGHBOUR_ENV", SuiteSecrets.NEIGHBOUR_GLOBAL))
                            .build());
            if (!r.succeeded()) throw new IllegalStateException("neighbour set-up failed: " + r);
            return box;
        });
    }

    /** What the neighbour's secrets read back as now: global, stdin line, host function, joined by '|'. */
    static Object readBack(String language) {
        Sandbox box = of(language);
        return box.eval(
                box.interpreter().language().equals("python")
                        ? "neighbour_secret + '|' + neighbour_stdin + '|' + neighbourSecret()"
                        : "neighbour_secret + '|' + neighbour_stdin + '|' + neighbourSecret()");
    }

    static String expected() {
        return SuiteSecrets.NEIGHBOUR_GLOBAL + "|" + SuiteSecrets.NEIGHBOUR_STDIN + "|"
                + SuiteSecrets.NEIGHBOUR_FUNCTION;
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}

package io.wasmbox.benchmarks;

import io.wasmbox.benchmarks.contenders.Contender;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every workload once in every engine and checks its result, without JMH: the quick "does the suite
 * work" check. {@code java -cp benchmarks/target/benchmarks.jar io.wasmbox.benchmarks.Verify [engine...]}
 * (JVM flags as in run.sh). Prints one line per engine and workload with the time of that single run
 * (cold: not a measurement). Exits 1 if anything failed.
 */
public final class Verify {
    static final String[][] ENGINES = {
        {"javascript", Contender.WASMBOX},
        {"javascript", Contender.GRAALJS},
        {"javascript", Contender.RHINO},
        {"javascript", Contender.NASHORN},
        {"javascript", Contender.QUICKJS4J},
        {"python", Contender.WASMBOX},
        {"python", Contender.GRAALPY},
    };

    public static void main(String[] args) {
        List<String> only = List.of(args);
        List<String> failures = new ArrayList<>();
        for (String[] e : ENGINES) {
            Language language = e[0].equals("python") ? Language.PYTHON : Language.JAVASCRIPT;
            String engine = e[1];
            if (!only.isEmpty() && !only.contains(engine) && !only.contains(e[0] + ":" + engine)) continue;
            String label = language.id() + "/" + engine;
            try (Contender contender = Contender.create(engine, language)) {
                System.out.println(label + ": " + contender.description());
                long t0 = System.nanoTime();
                try (Contender.Session s = contender.open(false)) {
                    Workload.ONE_PLUS_ONE.verify(label, s.eval(Workload.ONE_PLUS_ONE.expression(language)));
                }
                System.out.printf("  %-12s %9.1f ms (first fresh session)%n", "fresh", ms(t0));
                try (Contender.Session s = contender.open(true)) {
                    for (Workload w : Workload.values()) {
                        try {
                            if (!w.prelude(language).isEmpty()) s.define(w.prelude(language));
                            long t = System.nanoTime();
                            w.verify(label, s.eval(w.expression(language)));
                            System.out.printf("  %-12s %9.1f ms%n", w.key(), ms(t));
                        } catch (RuntimeException ex) {
                            failures.add(label + " " + w.key() + ": " + ex);
                            System.out.println("  " + w.key() + " FAILED: " + ex);
                        }
                    }
                    Workload.INVOKE.verify(label + " invoke", s.invoke("add", 1, 2));
                }
            } catch (RuntimeException ex) {
                failures.add(label + ": " + ex);
                System.out.println(label + " FAILED: " + ex);
                ex.printStackTrace();
            }
        }
        System.out.println(failures.isEmpty() ? "all engines OK" : failures.size() + " failures:");
        failures.forEach(f -> System.out.println("  " + f));
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}

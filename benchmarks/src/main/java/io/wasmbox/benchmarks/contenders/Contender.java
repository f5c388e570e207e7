package io.wasmbox.benchmarks.contenders;

import io.wasmbox.benchmarks.Language;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * One engine under test for one language: created once per JVM (the shared, expensive part: a Wasmbox
 * {@code Interpreter}, a GraalVM {@code Engine}, a Nashorn factory...), it opens isolated {@link Session}s
 * (a sandbox, a context, a scope). Implementations must allow {@link #open} from several threads at once.
 */
public interface Contender extends AutoCloseable {

    /** The engine names, as the benchmarks' {@code engine} parameter takes them. */
    String WASMBOX = "wasmbox";

    String GRAALJS = "graaljs";
    String GRAALPY = "graalpy";
    String RHINO = "rhino";
    String NASHORN = "nashorn";
    String QUICKJS4J = "quickjs4j";

    String name();

    Language language();

    /** Engine and version, and how it is configured, for the report. */
    String description();

    /**
     * A new isolated session.
     *
     * @param hostFunction whether the guest gets the global host function {@code noop(x)} returning x
     */
    Session open(boolean hostFunction);

    @Override
    default void close() {}

    /** One isolated guest context. Used by one thread at a time. */
    interface Session extends AutoCloseable {
        /** Runs definitions (a workload's prelude) for their effect. */
        default void define(String code) {
            eval(code);
        }

        /** Runs code and returns the value of its last expression as plain Java (Long, Double, String, ...). */
        Object eval(String code);

        /** Calls the guest's global function {@code name} with the arguments. */
        Object invoke(String name, Object... args);

        /** Size of the guest's linear memory after the last run, or -1 where there is none. */
        default long linearMemoryBytes() {
            return -1;
        }

        @Override
        void close();
    }

    static Contender create(String name, Language language) {
        return switch (name) {
            case WASMBOX -> new WasmboxContender(language);
            case GRAALJS -> new GraalContender(Language.JAVASCRIPT, language);
            case GRAALPY -> new GraalContender(Language.PYTHON, language);
            case RHINO -> new RhinoContender(language);
            case NASHORN -> new NashornContender(language);
            case QUICKJS4J -> new QuickJs4jContender(language);
            default -> throw new IllegalArgumentException("unknown engine " + name);
        };
    }

    /** A pinned dependency version (versions.properties, filled in from the root pom): graalvm, rhino, ... */
    static String version(String key) {
        try (InputStream in = Contender.class.getResourceAsStream("/io/wasmbox/benchmarks/versions.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key, "?");
        } catch (IOException | NullPointerException e) {
            return "?";
        }
    }

    static void requireLanguage(String engine, Language supported, Language asked) {
        if (supported != asked) {
            throw new IllegalArgumentException(engine + " runs " + supported.id() + ", not " + asked.id());
        }
    }
}

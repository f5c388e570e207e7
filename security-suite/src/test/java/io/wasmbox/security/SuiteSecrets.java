package io.wasmbox.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Secrets placed where a guest must not reach: the host environment (set by the surefire configuration),
 * a host file, a host system property, the host's working directory, and another sandbox (see {@link
 * Neighbours}). No case output may ever contain one.
 */
final class SuiteSecrets {
    static final String ENV_NAME = "WASMBOX_SUITE_SECRET";
    /** The host environment secret, or a stand-in when the suite runs outside Maven (IDE). */
    static final String HOST_ENV = System.getenv().getOrDefault(ENV_NAME, "host-env-secret-not-configured");

    static final String HOST_FILE_CONTENT = "host-file-secret-9b2d44e1";
    static final Path HOST_FILE = createHostFile();
    static final String HOST_PROPERTY = "host-property-secret-0c7d1f93";
    static final String NEIGHBOUR_GLOBAL = "neighbour-global-secret-77aa31c4";
    static final String NEIGHBOUR_STDIN = "neighbour-stdin-secret-e41b6d02";
    static final String NEIGHBOUR_FUNCTION = "neighbour-function-secret-2f9c80b5";
    /** The first line of /etc/passwd on any Linux host. */
    static final String PASSWD_ROOT = "root:x:0:0";

    static {
        System.setProperty("wasmbox.suite.secret", HOST_PROPERTY);
    }

    private SuiteSecrets() {}

    private static Path createHostFile() {
        try {
            Path file = Files.createTempFile("wasmbox-suite-secret", ".txt");
            Files.writeString(file, HOST_FILE_CONTENT + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every string that must never appear in what a guest produces. */
    static List<String> forbidden() {
        List<String> all = new ArrayList<>(List.of(
                HOST_ENV,
                HOST_FILE_CONTENT,
                HOST_PROPERTY,
                NEIGHBOUR_GLOBAL,
                NEIGHBOUR_STDIN,
                NEIGHBOUR_FUNCTION,
                PASSWD_ROOT));
        String cwd = System.getProperty("user.dir");
        if (cwd != null && cwd.length() > 4) all.add(cwd);
        String home = System.getProperty("user.home");
        if (home != null && home.length() > 5)
            all.add(home + "/"); // "/root" alone is also Python's own path prefix material
        String javaHome = System.getProperty("java.home");
        if (javaHome != null) all.add(javaHome);
        return all;
    }

    /** The host file's path as the guest code spells it. */
    static String hostFilePath() {
        return HOST_FILE.toAbsolutePath().toString();
    }
}

package io.wasmbox.security;

import io.wasmbox.plugins.LoadFailure;
import io.wasmbox.plugins.PluginHost;
import io.wasmbox.plugins.PluginStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads one {@link PluginArchiveCases} case and says what is wrong with the outcome. Its {@code main} runs
 * every case in a JVM of its own (started by {@link PluginArchiveCasesTest} with a small heap) and prints
 * {@code ok <case>} or {@code FAIL <case>: <problems>} per case.
 */
final class PluginArchiveProbe {
    /** Loading one case's root must end within this (a FIFO opened for reading would block for ever). */
    static final long LOAD_SECONDS = 60;

    private PluginArchiveProbe() {}

    /** Writes the case into fresh directories under {@code work}, builds a host over it and loads it. */
    static PluginHost load(PluginArchiveCases.PluginCase c, Path work) throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        Path outside = Files.createDirectories(work.resolve("outside"));
        PluginArchiveCases.writeHonest(root);
        c.setup().write(root, outside);
        PluginHost host = PluginHost.builder().pluginsRoot(root).build();
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plugin-archive-loader");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> f = loader.submit(host::loadPlugins);
            try {
                f.get(LOAD_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("loadPlugins did not return within " + LOAD_SECONDS + " s");
            }
        } finally {
            loader.shutdown();
        }
        return host;
    }

    /** What differs from the case's expectations (empty when the host did exactly what it must). */
    static List<String> problems(PluginArchiveCases.PluginCase c, PluginHost host, Path work) {
        Path root = work.resolve("root");
        List<String> problems = new ArrayList<>();
        Map<Path, String> failures = new TreeMap<>();
        for (LoadFailure f : host.loadFailures()) failures.put(f.path(), f.reason());
        Map<Path, String> expected = new TreeMap<>();
        c.failures().forEach((name, fragment) -> expected.put(root.resolve(name), fragment));
        if (!failures.keySet().equals(expected.keySet())) {
            problems.add(
                    "load failures for " + failures.keySet() + ", expected " + expected.keySet() + ": " + failures);
        }
        expected.forEach((path, fragment) -> {
            String reason = failures.get(path);
            if (reason != null && !reason.contains(fragment))
                problems.add(path + ": reason '" + reason + "' lacks '" + fragment + "'");
            if (reason != null && !reason.contains(path.toString()) && !reason.contains("plugin '")) {
                problems.add(path + ": reason '" + reason + "' names neither the path nor the plugin");
            }
        });
        for (String reason : failures.values()) {
            if (reason.contains(SuiteSecrets.HOST_FILE_CONTENT) || reason.contains(SuiteSecrets.PASSWD_ROOT)) {
                problems.add("a failure reason shows file content: " + reason);
            }
        }
        TreeSet<String> loaded = new TreeSet<>();
        for (PluginStatus s : host.statuses()) loaded.add(s.id());
        if (!loaded.equals(new TreeSet<>(c.loaded()))) problems.add("loaded " + loaded + ", expected " + c.loaded());
        return problems;
    }

    public static void main(String[] args) throws Exception {
        Path base = Files.createTempDirectory("plugin-archive-probe");
        int failed = 0;
        try {
            for (PluginArchiveCases.PluginCase c : PluginArchiveCases.all()) {
                Path work = Files.createDirectories(base.resolve(c.name()));
                List<String> problems;
                try (PluginHost host = load(c, work)) {
                    problems = problems(c, host, work);
                } catch (Throwable t) { // an OutOfMemoryError above all
                    problems = List.of(t.toString());
                }
                if (problems.isEmpty()) {
                    System.out.println("ok " + c);
                } else {
                    failed++;
                    System.out.println("FAIL " + c + ": " + problems);
                }
                System.out.flush();
                PluginArchiveCases.deleteRecursively(work);
            }
        } finally {
            PluginArchiveCases.deleteRecursively(base);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println("done, max heap " + rt.maxMemory() / (1024 * 1024) + " MiB");
        System.exit(failed == 0 ? 0 : 1);
    }
}

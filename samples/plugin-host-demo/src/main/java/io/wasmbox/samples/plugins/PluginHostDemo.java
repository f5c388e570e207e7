package io.wasmbox.samples.plugins;

import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.plugins.LoadFailure;
import io.wasmbox.plugins.PluginException;
import io.wasmbox.plugins.PluginHost;
import io.wasmbox.plugins.PluginStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.LogManager;

/**
 * A host application with one extension point ({@link TextTransformer}) and a directory of script
 * plugins. It runs each input through every started plugin, then prints each plugin's status.
 *
 * <pre>samples/plugin-host-demo/run.sh [plugins-dir] [input...]</pre>
 */
public final class PluginHostDemo {
    static final List<String> DEFAULT_INPUTS =
            List.of("hello plugin world", "is anyone there?", "the host is still alive");

    private PluginHostDemo() {}

    public static void main(String[] args) throws IOException {
        quietLogging();
        Path plugins = Path.of(args.length > 0 ? args[0] : "plugins");
        List<String> inputs = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : DEFAULT_INPUTS;
        System.exit(run(plugins, inputs, System.out));
    }

    /** Runs the demo; 0 when the host came through (whatever the plugins did), 2 without a plugins directory. */
    static int run(Path pluginsDir, List<String> inputs, PrintStream out) {
        if (!Files.isDirectory(pluginsDir)) {
            out.println("no plugins directory at " + pluginsDir.toAbsolutePath());
            return 2;
        }
        try (PluginHost host = PluginHost.builder()
                .pluginsRoot(pluginsDir)
                .pluginScopedCapability(
                        "log",
                        pluginId -> HostFunction.of(args -> {
                            out.println("    (" + pluginId + " logs: " + args.getFirst() + ")");
                            return null;
                        }))
                .capability("getUser", HostFunction.of(args -> Map.of("name", "Ada")))
                // what the product allows any plugin at most; plugins may ask for less
                .ceiling(Limits.builder()
                        .memoryMiB(96)
                        .timeout(Duration.ofSeconds(2))
                        .build())
                .maxConsecutiveFailures(3)
                .build()) {
            host.loadPlugins();
            host.startPlugins();
            for (LoadFailure f : host.loadFailures()) {
                out.println("not loaded: " + pluginsDir.relativize(f.path()) + ": " + f.reason());
            }
            for (PluginStatus s : host.statuses()) {
                out.println("loaded: " + s.id() + " " + s.version() + " (" + s.language() + ") " + s.state()
                        + (s.reason() == null ? "" : ": " + s.reason()));
            }

            for (String input : inputs) {
                out.println();
                out.println("input: " + input);
                List<TextTransformer> transformers = host.extensions(TextTransformer.class);
                if (transformers.isEmpty()) out.println("  (no plugin is running)");
                for (TextTransformer t : transformers) {
                    String id = PluginHost.pluginIdOf(t).orElse("?");
                    try {
                        out.println("  " + id + " -> " + t.transform(input));
                    } catch (PluginException e) {
                        out.println("  " + id + " FAILED: " + e.getMessage());
                    }
                }
            }

            out.println();
            out.println("plugin     version  language    state     calls  failures  avg ms  reason");
            for (PluginStatus s : host.statuses()) {
                out.printf(
                        "%-10s %-8s %-11s %-9s %5d  %8d  %6.1f  %s%n",
                        s.id(),
                        s.version(),
                        s.language(),
                        s.state(),
                        s.stats().calls(),
                        s.stats().failures(),
                        s.stats().averageTime().toNanos() / 1e6,
                        s.reason() == null ? "-" : s.reason());
            }
            long running =
                    host.statuses().stream().filter(s -> s.state().isStarted()).count();
            out.println();
            out.println("host alive: " + running + " of " + host.statuses().size() + " loaded plugins still running, "
                    + host.loadFailures().size() + " not loaded");
        }
        return 0;
    }

    /** One line per log record, and PF4J's own chatter only when it is a warning. */
    private static void quietLogging() throws IOException {
        if (System.getProperty("java.util.logging.config.file") != null) return;
        String config = """
                handlers=java.util.logging.ConsoleHandler
                .level=INFO
                org.pf4j.level=WARNING
                java.util.logging.ConsoleHandler.level=ALL
                java.util.logging.SimpleFormatter.format=  [log] %4$s %3$s: %5$s%6$s%n
                """;
        LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
    }
}

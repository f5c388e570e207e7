package io.wasmbox.plugins;

import static io.wasmbox.plugins.TestPlugins.js;
import static io.wasmbox.plugins.TestPlugins.plugin;
import static io.wasmbox.plugins.TestPlugins.python;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.wasmbox.ExecutionTimeoutException;
import io.wasmbox.GuestException;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.MemoryLimitException;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;

class PluginHostTest {
    /** The extension point of most tests. */
    public interface TextTransformer {
        String transform(String text);
    }

    public interface Counter {
        long next();
    }

    public interface Probe {
        List<String> visible(List<String> names);

        Map<String, Object> user();
    }

    public interface Peek {
        String peek();
    }

    @TempDir
    Path root;

    private PluginHost host;

    @AfterEach
    void closeHost() {
        if (host != null) host.close();
    }

    /** A host over {@link #root}, configured, with every plugin there loaded and started. */
    private PluginHost start(Consumer<PluginHost.Builder> config) {
        PluginHost.Builder b = PluginHost.builder()
                .pluginsRoot(root)
                .ceiling(Limits.builder().timeout(Duration.ofSeconds(5)).build());
        config.accept(b);
        host = b.build();
        host.loadPlugins();
        host.startPlugins();
        return host;
    }

    private TextTransformer transformer(String pluginId) {
        return host.extension(TextTransformer.class, pluginId).orElseThrow();
    }

    @Test
    void loadsAPythonPluginFromADirectoryAndCountsItsCalls() {
        python("upper", "def transform(text):\n    return text.upper()\n").writeDirectory(root, "upper");
        start(b -> {});

        List<TextTransformer> all = host.extensions(TextTransformer.class);
        assertThat(all).hasSize(1);
        assertThat(all.getFirst().transform("abc")).isEqualTo("ABC");
        assertThat(all.getFirst().transform("déjà")).isEqualTo("DÉJÀ");
        assertThat(PluginHost.pluginIdOf(all.getFirst())).contains("upper");

        PluginStatus s = host.status("upper").orElseThrow();
        assertThat(s.state()).isEqualTo(PluginState.STARTED);
        assertThat(s.language()).isEqualTo("python");
        assertThat(s.reason()).isNull();
        assertThat(s.stats().calls()).isEqualTo(2);
        assertThat(s.stats().failures()).isZero();
        assertThat(s.stats().totalTime()).isPositive();
        assertThat(s.stats().averageTime()).isEqualTo(s.stats().totalTime().dividedBy(2));
        assertThat(host.manager().getExtensions(TextTransformer.class))
                .as("PF4J's own lookup")
                .hasSize(1);
    }

    @Test
    void loadsAJavaScriptPluginFromAZipWithoutUnpackingItAndReloadsAReplacedZip() throws Exception {
        js("shout", "function transform(t) { return t.toUpperCase() + '!' }").writeZip(root, "shout.zip");
        start(b -> {});

        TextTransformer shout = transformer("shout");
        assertThat(shout.transform("hi")).isEqualTo("HI!");
        assertThat(host.status("shout").orElseThrow().language()).isEqualTo("javascript");
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("shout.zip");
        }

        plugin("shout", "1.1.0")
                .file("main.js", "function transform(t) { return t.toUpperCase() + '!!!' }")
                .writeZip(root, "shout.zip");
        host.reloadPlugin("shout");
        assertThat(shout.transform("hi")).isEqualTo("HI!!!");
        assertThat(host.status("shout").orElseThrow().version()).isEqualTo("1.1.0");
    }

    @Test
    void startsDependenciesFirstStopsDependentsWithThemAndReportsMissingOnes() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        // directory names sort the dependent first, so only the dependency graph can put 'lib' first
        python("app", "log('start')\ndef transform(t):\n    return 'app(' + t + ')'\n")
                .property("plugin.dependencies", "lib")
                .property("plugin.capabilities", "log")
                .writeDirectory(root, "a-app");
        python("lib", "log('start')\ndef transform(t):\n    return 'lib(' + t + ')'\n")
                .property("plugin.capabilities", "log")
                .writeDirectory(root, "b-lib");
        Path orphan = python("orphan", "def transform(t):\n    return t\n")
                .property("plugin.dependencies", "nowhere")
                .writeDirectory(root, "c-orphan");
        start(b -> b.pluginScopedCapability(
                "log",
                id -> HostFunction.of(args -> {
                    log.add(id + ":" + args.getFirst());
                    return null;
                })));

        assertThat(log).containsExactly("lib:start", "app:start");
        assertThat(host.extensions(TextTransformer.class))
                .extracting(t -> PluginHost.pluginIdOf(t).orElseThrow())
                .containsExactly("lib", "app");
        assertThat(host.loadFailures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo(orphan);
            assertThat(f.reason()).contains("plugin 'orphan' needs plugin 'nowhere', which is not loaded");
        });
        assertThat(host.status("orphan")).isEmpty();

        host.stopPlugin("lib");
        assertThat(host.status("app").orElseThrow().state()).isEqualTo(PluginState.STOPPED);
        assertThatThrownBy(() -> transformer("app")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void reloadingADependencyRestartsItsRunningDependents() {
        python("app", "def transform(t):\n    return 'app ' + t\n")
                .property("plugin.dependencies", "lib")
                .writeDirectory(root, "app");
        python("lib", "def transform(t):\n    return 'lib1 ' + t\n").writeDirectory(root, "lib");
        start(b -> {});

        plugin("lib", "1.1.0")
                .file("main.py", "def transform(t):\n    return 'lib2 ' + t\n")
                .writeDirectory(root, "lib");
        host.reloadPlugin("lib");
        assertThat(host.status("app").orElseThrow().state()).isEqualTo(PluginState.STARTED);
        assertThat(host.extensions(TextTransformer.class))
                .extracting(t -> t.transform("x"))
                .containsExactlyInAnyOrder("lib2 x", "app x");
        assertThat(host.loadFailures()).isEmpty();
    }

    @Test
    void aScriptThatDoesNotCompileOrFailsAtTopLevelFailsToStartWithTheReason() {
        python("typo", "def transform(t):\n    return t +\n").writeDirectory(root, "typo");
        python("raises", "import json\nraise RuntimeError('no config')\n").writeDirectory(root, "raises");
        js("fine", "function transform(t) { return t }").writeDirectory(root, "fine");
        start(b -> {});

        PluginStatus typo = host.status("typo").orElseThrow();
        assertThat(typo.state()).isEqualTo(PluginState.FAILED);
        assertThat(typo.reason())
                .startsWith("plugin 'typo@1.0.0' failed to start: main.py does not compile: SyntaxError")
                .endsWith("(line 2)");
        assertThat(host.status("raises").orElseThrow().reason())
                .isEqualTo("plugin 'raises@1.0.0' failed to start: main.py raised RuntimeError: no config (line 2)");
        assertThat(host.extensions(TextTransformer.class))
                .extracting(t -> PluginHost.pluginIdOf(t).orElseThrow())
                .containsExactly("fine");
    }

    @Test
    void aPluginRequiringANewerHostIsDisabledWithTheReason() {
        python("future", "def transform(t):\n    return t\n")
                .property("plugin.requires", ">=2.0.0")
                .writeDirectory(root, "future");
        start(b -> b.systemVersion("1.4.0"));

        PluginStatus s = host.status("future").orElseThrow();
        assertThat(s.state()).isEqualTo(PluginState.DISABLED);
        assertThat(s.reason()).isEqualTo("plugin 'future' requires host version >=2.0.0, the host is 1.4.0");
        assertThat(host.extensions(TextTransformer.class)).isEmpty();
    }

    @Test
    void aPluginGetsOnlyTheCapabilitiesItDeclaredThatTheHostOffersAndThePolicyAllows() {
        String probe = "def visible(names):\n    return [n for n in names if n in globals()]\n"
                + "def user():\n    return getUser('u1') if 'getUser' in globals() else None\n";
        python("probe", probe)
                .property("plugin.capabilities", "getUser, secret, readFile")
                .writeDirectory(root, "probe");
        python("other", probe).property("plugin.capabilities", "getUser").writeDirectory(root, "other");
        List<String> names = List.of("getUser", "log", "secret", "readFile");
        try (TestPlugins.LogCapture logs = new TestPlugins.LogCapture()) {
            start(b -> b.capability("getUser", HostFunction.of(args -> Map.of("id", args.getFirst(), "name", "Ada")))
                    .capability("log", HostFunction.of(args -> null))
                    .capability("secret", HostFunction.of(args -> "s3cr3t"))
                    .capabilityPolicy(CapabilityPolicy.allowList(Map.of("probe", List.of("getUser", "log")))));

            Probe p = host.extension(Probe.class, "probe").orElseThrow();
            assertThat(p.visible(names)).containsExactly("getUser");
            assertThat(p.user()).isEqualTo(Map.of("id", "u1", "name", "Ada"));
            PluginStatus s = host.status("probe").orElseThrow();
            assertThat(s.grantedCapabilities()).containsExactly("getUser");
            assertThat(s.deniedCapabilities()).containsExactly("secret", "readFile");

            Probe other = host.extension(Probe.class, "other").orElseThrow();
            assertThat(other.visible(names)).as("not on the allow list").isEmpty();
            assertThat(other.user()).isNull();

            assertThat(logs.messages(Level.WARNING))
                    .anySatisfy(m -> assertThat(m)
                            .contains("probe")
                            .contains("'secret'")
                            .contains("denied by the capability policy"))
                    .anySatisfy(m -> assertThat(m).contains("'readFile'").contains("does not offer"))
                    .anySatisfy(m -> assertThat(m).contains("other").contains("'getUser'"));
        }
    }

    @Test
    void aTimeoutDisablesThePluginAndTheOthersAndTheHostKeepWorking() {
        python("spin", "def transform(t):\n    while True:\n        pass\n")
                .property("plugin.limits.timeout", "300ms")
                .writeDirectory(root, "spin");
        python("fine", "def transform(t):\n    return t[::-1]\n").writeDirectory(root, "fine");
        start(b -> {});
        TextTransformer spin = transformer("spin");

        long started = System.nanoTime();
        PluginCallException e = catchThrowableOfType(PluginCallException.class, () -> spin.transform("x"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(e.getCause()).isInstanceOf(ExecutionTimeoutException.class);
        assertThat(e.disabledThePlugin()).isTrue();
        assertThat(e.pluginId()).isEqualTo("spin");

        PluginStatus s = host.status("spin").orElseThrow();
        assertThat(s.state()).isEqualTo(PluginState.DISABLED);
        assertThat(s.reason()).isEqualTo("timed out: transform() ran over its 300 ms limit");
        assertThat(s.stats().failures()).isEqualTo(1);
        assertThatThrownBy(() -> spin.transform("y"))
                .isInstanceOf(PluginUnavailableException.class)
                .hasMessageContaining("timed out");
        assertThat(host.extensions(TextTransformer.class))
                .extracting(t -> t.transform("abc"))
                .containsExactly("cba");
    }

    @Test
    void hittingTheMemoryCapDisablesThePlugin() {
        python("hog", "def transform(t):\n    return len(bytearray(200 * 1024 * 1024))\n")
                .property("plugin.limits.memory", "48m")
                .writeDirectory(root, "hog");
        start(b -> {});

        PluginCallException e = catchThrowableOfType(
                PluginCallException.class, () -> transformer("hog").transform("x"));
        assertThat(e.getCause()).isInstanceOf(MemoryLimitException.class);
        assertThat(e.disabledThePlugin()).isTrue();
        PluginStatus s = host.status("hog").orElseThrow();
        assertThat(s.state()).isEqualTo(PluginState.DISABLED);
        assertThat(s.reason()).isEqualTo("hit its memory cap of 48 MiB in transform()");
        assertThat(s.limits().memoryBytes()).isEqualTo(48 * Units.MIB);
    }

    @Test
    void failingNCallsInARowDisablesThePluginUntilItIsEnabledAgain() {
        python(
                        "flaky",
                        "def transform(t):\n    if t == 'bad':\n        raise ValueError('cannot take ' + t)\n    return t\n")
                .writeDirectory(root, "flaky");
        start(b -> b.maxConsecutiveFailures(3));
        TextTransformer flaky = transformer("flaky");

        for (int i = 0; i < 2; i++) {
            PluginCallException e = catchThrowableOfType(PluginCallException.class, () -> flaky.transform("bad"));
            assertThat(e.disabledThePlugin()).isFalse();
            assertThat(((GuestException) e.getCause()).guestError().type()).isEqualTo("ValueError");
        }
        assertThat(flaky.transform("good")).as("a success resets the count").isEqualTo("good");
        assertThat(catchThrowableOfType(PluginCallException.class, () -> flaky.transform("bad"))
                        .disabledThePlugin())
                .isFalse();
        assertThat(catchThrowableOfType(PluginCallException.class, () -> flaky.transform("bad"))
                        .disabledThePlugin())
                .isFalse();
        PluginCallException third = catchThrowableOfType(PluginCallException.class, () -> flaky.transform("bad"));
        assertThat(third.disabledThePlugin()).isTrue();
        assertThat(third).hasMessageContaining("plugin disabled: failed 3 calls in a row");

        PluginStatus s = host.status("flaky").orElseThrow();
        assertThat(s.state()).isEqualTo(PluginState.DISABLED);
        assertThat(s.reason()).startsWith("failed 3 calls in a row; last: transform: ValueError: cannot take bad");
        assertThat(s.stats().calls()).isEqualTo(6);
        assertThat(s.stats().failures()).isEqualTo(5);
        assertThat(s.stats().lastError()).contains("ValueError: cannot take bad");
        assertThatThrownBy(() -> flaky.transform("good")).isInstanceOf(PluginUnavailableException.class);

        assertThat(host.enablePlugin("flaky")).isEqualTo(PluginState.STARTED);
        assertThat(flaky.transform("good")).isEqualTo("good");
        assertThat(host.status("flaky").orElseThrow().stats().consecutiveFailures())
                .isZero();
    }

    @Test
    void aCrashBelowTheLimitGetsAFreshSandboxWithTheScriptRunAgain() {
        python(
                        "crashy",
                        "import os\ncount = 0\ndef next():\n    global count\n    count += 1\n    if count == 3:\n"
                                + "        os._exit(3)\n    return count\n")
                .writeDirectory(root, "crashy");
        start(b -> b.maxConsecutiveFailures(2));
        Counter c = host.extension(Counter.class, "crashy").orElseThrow();

        assertThat(c.next()).isEqualTo(1);
        assertThat(c.next()).isEqualTo(2);
        assertThat(catchThrowableOfType(PluginCallException.class, c::next).disabledThePlugin())
                .isFalse();
        assertThat(c.next()).as("globals start over in the new sandbox").isEqualTo(1);
        assertThat(host.status("crashy").orElseThrow().state()).isEqualTo(PluginState.STARTED);
    }

    @Test
    void reloadLoadsANewVersionAndKeepsTheRunningOneWhenTheNewOneIsBroken() {
        Path dir =
                python("greeter", "def transform(t):\n    return 'v1 ' + t\n").writeDirectory(root, "greeter");
        start(b -> {});
        TextTransformer greeter = transformer("greeter");
        assertThat(greeter.transform("x")).isEqualTo("v1 x");

        plugin("greeter", "2.0.0")
                .file("main.py", "def transform(t):\n    return 'v2 ' + t\n")
                .writeDirectory(root, "greeter");
        assertThat(host.reloadPlugin("greeter")).isEqualTo("greeter");
        assertThat(greeter.transform("x"))
                .as("the same extension object reaches the new version")
                .isEqualTo("v2 x");
        PluginStatus s = host.status("greeter").orElseThrow();
        assertThat(s.version()).isEqualTo("2.0.0");
        assertThat(s.stats().calls()).isEqualTo(1);

        plugin("greeter", "3.0.0").file("main.rb", "puts 1").writeDirectory(root, "greeter");
        assertThatThrownBy(() -> host.reloadPlugin("greeter"))
                .isInstanceOf(PluginRuntimeException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("no entry script");
        assertThat(host.status("greeter").orElseThrow().version()).isEqualTo("2.0.0");
        assertThat(greeter.transform("y")).isEqualTo("v2 y");
    }

    @Test
    void reloadGivesADisabledPluginsNewVersionAFreshStart() {
        python("fixme", "def transform(t):\n    raise RuntimeError('bug')\n").writeDirectory(root, "fixme");
        start(b -> b.maxConsecutiveFailures(1));
        TextTransformer t = transformer("fixme");
        assertThat(catchThrowableOfType(PluginCallException.class, () -> t.transform("a"))
                        .disabledThePlugin())
                .isTrue();

        plugin("fixme", "1.0.1")
                .file("main.py", "def transform(t):\n    return 'fixed ' + t\n")
                .writeDirectory(root, "fixme");
        host.reloadPlugin("fixme");
        assertThat(host.status("fixme").orElseThrow().state()).isEqualTo(PluginState.STARTED);
        assertThat(t.transform("a")).isEqualTo("fixed a");
    }

    @Test
    void concurrentCallsIntoOnePluginAreSerialisedAndSeeConsistentState() throws Exception {
        python("counter", "count = 0\ndef next():\n    global count\n    c = count\n    count = c + 1\n    return c\n")
                .writeDirectory(root, "counter");
        start(b -> {});
        Counter counter = host.extension(Counter.class, "counter").orElseThrow();

        int threads = 8;
        int callsEach = 25;
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < callsEach; i++) seen.add(counter.next());
                }));
            }
            for (Future<?> f : futures) f.get();
        }
        assertThat(seen)
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.range(0, threads * callsEach).boxed().toList());
        assertThat(host.status("counter").orElseThrow().stats().calls()).isEqualTo(threads * callsEach);
    }

    @Test
    void pluginsDoNotSeeEachOthersState() {
        python("a", "secret = 'a-only'\ndef peek():\n    return globals().get('secret')\n")
                .writeDirectory(root, "a");
        python("b", "def peek():\n    return globals().get('secret')\n").writeDirectory(root, "b");
        js("c", "function peek() { return typeof secret === 'undefined' ? null : secret }")
                .writeDirectory(root, "c");
        start(b -> {});

        assertThat(host.extension(Peek.class, "a").orElseThrow().peek()).isEqualTo("a-only");
        assertThat(host.extension(Peek.class, "b").orElseThrow().peek()).isNull();
        assertThat(host.extension(Peek.class, "c").orElseThrow().peek()).isNull();
    }

    @Test
    void declaredLimitsAreLoweredToTheCeilingButNeverRaised() {
        python("greedy", "def transform(t):\n    return t\n")
                .property("plugin.limits.memory", "1g")
                .property("plugin.limits.timeout", "30s")
                .property("plugin.limits.callsPerSecond", "1000")
                .writeDirectory(root, "greedy");
        python("modest", "def transform(t):\n    return t\n")
                .property("plugin.limits.memory", "40m")
                .property("plugin.limits.timeout", "200ms")
                .property("plugin.limits.callsPerSecond", "5")
                .writeDirectory(root, "modest");
        python("silent", "def transform(t):\n    return t\n").writeDirectory(root, "silent");
        python("tiny", "def transform(t):\n    return t\n")
                .property("plugin.limits.memory", "8m")
                .writeDirectory(root, "tiny");
        try (TestPlugins.LogCapture logs = new TestPlugins.LogCapture()) {
            host = PluginHost.builder()
                    .pluginsRoot(root)
                    .maxCallsPerSecond(50)
                    .ceiling(Limits.builder()
                            .memoryMiB(64)
                            .timeout(Duration.ofSeconds(1))
                            .build())
                    .build();
            host.loadPlugins();
            host.startPlugins();

            PluginStatus greedy = host.status("greedy").orElseThrow();
            assertThat(greedy.limits().memoryBytes()).isEqualTo(64 * Units.MIB);
            assertThat(greedy.limits().timeout()).isEqualTo(Duration.ofSeconds(1));
            assertThat(greedy.callsPerSecond()).isEqualTo(50);
            assertThat(logs.messages(Level.WARNING))
                    .anySatisfy(
                            m -> assertThat(m)
                                    .contains(
                                            "'greedy@1.0.0' declares plugin.limits.memory=1 GiB, above the host's ceiling; clamped to 64 MiB"));

            PluginStatus modest = host.status("modest").orElseThrow();
            assertThat(modest.limits().memoryBytes()).isEqualTo(40 * Units.MIB);
            assertThat(modest.limits().timeout()).isEqualTo(Duration.ofMillis(200));
            assertThat(modest.callsPerSecond()).isEqualTo(5);

            PluginStatus silent = host.status("silent").orElseThrow();
            assertThat(silent.limits().memoryBytes()).isEqualTo(64 * Units.MIB);
            assertThat(silent.callsPerSecond()).isEqualTo(50);

            PluginStatus tiny = host.status("tiny").orElseThrow();
            assertThat(tiny.state()).isEqualTo(PluginState.FAILED);
            assertThat(tiny.reason()).contains("cannot start").contains("at least");
        }
    }

    @Test
    void theCallsPerSecondLimitRefusesCallsOverIt() throws Exception {
        python("slowly", "def transform(t):\n    return t\n")
                .property("plugin.limits.callsPerSecond", "2")
                .writeDirectory(root, "slowly");
        start(b -> {});
        TextTransformer t = transformer("slowly");

        assertThat(t.transform("1")).isEqualTo("1");
        assertThat(t.transform("2")).isEqualTo("2");
        PluginUnavailableException refused =
                catchThrowableOfType(PluginUnavailableException.class, () -> t.transform("3"));
        assertThat(refused.rateLimited()).isTrue();
        assertThat(refused).hasMessageContaining("over its limit of 2.0 calls per second");
        assertThat(host.status("slowly").orElseThrow().stats().rejectedCalls()).isEqualTo(1);
        Thread.sleep(600);
        assertThat(t.transform("4")).isEqualTo("4");
        assertThat(host.status("slowly").orElseThrow().state()).isEqualTo(PluginState.STARTED);
    }

    @Test
    void stoppedAndUnloadedPluginsRefuseCallsAndAStoppedOneStartsAgain() {
        python("p", "def transform(t):\n    return t + '.'\n").writeDirectory(root, "p");
        start(b -> {});
        TextTransformer t = transformer("p");

        assertThat(host.stopPlugin("p")).isEqualTo(PluginState.STOPPED);
        assertThatThrownBy(() -> t.transform("a"))
                .isInstanceOf(PluginUnavailableException.class)
                .hasMessageContaining("stopped");
        assertThat(host.extensions(TextTransformer.class)).isEmpty();
        assertThat(host.status("p").orElseThrow().reason()).isEqualTo("stopped");

        assertThat(host.startPlugin("p")).isEqualTo(PluginState.STARTED);
        assertThat(t.transform("a")).isEqualTo("a.");

        assertThat(host.unloadPlugin("p")).isTrue();
        assertThat(host.status("p")).isEmpty();
        assertThatThrownBy(() -> t.transform("a"))
                .isInstanceOf(PluginUnavailableException.class)
                .hasMessageContaining("not loaded");

        assertThat(host.loadPlugin(root.resolve("p"))).isEqualTo("p");
        host.startPlugin("p");
        assertThat(t.transform("b")).isEqualTo("b.");
        assertThatThrownBy(() -> host.loadPlugin(root.resolve("p")))
                .isInstanceOf(PluginRuntimeException.class)
                .hasMessageContaining("already loaded");
        assertThat(host.loadFailures())
                .as("loading it twice is not a broken plugin")
                .isEmpty();
    }

    @Test
    void pluginsDroppedIntoTheRootLaterAreLoadedWithoutRestartingTheHost() {
        python("first", "def transform(t):\n    return '1' + t\n").writeDirectory(root, "first");
        start(b -> {});
        js("second", "function transform(t) { return '2' + t }").writeZip(root, "second.zip");

        assertThat(host.loadNewPlugins()).containsExactly("second");
        assertThat(host.loadNewPlugins()).isEmpty();
        assertThat(host.extensions(TextTransformer.class))
                .extracting(t -> t.transform("x"))
                .containsExactly("1x", "2x");
    }

    @Test
    void aPluginLackingTheInterfaceIsSkippedAndAnObjectNamedAfterItIsPreferred() {
        js("other", "function somethingElse() { return 1 }").writeDirectory(root, "other");
        js(
                        "both",
                        "var TextTransformer = { transform(t) { return '[' + t + ']' } };\n"
                                + "function transform(t) { return 'global ' + t }")
                .writeDirectory(root, "both");
        try (TestPlugins.LogCapture logs = new TestPlugins.LogCapture()) {
            start(b -> {});
            List<TextTransformer> all = host.extensions(TextTransformer.class);
            assertThat(all)
                    .extracting(t -> PluginHost.pluginIdOf(t).orElseThrow())
                    .containsExactly("both");
            assertThat(all.getFirst().transform("x")).isEqualTo("[x]");
            assertThat(logs.messages(Level.INFO))
                    .anySatisfy(m -> assertThat(m)
                            .contains("'other@1.0.0' does not implement")
                            .contains("missing transform"));
        }
    }

    @Test
    void noJavaCodeOfAPluginIsEverLoaded() throws Exception {
        python("jar", "def transform(t):\n    return t\n")
                .file("Evil.class", "\u00ca\u00fe\u00ba\u00be")
                .writeDirectory(root, "jar");
        Path withClass = python("classy", "def transform(t):\n    return t\n")
                .property("plugin.class", "com.example.EvilPlugin")
                .writeDirectory(root, "classy");
        start(b -> {});

        ClassLoader loader = host.manager().getPluginClassLoader("jar");
        assertThatThrownBy(() -> loader.loadClass("Evil")).isInstanceOf(ClassNotFoundException.class);
        assertThat(loader.getResource("Evil.class")).isNull();
        assertThat(loader.getResource("main.py")).isNull();
        assertThat(host.loadFailures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo(withClass);
            assertThat(f.reason()).contains("plugin.class is not supported: script plugins carry no Java code");
        });
    }

    @Test
    void aTypeScriptPluginRunsWhenATypeScriptEngineIsInstalledAndIsReportedClearlyOtherwise() {
        Path ts = plugin("reverse", "1.0.0")
                .file(
                        "main.ts",
                        "function transform(text: string): string { return text.split('').reverse().join('') }")
                .writeDirectory(root, "reverse");
        start(b -> {});
        if (Wasmbox.languageForFile("main.ts").isPresent()) {
            assertThat(transformer("reverse").transform("abc")).isEqualTo("cba");
        } else {
            assertThat(host.loadFailures()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo(ts);
                assertThat(f.reason()).contains("no Wasmbox language engine on the class path runs '.ts' files");
            });
        }
    }
}

package io.wasmbox.wasm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compiles untrusted source to a {@code wasm32-wasi} module with a {@link Toolchain}, inside bubblewrap: the
 * compiler sees only {@code /usr} (read-only), a private work directory holding the source, an empty
 * {@code /tmp}, its own {@code /proc} and {@code /dev}; no network, no other namespaces shared, no
 * capabilities, an empty environment but {@code PATH=/usr/bin}. So {@code include_str!("/etc/passwd")},
 * {@code #include "/etc/passwd"} or {@code .incbin} of a host file fail: the file is not there. It runs
 * under a wall-clock timeout, address-space, file-size and process limits ({@code prlimit}), and its
 * diagnostics are read up to a cap.
 */
public final class SandboxedCompiler {
    /** Default wall-clock limit of one compilation. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default address-space limit of the compiler process. */
    public static final long DEFAULT_MEMORY_BYTES = 1L << 30;
    /** Default cap on the module (and any file the compiler writes). */
    public static final long DEFAULT_MAX_MODULE_BYTES = 16L << 20;
    /** Cap on the diagnostics kept. */
    public static final int MAX_DIAGNOSTICS_BYTES = 64 * 1024;

    private static final String BWRAP = "/usr/bin/bwrap";
    private static final String PRLIMIT = "/usr/bin/prlimit";
    private static final String WORK = "/work";
    private static final Map<Toolchain, String> MISSING = new ConcurrentHashMap<>();
    /** The bubblewrap probe's outcome once made: "" when bubblewrap works, else the problem. */
    private static final String[] PROBE = new String[1];

    private static final Semaphore SLOTS =
            new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()), true);

    private final Toolchain toolchain;
    private final Duration timeout;
    private final long memoryBytes;
    private final long maxModuleBytes;

    public SandboxedCompiler(Toolchain toolchain) {
        this(toolchain, DEFAULT_TIMEOUT, DEFAULT_MEMORY_BYTES, DEFAULT_MAX_MODULE_BYTES);
    }

    public SandboxedCompiler(Toolchain toolchain, Duration timeout, long memoryBytes, long maxModuleBytes) {
        this.toolchain = Objects.requireNonNull(toolchain, "toolchain");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.memoryBytes = memoryBytes;
        this.maxModuleBytes = maxModuleBytes;
    }

    public Toolchain toolchain() {
        return toolchain;
    }

    /**
     * Why {@code toolchain} cannot be used on this host (its compiler, its wasm32 libraries, bubblewrap or
     * prlimit missing), or null when it can. Cheap: it only looks at files, so listing languages never
     * starts a process. Whether bubblewrap can make its namespaces here is checked once, by the first
     * compilation ({@link #compile}), which reports it as its diagnostics.
     */
    public static String unavailableReason(Toolchain toolchain) {
        String reason = MISSING.computeIfAbsent(toolchain, t -> {
            String missing = t.missing();
            if (missing == null && !Files.isExecutable(Path.of(BWRAP))) missing = BWRAP + " (bubblewrap) is missing";
            if (missing == null && !Files.isExecutable(Path.of(PRLIMIT)))
                missing = PRLIMIT + " (util-linux) is missing";
            return missing == null ? "" : missing + " (" + t.install() + " bubblewrap)";
        });
        return reason.isEmpty() ? null : reason;
    }

    /** Whether bubblewrap can create its sandbox on this host: null when it can, else why not. Probed once. */
    private static String bubblewrapProblemOnce() {
        synchronized (PROBE) {
            if (PROBE[0] == null) {
                String problem = bubblewrapProblem();
                PROBE[0] = problem == null ? "" : problem;
            }
            return PROBE[0].isEmpty() ? null : PROBE[0];
        }
    }

    private static String bubblewrapProblem() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("wasmbox-probe-");
            List<String> command = new ArrayList<>(bwrap(dir, true));
            command.add("/usr/bin/true");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "bubblewrap did not start within 10 s";
            }
            return p.exitValue() == 0 ? null : "bubblewrap cannot create its sandbox here: " + out;
        } catch (IOException e) {
            return "bubblewrap cannot run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing bubblewrap";
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Compiles {@code source}. Compiler errors are a result with diagnostics, not an exception.
     *
     * @throws IllegalStateException if the toolchain is not available here (see {@link #unavailableReason})
     * @throws InterruptedException if the calling thread is interrupted (the compiler is killed)
     */
    public CompileResult compile(String source) throws InterruptedException {
        String missing = unavailableReason(toolchain);
        if (missing != null) throw new IllegalStateException(toolchain.language() + " is not available: " + missing);
        String sandboxProblem = bubblewrapProblemOnce();
        if (sandboxProblem != null) {
            return new CompileResult(
                    null,
                    "cannot compile here: " + sandboxProblem + " (the compiler only ever runs inside bubblewrap)",
                    -1,
                    false,
                    Duration.ZERO);
        }
        SLOTS.acquire();
        Path dir = null;
        long start = System.nanoTime();
        try {
            dir = Files.createTempDirectory("wasmbox-compile-");
            Files.writeString(dir.resolve(toolchain.sourceFile()), source, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(bwrap(dir, toolchain.needsProc()));
            command.addAll(List.of(
                    PRLIMIT,
                    "--as=" + memoryBytes,
                    "--fsize=" + maxModuleBytes,
                    "--cpu=" + Math.max(1, timeout.toSeconds() + 1),
                    "--nofile=256",
                    "--core=0",
                    "--"));
            command.addAll(toolchain.command(toolchain.sourceFile(), "main.wasm"));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            CappedReader diagnostics = new CappedReader(process.getInputStream());
            Thread reader = Thread.ofVirtual().start(diagnostics);
            boolean finished;
            try {
                finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                throw e;
            }
            if (!finished) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String text = clean(diagnostics.text());
            if (!finished) {
                return new CompileResult(
                        null, text + "\ncompilation stopped after " + timeout.toMillis() + " ms", -1, true, took);
            }
            Path module = dir.resolve("main.wasm");
            boolean ok = process.exitValue() == 0 && Files.isRegularFile(module);
            byte[] bytes = ok ? Files.readAllBytes(module) : null;
            return new CompileResult(bytes, text, process.exitValue(), false, took);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run the " + toolchain.compilerName() + " compiler", e);
        } finally {
            deleteQuietly(dir);
            SLOTS.release();
        }
    }

    /**
     * bubblewrap's arguments: /usr read-only, {@code dir} as the private work directory, a minimal {@code
     * /dev}, and (when asked) a {@code /proc} of the sandbox's own PID namespace; nothing else of the host.
     */
    private static List<String> bwrap(Path dir, boolean proc) {
        List<String> args = new ArrayList<>(List.of(
                BWRAP,
                "--ro-bind",
                "/usr",
                "/usr",
                "--symlink",
                "usr/lib",
                "/lib",
                "--symlink",
                "usr/lib64",
                "/lib64",
                "--symlink",
                "usr/bin",
                "/bin"));
        if (proc) args.addAll(List.of("--proc", "/proc"));
        args.addAll(List.of(
                "--dev",
                "/dev",
                "--tmpfs",
                "/tmp",
                "--bind",
                dir.toString(),
                WORK,
                "--chdir",
                WORK,
                "--unshare-all",
                "--cap-drop",
                "ALL",
                "--die-with-parent",
                "--new-session",
                "--clearenv",
                "--setenv",
                "PATH",
                "/usr/bin",
                "--setenv",
                "HOME",
                WORK,
                "--setenv",
                "TMPDIR",
                "/tmp"));
        return args;
    }

    private static String clean(String diagnostics) {
        return diagnostics.replace(WORK + "/", "");
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    /** Reads a stream to its end, keeping only the first {@link #MAX_DIAGNOSTICS_BYTES}. */
    private static final class CappedReader implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        CappedReader(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    int room = MAX_DIAGNOSTICS_BYTES - kept.size();
                    if (room > 0) {
                        synchronized (kept) {
                            kept.write(buffer, 0, Math.min(room, n));
                        }
                    }
                    if (n > room) truncated = true;
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }

        String text() {
            String s;
            synchronized (kept) {
                s = kept.toString(StandardCharsets.UTF_8);
            }
            return truncated ? s + "\n[diagnostics cut at " + MAX_DIAGNOSTICS_BYTES / 1024 + " KiB]" : s;
        }
    }
}

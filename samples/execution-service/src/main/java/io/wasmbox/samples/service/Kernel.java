package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmbox.CodeTooLargeException;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.InputTooLargeException;
import io.wasmbox.InvalidCodeException;
import io.wasmbox.Limits;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import io.wasmbox.samples.service.JupyterMessages.Message;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One Jupyter kernel: a persistent sandbox (globals kept from cell to cell) with the service's limits, the
 * connections attached to it, and one worker thread that handles its shell requests in order. Cells share the
 * service's execution slots with every other execution ({@link Runner#inSlot}). Interrupt, input replies,
 * shutdown and kernel info are handled at once, whatever the worker is doing.
 *
 * <p>An interrupt stops the running cell. Neither CPython nor QuickJS can be stopped mid-cell here without
 * losing the sandbox, so the kernel then continues in a fresh sandbox and says so in the cell's error (as it
 * does after a cell hit its timeout or crashed its guest).
 */
final class Kernel {
    private static final System.Logger LOG = System.getLogger(Kernel.class.getName());
    /** Shell requests waiting behind the running one; beyond, a request is refused with an error reply. */
    static final int QUEUE_MAX = 64;

    private static final Set<String> QUEUED = Set.of(
            "execute_request",
            "complete_request",
            "is_complete_request",
            "inspect_request",
            "history_request",
            "comm_info_request");
    static final List<String> SUPPORTED = List.of(
            "kernel_info_request",
            "execute_request",
            "input_reply",
            "interrupt_request",
            "shutdown_request",
            "complete_request",
            "is_complete_request",
            "inspect_request",
            "history_request",
            "comm_info_request",
            "comm_open",
            "comm_msg",
            "comm_close");

    /** Where messages go: a WebSocket connection ({@link KernelSocket}). */
    interface Connection {
        void send(Message message);

        void close(int code, String reason);
    }

    private record Work(Connection from, Message message, long seq) {}

    /** Where each cell is recorded (the audit log and statistics). */
    interface CellLog {
        void cell(
                String kernelId,
                String client,
                String language,
                String code,
                String outcome,
                long millis,
                ExecutionResult result);
    }

    final String id = UUID.randomUUID().toString();
    final KernelSpecs.Spec spec;
    final String client;
    private final ServiceConfig config;
    private final Runner runner;
    private final Consumer<Kernel> onShutdown;
    private final CellLog log;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>(QUEUE_MAX);
    private final BlockingQueue<String> inputReplies = new LinkedBlockingQueue<>();
    private final ReentrantLock busy = new ReentrantLock();
    private final AtomicLong cells = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final Thread worker;
    private volatile Sandbox sandbox;
    private volatile String session = UUID.randomUUID().toString();
    private volatile String state = "starting";
    private volatile Instant lastActivity = Instant.now();
    private volatile boolean dead;
    private volatile boolean waitingForInput;
    private volatile long memoryBytes;
    private volatile CellOutput output;
    private Thread cellThread; // guarded by this
    private boolean interruptRequested; // guarded by this
    private boolean inputInterrupted; // guarded by this: the cell was interrupted while it waited for input
    /** Handed to a waiting reader by an interrupt: its stdin ends, and the cell with it, keeping the sandbox. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String END_OF_INPUT = new String("end of input");

    private int executionCount; // worker (or restart, holding busy)
    private ExecutionResult lastRun; // worker

    Kernel(
            KernelSpecs.Spec spec,
            String client,
            ServiceConfig config,
            Runner runner,
            CellLog log,
            Consumer<Kernel> onShutdown) {
        this.log = log;
        this.spec = spec;
        this.client = client;
        this.config = config;
        this.runner = runner;
        this.onShutdown = onShutdown;
        this.sandbox = newSandbox();
        this.state = "idle";
        this.worker = Thread.ofVirtual().name("kernel-" + id).start(this::work);
    }

    private Sandbox newSandbox() {
        ServiceConfig.Kernels k = config.kernels();
        Limits limits = Limits.builder()
                .memoryMiB(k.memoryMiB())
                .timeout(k.cellTimeout())
                .maxOutputBytes(config.maxOutputBytes())
                .maxCodeBytes(config.maxCodeBytes())
                .maxStdinBytes(config.maxStdinBytes())
                .build();
        SandboxOptions.Builder options = SandboxOptions.builder().limits(limits);
        if (config.realtime()) options.realtime();
        return Wasmbox.interpreter(spec.language().id())
                .sandbox()
                .options(options.build())
                .build();
    }

    // ---- state for the REST API and the manager -------------------------------------------------------------

    String state() {
        return state;
    }

    Instant lastActivity() {
        return lastActivity;
    }

    boolean dead() {
        return dead;
    }

    long cellsRun() {
        return cells.get();
    }

    /** The kernel's model in the REST API. */
    Map<String, Object> model() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", spec.name());
        m.put("last_activity", lastActivity.toString());
        m.put("execution_state", state);
        m.put("connections", connections.size());
        m.put(
                "wasmbox",
                Map.of(
                        "cells",
                        cells.get(),
                        "memory_bytes",
                        memoryBytes,
                        "memory_cap_bytes",
                        config.kernels().memoryMiB() << 20));
        return m;
    }

    void attach(Connection c) {
        connections.add(c);
        touch();
    }

    void detach(Connection c) {
        connections.remove(c);
    }

    private void touch() {
        lastActivity = Instant.now();
    }

    // ---- messages in ----------------------------------------------------------------------------------------

    /** A message from a connection; called on the connection's thread, never blocks on a cell. */
    void receive(Connection from, Message m) {
        if (dead) return;
        touch();
        String type = m.msgType();
        switch (type) {
            case "input_reply" -> {
                if (waitingForInput)
                    inputReplies.offer(m.content().path("value").asText(""));
                else error(from, m, "UnexpectedInputReply", "no input was requested");
            }
            case "interrupt_request" -> {
                interrupt();
                reply(from, m, "interrupt_reply", ok());
            }
            case "shutdown_request" -> {
                boolean restart = m.content().path("restart").asBoolean(false);
                ObjectNode c = ok();
                c.put("restart", restart);
                reply(from, m, "shutdown_reply", c);
                if (restart) restart();
                else onShutdown.accept(this);
            }
            case "kernel_info_request" -> {
                boolean idle = state.equals("idle");
                if (idle) status("busy", m);
                reply(from, m, "kernel_info_reply", kernelInfo());
                if (idle) status("idle", m);
                else status("busy", m);
            }
            case "comm_open" -> {
                // no comm targets: close it, as ipykernel does for an unknown target
                ObjectNode c = JupyterMessages.object();
                c.set("comm_id", m.content().path("comm_id"));
                c.set("data", JupyterMessages.object());
                broadcast(JupyterMessages.create("iopub", "comm_close", m, session, c));
            }
            case "comm_msg", "comm_close" -> {
                // no comms are ever open: nothing to do
            }
            default -> {
                if (QUEUED.contains(type)) {
                    if (!queue.offer(new Work(from, m, received.incrementAndGet()))) {
                        error(
                                from,
                                m,
                                "KernelBusy",
                                "more than " + QUEUE_MAX + " requests are waiting for this kernel");
                    }
                } else {
                    error(
                            from,
                            m,
                            "UnknownMessageType",
                            "unknown msg_type '" + AuditLog.truncate(type, 64) + "'; this kernel answers "
                                    + String.join(", ", SUPPORTED));
                }
            }
        }
    }

    private ObjectNode kernelInfo() {
        ObjectNode c = ok();
        c.put("protocol_version", JupyterMessages.PROTOCOL_VERSION);
        c.put("implementation", "wasmbox");
        c.put(
                "implementation_version",
                Api.class.getPackage().getImplementationVersion() == null
                        ? "0.1.0"
                        : Api.class.getPackage().getImplementationVersion());
        c.set("language_info", JupyterMessages.object(spec.languageInfo()));
        c.put(
                "banner",
                spec.displayName() + ": " + spec.language().engineName() + " "
                        + spec.language().engineVersion()
                        + " in a WebAssembly sandbox (memory "
                        + config.kernels().memoryMiB() + " MiB, "
                        + config.kernels().cellTimeout().toMillis() + " ms per cell)");
        c.set("help_links", JupyterMessages.object().arrayNode());
        c.put("debugger", false);
        return c;
    }

    /** A reply whose status is error, for a request the kernel cannot take. */
    private void error(Connection from, Message m, String ename, String evalue) {
        String type = m.msgType();
        String replyType = type.endsWith("_request") ? type.substring(0, type.length() - 8) + "_reply" : "error";
        ObjectNode c = JupyterMessages.object();
        c.put("status", "error");
        c.put("ename", ename);
        c.put("evalue", evalue);
        c.set("traceback", c.arrayNode().add(ename + ": " + evalue));
        from.send(
                JupyterMessages.create(m.channel().equals("stdin") ? "shell" : m.channel(), replyType, m, session, c));
    }

    // ---- the worker -------------------------------------------------------------------------------------------

    private void work() {
        while (!dead) {
            Work w;
            try {
                w = queue.take();
            } catch (InterruptedException e) {
                continue; // shutdown, or a stray interrupt
            }
            busy.lock();
            try {
                if (!dead) handle(w);
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "kernel " + id + " failed on " + w.message().msgType(),
                        e);
                state = "idle";
            } finally {
                busy.unlock();
            }
        }
    }

    private void handle(Work w) {
        Message m = w.message();
        switch (m.msgType()) {
            case "execute_request" -> execute(w.from(), m);
            case "complete_request" -> withStatus(m, () -> reply(w.from(), m, "complete_reply", complete(m)));
            case "is_complete_request" -> withStatus(m, () -> reply(w.from(), m, "is_complete_reply", isComplete(m)));
            case "inspect_request" ->
                withStatus(m, () -> {
                    ObjectNode c = ok();
                    c.put("found", false);
                    c.set("data", JupyterMessages.object());
                    c.set("metadata", JupyterMessages.object());
                    reply(w.from(), m, "inspect_reply", c);
                });
            case "history_request" ->
                withStatus(m, () -> {
                    ObjectNode c = ok();
                    c.set("history", c.arrayNode());
                    reply(w.from(), m, "history_reply", c);
                });
            case "comm_info_request" ->
                withStatus(m, () -> {
                    ObjectNode c = ok();
                    c.set("comms", JupyterMessages.object());
                    reply(w.from(), m, "comm_info_reply", c);
                });
            default -> error(w.from(), m, "UnknownMessageType", "unknown msg_type");
        }
    }

    private void withStatus(Message parent, Runnable r) {
        state = "busy";
        status("busy", parent);
        try {
            r.run();
        } finally {
            state = "idle";
            status("idle", parent);
        }
    }

    /** What a cell ended with: a value to show, or an error. */
    private record CellResult(JsonNode value, String ename, String evalue, List<String> traceback) {
        static CellResult ok(JsonNode value) {
            return new CellResult(value, null, null, null);
        }

        static CellResult error(String ename, String evalue, List<String> traceback) {
            return new CellResult(null, ename, evalue, traceback);
        }
    }

    private void execute(Connection from, Message m) {
        ObjectNode content = m.content();
        String code = content.path("code").asText("");
        boolean silent = content.path("silent").asBoolean(false);
        boolean storeHistory =
                content.has("store_history") ? content.path("store_history").asBoolean(!silent) : !silent;
        boolean allowStdin = content.path("allow_stdin").asBoolean(false);
        long abortUpTo = -1;
        state = "busy";
        status("busy", m);
        try {
            if (storeHistory) executionCount++;
            int count = executionCount;
            if (!silent) {
                ObjectNode input = JupyterMessages.object();
                input.put("code", code);
                input.put("execution_count", count);
                broadcast(JupyterMessages.create("iopub", "execute_input", m, session, input));
            }
            CellOutput out = new CellOutput(m);
            output = out;
            CellResult result;
            try {
                result = runCell(code, out, allowStdin ? new CellStdin(from, m, out) : null);
            } finally {
                out.flush(true);
                output = null;
            }
            long endedAt = received.get(); // before the client can learn that the cell ended
            cells.incrementAndGet();
            ObjectNode reply = JupyterMessages.object();
            if (result.ename() != null) {
                ObjectNode err = JupyterMessages.object();
                err.put("ename", result.ename());
                err.put("evalue", result.evalue());
                ArrayNode tb = err.putArray("traceback");
                result.traceback().forEach(tb::add);
                broadcast(JupyterMessages.create("iopub", "error", m, session, err.deepCopy()));
                reply.put("status", "error");
                reply.put("execution_count", count);
                reply.setAll(err);
                // requests that came while the cell ran; not those sent after the client saw this cell end
                if (content.path("stop_on_error").asBoolean(true)) abortUpTo = endedAt;
            } else {
                if (!silent && result.value() != null && !result.value().isNull()) {
                    ObjectNode data = JupyterMessages.object();
                    data.put("text/plain", JupyterMessages.textPlain(result.value(), spec.python()));
                    data.set("application/json", result.value());
                    ObjectNode r = JupyterMessages.object();
                    r.put("execution_count", count);
                    r.set("data", data);
                    r.set("metadata", JupyterMessages.object());
                    broadcast(JupyterMessages.create("iopub", "execute_result", m, session, r));
                }
                reply.put("status", "ok");
                reply.put("execution_count", count);
                reply.set("user_expressions", JupyterMessages.object());
                reply.set("payload", reply.arrayNode());
            }
            reply(from, m, "execute_reply", reply);
        } finally {
            touch();
            state = "idle";
            status("idle", m);
        }
        if (abortUpTo >= 0) abortQueuedCells(abortUpTo);
    }

    /**
     * After a failed cell, the cells that were already waiting when it failed are not run (as ipykernel does):
     * each gets an aborted reply. Cells sent after the failure was reported run.
     */
    private void abortQueuedCells(long upTo) {
        for (Work w : List.copyOf(queue)) {
            if (w.seq() > upTo || !w.message().msgType().equals("execute_request") || !queue.remove(w)) continue;
            status("busy", w.message());
            ObjectNode c = JupyterMessages.object();
            c.put("status", "aborted");
            c.putNull("execution_count");
            reply(w.from(), w.message(), "execute_reply", c);
            status("idle", w.message());
        }
    }

    private CellResult runCell(String code, CellOutput out, InputStream stdin) {
        if (code.isBlank()) return CellResult.ok(null);
        long start = System.nanoTime();
        lastRun = null;
        CellResult result = runCellLogged(code, out, stdin);
        ExecutionResult r = lastRun;
        String outcome = r != null
                ? Runner.status(r)
                : result.ename() == null
                        ? "success"
                        : result.ename().equals("KeyboardInterrupt")
                                        || result.ename().equals("InterruptedError")
                                ? "interrupted"
                                : "refused:" + result.ename();
        try {
            log.cell(id, client, spec.name(), code, outcome, (System.nanoTime() - start) / 1_000_000, r);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "auditing a cell failed", e);
        }
        return result;
    }

    private CellResult runCellLogged(String code, CellOutput out, InputStream stdin) {
        Sandbox sb = sandbox;
        if (sb == null || sb.isClosed()) {
            try {
                sb = sandbox = newSandbox();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "kernel " + id + ": cannot make a sandbox", e);
                String evalue = "the kernel has no sandbox and could not make one (" + Http.clean(e.getMessage()) + ")";
                return CellResult.error("KernelError", evalue, List.of("KernelError: " + evalue));
            }
        }
        RunOptions.Builder options =
                RunOptions.builder().outputListener(out).fileName(spec.python() ? "<cell>" : "cell");
        if (stdin != null) options.stdin(stdin);
        RunOptions opts = options.build();
        Sandbox running = sb;
        try (Runner.Admission admission = runner.admit(client, 1)) {
            synchronized (this) {
                interruptRequested = false;
                inputInterrupted = false;
                cellThread = Thread.currentThread();
            }
            ExecutionResult r = runner.inSlot(admission, () -> running.run(code, opts));
            lastRun = r;
            memoryBytes = r.peakMemoryBytes();
            boolean atInput;
            synchronized (this) {
                atInput = inputInterrupted;
            }
            if (atInput && !running.isClosed()) {
                String ename = spec.python() ? "KeyboardInterrupt" : "InterruptedError";
                String evalue = "the cell was interrupted while it waited for input; the kernel's state is intact";
                return CellResult.error(ename, evalue, List.of(ename + ": " + evalue));
            }
            return result(r, running);
        } catch (InterruptedException e) {
            return interrupted(false);
        } catch (InvalidCodeException | CodeTooLargeException | InputTooLargeException e) {
            return CellResult.error(
                    e instanceof InvalidCodeException ? "SyntaxError" : "LimitExceeded",
                    e.getMessage(),
                    List.of(e.getMessage()));
        } catch (WasmboxException e) {
            boolean byInterrupt;
            synchronized (this) {
                byInterrupt = interruptRequested;
            }
            if (byInterrupt) return interrupted(true);
            LOG.log(Level.WARNING, "kernel " + id + ": cell failed", e);
            replaceSandbox();
            return CellResult.error(
                    "KernelError",
                    "the cell could not run (" + Http.clean(e.getMessage())
                            + "); the kernel restarted with a fresh sandbox: earlier variables are gone",
                    List.of());
        } catch (ApiError e) {
            return CellResult.error(
                    e.code().equals("queue_full") || e.code().equals("client_queue_full")
                            ? "ServiceBusy"
                            : "ServiceError",
                    e.getMessage(),
                    List.of(e.getMessage()));
        } finally {
            synchronized (this) {
                cellThread = null;
                interruptRequested = false;
                Thread.interrupted();
            }
        }
    }

    private CellResult interrupted(boolean sandboxLost) {
        if (sandboxLost) replaceSandbox();
        String ename = spec.python() ? "KeyboardInterrupt" : "InterruptedError";
        String evalue = sandboxLost
                ? "the cell was interrupted; the kernel restarted with a fresh sandbox (a running cell cannot be stopped "
                        + "without losing its interpreter): earlier variables are gone"
                : "the cell was interrupted before it started; the kernel's state is intact";
        return CellResult.error(ename, evalue, List.of(ename + ": " + evalue));
    }

    private CellResult result(ExecutionResult r, Sandbox sb) {
        boolean lost = sb.isClosed();
        if (lost) replaceSandbox();
        String restarted = lost ? "; the kernel restarted with a fresh sandbox: earlier variables are gone" : "";
        if (r.timeoutHit()) {
            String evalue =
                    "the cell ran longer than " + config.kernels().cellTimeout().toMillis() + " ms" + restarted;
            return CellResult.error("TimeoutError", evalue, List.of("TimeoutError: " + evalue));
        }
        GuestError e = r.error();
        if (e != null) {
            String evalue = e.message() + restarted;
            return CellResult.error(e.type(), evalue, traceback(e, evalue));
        }
        if (r.exitCode() != 0) {
            String evalue = Integer.toString(r.exitCode()) + restarted;
            return CellResult.error(
                    spec.python() ? "SystemExit" : "Exit",
                    evalue,
                    List.of((spec.python() ? "SystemExit: " : "Exit: ") + evalue));
        }
        return CellResult.ok(r.valueAs(JsonNode.class));
    }

    private List<String> traceback(GuestError e, String evalue) {
        List<String> tb = new ArrayList<>();
        String summary = e.type() + ": " + evalue;
        String stack = e.stackTrace() == null ? "" : e.stackTrace().strip();
        if (spec.python()) {
            if (!stack.isEmpty()) tb.addAll(stack.lines().toList());
            if (tb.isEmpty() || !tb.getLast().startsWith(e.type())) tb.add(summary);
        } else {
            tb.add(summary);
            stack.lines()
                    .filter(l -> !l.isBlank() && !l.equals(e.type() + ": " + e.message()))
                    .forEach(tb::add);
        }
        return tb;
    }

    private void replaceSandbox() {
        Sandbox old = sandbox;
        if (old != null) old.close();
        try {
            sandbox = newSandbox();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "kernel " + id + ": cannot make a new sandbox", e);
            sandbox = null; // the next cell tries again
        }
    }

    // ---- completion --------------------------------------------------------------------------------------------

    private ObjectNode complete(Message m) {
        String code = m.content().path("code").asText("");
        int cursor = Math.min(Math.max(0, m.content().path("cursor_pos").asInt(code.length())), code.length());
        int start = cursor;
        while (start > 0 && (Character.isJavaIdentifierPart(code.charAt(start - 1)))) start--;
        String prefix = code.substring(start, cursor);
        List<String> matches = new ArrayList<>();
        boolean attribute = start > 0 && code.charAt(start - 1) == '.';
        if (!attribute && (!prefix.isEmpty() || cursor == 0)) {
            for (String name : names()) if (name.startsWith(prefix) && !name.startsWith("__wasmbox")) matches.add(name);
        }
        ObjectNode c = ok();
        ArrayNode arr = c.putArray("matches");
        matches.stream().distinct().sorted().limit(200).forEach(arr::add);
        c.put("cursor_start", start);
        c.put("cursor_end", cursor);
        c.set("metadata", JupyterMessages.object());
        return c;
    }

    /** The kernel's global names and the language's keywords and builtins. */
    private List<String> names() {
        List<String> names = new ArrayList<>();
        String snippet = spec.python()
                ? "sorted(set(list(globals()) + dir(__builtins__) + __import__('keyword').kwlist))"
                : "[...new Set([...Object.getOwnPropertyNames(globalThis), 'break', 'case', 'catch', 'class', 'const', "
                        + "'continue', 'debugger', 'default', 'delete', 'do', 'else', 'export', 'extends', 'finally', 'for', "
                        + "'function', 'if', 'import', 'in', 'instanceof', 'let', 'new', 'return', 'super', 'switch', 'this', "
                        + "'throw', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'async', 'await'])]";
        Sandbox sb = sandbox;
        if (sb == null || sb.isClosed()) return names;
        try {
            ExecutionResult r = sb.run(
                    snippet, RunOptions.builder().timeout(Duration.ofSeconds(2)).build());
            JsonNode v = r.valueAs(JsonNode.class);
            if (v != null && v.isArray()) v.forEach(n -> names.add(n.asText()));
            if (sb.isClosed()) replaceSandbox();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "completion failed", e);
        }
        return names;
    }

    private ObjectNode isComplete(Message m) {
        String code = m.content().path("code").asText("");
        ObjectNode c = JupyterMessages.object();
        if (code.isBlank()) {
            c.put("status", "complete");
            return c;
        }
        Sandbox sb = sandbox;
        GuestError e;
        try {
            e = sb == null || sb.isClosed() ? null : sb.check(code);
        } catch (RuntimeException ex) {
            c.put("status", "unknown");
            return c;
        }
        if (e == null) {
            // Python: a block opener or a continued line waits for more, even when it parses
            boolean open = spec.python()
                    && (code.stripTrailing().endsWith(":")
                            || code.stripTrailing().endsWith("\\"));
            c.put("status", open ? "incomplete" : "complete");
            if (open) c.put("indent", "    ");
            return c;
        }
        String msg = (e.message() == null ? "" : e.message()).toLowerCase(Locale.ROOT);
        boolean incomplete = msg.contains("unexpected eof")
                || msg.contains("was never closed")
                || msg.contains("expected an indented block")
                || msg.contains("unexpected end")
                || msg.contains("unterminated triple-quoted")
                || msg.contains("expecting")
                || msg.contains("end of input")
                || msg.contains("unterminated template");
        c.put("status", incomplete ? "incomplete" : "invalid");
        if (incomplete) c.put("indent", spec.python() && code.stripTrailing().endsWith(":") ? "    " : "");
        return c;
    }

    // ---- control ----------------------------------------------------------------------------------------------

    /**
     * Stops the running cell, if any. A cell waiting for input gets end of input instead, so it ends (Python:
     * {@code EOFError}) and the kernel keeps its state; a computing cell is stopped, and its sandbox with it.
     */
    synchronized void interrupt() {
        if (cellThread == null) return;
        if (waitingForInput) {
            inputInterrupted = true;
            inputReplies.offer(END_OF_INPUT);
            return;
        }
        interruptRequested = true;
        cellThread.interrupt();
    }

    /** A fresh sandbox and execution count; a running cell is interrupted first. */
    void restart() {
        if (dead) return;
        queue.clear();
        interrupt();
        busy.lock();
        try {
            Sandbox old = sandbox;
            if (old != null) old.close();
            executionCount = 0;
            session = UUID.randomUUID().toString();
            state = "starting";
            status("starting", null);
            replaceSandbox(); // on failure the next cell tries again, and says so if it cannot
            state = "idle";
            status("idle", null);
        } finally {
            busy.unlock();
        }
        touch();
    }

    /** Ends the kernel: the running cell is stopped, connections closed, the sandbox freed. */
    void shutdown(String reason) {
        if (dead) return;
        dead = true;
        state = "dead";
        queue.clear();
        interrupt();
        worker.interrupt();
        for (Connection c : connections) c.close(1000, reason);
        connections.clear();
        Sandbox sb = sandbox;
        if (sb != null) sb.close();
        sandbox = null;
    }

    /** Sends output that has waited long enough (called every 100 ms by the manager). */
    void flushOutput() {
        CellOutput out = output;
        if (out != null) out.tick();
    }

    // ---- messages out -----------------------------------------------------------------------------------------

    private static ObjectNode ok() {
        ObjectNode c = JupyterMessages.object();
        c.put("status", "ok");
        return c;
    }

    private void reply(Connection to, Message parent, String type, ObjectNode content) {
        to.send(JupyterMessages.create(
                parent.channel().equals("control") ? "control" : "shell", type, parent, session, content));
    }

    private void status(String executionState, Message parent) {
        ObjectNode c = JupyterMessages.object();
        c.put("execution_state", executionState);
        broadcast(JupyterMessages.create("iopub", "status", parent, session, c));
    }

    private void broadcast(Message m) {
        for (Connection c : connections) c.send(m);
    }

    /**
     * A cell's stdout and stderr as {@code stream} messages: writes are merged, complete lines sent when 8 KiB
     * wait or every 100 ms, a partial line after 200 ms; a partial stdout line still waiting when the cell asks for
     * input becomes the input request's prompt.
     */
    private final class CellOutput implements OutputListener {
        private final Message parent;
        private final StringBuilder buffer = new StringBuilder();
        private String name;
        private long lastWrite;

        CellOutput(Message parent) {
            this.parent = parent;
        }

        @Override
        public void stdout(String text) {
            append("stdout", text);
        }

        @Override
        public void stderr(String text) {
            append("stderr", text);
        }

        private synchronized void append(String stream, String text) {
            if (!stream.equals(name)) {
                flush(true);
                name = stream;
            }
            buffer.append(text);
            lastWrite = System.nanoTime();
            if (buffer.length() >= 8192) flush(false);
        }

        synchronized void tick() {
            flush(System.nanoTime() - lastWrite > 200_000_000L);
        }

        synchronized void flush(boolean all) {
            if (buffer.isEmpty()) return;
            int cut = all ? buffer.length() : buffer.lastIndexOf("\n") + 1;
            if (cut == 0) return;
            ObjectNode c = JupyterMessages.object();
            c.put("name", name);
            c.put("text", buffer.substring(0, cut));
            buffer.delete(0, cut);
            broadcast(JupyterMessages.create("iopub", "stream", parent, session, c));
        }

        /** The partial stdout line waiting (the prompt of an {@code input()}), taken out of the stream. */
        synchronized String takePrompt() {
            if (!"stdout".equals(name)) {
                flush(true);
                return "";
            }
            int nl = buffer.lastIndexOf("\n") + 1;
            String prompt = buffer.substring(nl);
            buffer.setLength(nl);
            flush(true);
            return prompt;
        }
    }

    /** A cell's stdin: each read with nothing left asks the client ({@code input_request}) and waits for its reply. */
    private final class CellStdin extends InputStream {
        private final Connection from;
        private final Message parent;
        private final CellOutput out;
        private byte[] pending = new byte[0];
        private int pos;
        private boolean ended;

        CellStdin(Connection from, Message parent, CellOutput out) {
            this.from = from;
            this.parent = parent;
            this.out = out;
        }

        @Override
        public int read() throws InterruptedIOException {
            if (pos >= pending.length && !fill()) return -1;
            return pending[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws InterruptedIOException {
            if (len == 0) return 0;
            if (pos >= pending.length && !fill()) return -1;
            int n = Math.min(len, pending.length - pos);
            System.arraycopy(pending, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Asks the client for a line; false at end of input (the cell was interrupted while waiting). */
        private boolean fill() throws InterruptedIOException {
            if (ended) return false;
            ObjectNode c = JupyterMessages.object();
            c.put("prompt", out.takePrompt());
            c.put("password", false);
            synchronized (Kernel.this) {
                inputReplies.clear();
                waitingForInput = true;
            }
            from.send(JupyterMessages.create("stdin", "input_request", parent, session, c));
            String value;
            try {
                value = inputReplies.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            } finally {
                waitingForInput = false;
            }
            if (value == END_OF_INPUT) {
                ended = true;
                return false;
            }
            pending = (value + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }
}

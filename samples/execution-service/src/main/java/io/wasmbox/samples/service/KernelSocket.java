package io.wasmbox.samples.service;

import io.wasmbox.samples.service.JupyterMessages.BadMessage;
import io.wasmbox.samples.service.JupyterMessages.Message;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One WebSocket connection to a kernel ({@code /api/kernels/{id}/channels}): frames in, parsed and handed to the
 * kernel; messages out, as JSON text or, when the client chose the {@code v1.kernel.websocket.jupyter.org}
 * subprotocol, as its binary frames. A frame that is not a message gets an error message back (the connection
 * stays); a client that reads too slowly for what it is sent is disconnected rather than buffered for.
 *
 * <p>Public only because Jetty calls its listener methods through a public lookup; it has no public constructor.
 */
public final class KernelSocket implements Session.Listener.AutoDemanding, Kernel.Connection {
    private static final System.Logger LOG = System.getLogger(KernelSocket.class.getName());
    /** Bad frames tolerated on one connection before it is closed. */
    static final int MAX_BAD_FRAMES = 100;

    private final Kernel kernel;
    private final boolean v1;
    private final long maxPendingBytes;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicInteger badFrames = new AtomicInteger();
    private volatile Session session;

    KernelSocket(Kernel kernel, boolean v1, long maxPendingBytes) {
        this.kernel = kernel;
        this.v1 = v1;
        this.maxPendingBytes = maxPendingBytes;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        if (kernel.dead()) {
            session.close(StatusCode.NORMAL, "kernel is shut down", Callback.NOOP);
            return;
        }
        kernel.attach(this);
    }

    @Override
    public void onWebSocketText(String text) {
        Message m;
        try {
            m = JupyterMessages.parseText(text);
        } catch (BadMessage e) {
            bad(e.getMessage());
            return;
        }
        kernel.receive(this, m);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        try {
            if (!v1) {
                bad("binary frames need the " + JupyterMessages.V1_SUBPROTOCOL + " subprotocol; send JSON text frames");
                return;
            }
            Message m;
            try {
                m = JupyterMessages.parseV1(payload);
            } catch (BadMessage e) {
                bad(e.getMessage());
                return;
            }
            kernel.receive(this, m);
        } finally {
            callback.succeed();
        }
    }

    /** Tells the client what was wrong with its frame, on iopub with no parent (so no request waits for it). */
    private void bad(String reason) {
        if (badFrames.incrementAndGet() > MAX_BAD_FRAMES) {
            close(StatusCode.POLICY_VIOLATION, "too many malformed frames");
            return;
        }
        var content = JupyterMessages.object();
        content.put("ename", "BadMessage");
        content.put("evalue", reason);
        content.set("traceback", content.arrayNode().add("BadMessage: " + reason));
        send(JupyterMessages.create("iopub", "error", null, "wasmbox", content));
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        kernel.detach(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(Level.DEBUG, "kernel socket failed: " + cause);
        kernel.detach(this);
    }

    @Override
    public synchronized void send(Message message) {
        Session s = session;
        if (s == null || !s.isOpen()) return;
        if (v1) {
            ByteBuffer frame = JupyterMessages.toV1(message);
            long size = frame.remaining();
            if (!reserve(size)) return;
            s.sendBinary(frame, Callback.from(() -> pendingBytes.addAndGet(-size), this::failed));
        } else {
            String text = JupyterMessages.toText(message);
            long size = text.length();
            if (!reserve(size)) return;
            s.sendText(text, Callback.from(() -> pendingBytes.addAndGet(-size), this::failed));
        }
    }

    private boolean reserve(long size) {
        if (pendingBytes.addAndGet(size) > maxPendingBytes) {
            close(StatusCode.TRY_AGAIN_LATER, "the client does not read its messages fast enough");
            return false;
        }
        return true;
    }

    private void failed(Throwable t) {
        LOG.log(Level.DEBUG, "kernel socket write failed: " + t);
        Session s = session;
        if (s != null) s.disconnect();
    }

    @Override
    public void close(int code, String reason) {
        Session s = session;
        if (s != null && s.isOpen()) s.close(code, reason, Callback.NOOP);
        kernel.detach(this);
    }
}

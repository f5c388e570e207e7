package io.wasmbox.samples.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jupyter sessions ({@code /api/sessions}): a name for a kernel, as JupyterLab creates one per notebook or
 * console. A session lives as long as its kernel: a session whose kernel was shut down or culled is gone.
 */
final class JupyterSessions {
    /** One session: its path, name and type as the client gave them, and its kernel. */
    static final class Session {
        final String id = UUID.randomUUID().toString();
        volatile String path;
        volatile String name;
        volatile String type;
        volatile String kernelId;
        final String client;

        Session(String path, String name, String type, String kernelId, String client) {
            this.path = path;
            this.name = name;
            this.type = type;
            this.kernelId = kernelId;
            this.client = client;
        }
    }

    private final KernelManager kernels;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    JupyterSessions(KernelManager kernels) {
        this.kernels = kernels;
    }

    Session create(String path, String name, String type, String kernelId, String client) {
        prune();
        if (sessions.size() >= kernels.maxSessions()) {
            throw new ApiError(429, "too_many_sessions", "the service holds its most sessions; delete some first");
        }
        Session s = new Session(path, name, type, kernelId, client);
        sessions.put(s.id, s);
        return s;
    }

    /** A session with the same path and kernel spec, which JupyterLab expects to be reused. */
    Session findByPath(String path) {
        prune();
        if (path == null || path.isEmpty()) return null;
        return sessions.values().stream()
                .filter(s -> path.equals(s.path))
                .findFirst()
                .orElse(null);
    }

    Session get(String id) {
        prune();
        Session s = id == null ? null : sessions.get(id);
        if (s == null) throw new ApiError(404, "session_not_found", "no session " + AuditLog.truncate(id, 64));
        return s;
    }

    void delete(String id) {
        Session s = get(id);
        sessions.remove(s.id);
        kernels.shutdown(s.kernelId, "session deleted");
    }

    List<Session> list() {
        prune();
        return new ArrayList<>(sessions.values());
    }

    /** Forgets sessions whose kernel is gone. */
    private void prune() {
        sessions.values().removeIf(s -> !kernels.exists(s.kernelId));
    }

    Map<String, Object> model(Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id);
        m.put("path", s.path);
        m.put("name", s.name);
        m.put("type", s.type);
        m.put("kernel", kernels.exists(s.kernelId) ? kernels.get(s.kernelId).model() : null);
        m.put("notebook", Map.of("path", s.path, "name", s.name));
        return m;
    }
}

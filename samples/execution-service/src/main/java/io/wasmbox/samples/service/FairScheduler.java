package io.wasmbox.samples.service;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Execution slots shared fairly between clients. Admission bounds what waits: at most {@code capacity}
 * executions running or queued in all, at most {@code clientShare} of them one client's. When a slot frees
 * up it goes to the waiting client with the fewest executions running, and among those the one served
 * longest ago; a client's own executions (a batch's items included) start in the order they came. So a
 * client's request waits for at most one running execution to end, whatever another client has queued.
 */
final class FairScheduler {
    private final int slots;
    private final int capacity;
    private final int clientShare;
    private final Map<String, Client> clients = new HashMap<>();
    private int running;
    private int admitted;
    private long served;

    private static final class Client {
        int running;
        int admitted;
        long lastServed;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    }

    private static final class Waiter {
        boolean granted;
    }

    FairScheduler(int slots, int capacity, int clientShare) {
        this.slots = slots;
        this.capacity = capacity;
        this.clientShare = clientShare;
    }

    /** Why an admission failed, or null when it was granted. */
    enum Refusal {
        QUEUE_FULL,
        CLIENT_SHARE
    }

    /** Admits {@code count} executions of {@code client} (running or waiting), or says why not. */
    synchronized Refusal admit(String client, int count) {
        Client c = clients.computeIfAbsent(client, k -> new Client());
        if (admitted + count > capacity) {
            forgetIfIdle(client, c);
            return Refusal.QUEUE_FULL;
        }
        if (c.admitted + count > clientShare) {
            forgetIfIdle(client, c);
            return Refusal.CLIENT_SHARE;
        }
        c.admitted += count;
        admitted += count;
        return null;
    }

    synchronized void release(String client, int count) {
        Client c = clients.get(client);
        if (c == null) return;
        c.admitted -= count;
        admitted -= count;
        forgetIfIdle(client, c);
    }

    /**
     * Waits until one of the client's admitted executions may run.
     *
     * @return false when no slot came within the timeout
     */
    synchronized boolean acquire(String client, long timeoutNanos) throws InterruptedException {
        Client c = clients.computeIfAbsent(client, k -> new Client());
        Waiter w = new Waiter();
        c.waiting.addLast(w);
        dispatch();
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (!w.granted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                wait(Math.max(1, left / 1_000_000), 0);
            }
        } catch (InterruptedException e) {
            if (!w.granted) {
                c.waiting.remove(w);
                forgetIfIdle(client, c);
                throw e;
            }
            Thread.currentThread().interrupt();
        }
        if (!w.granted) {
            c.waiting.remove(w);
            forgetIfIdle(client, c);
        }
        return w.granted;
    }

    /** Gives a running slot back. */
    synchronized void releaseSlot(String client) {
        Client c = clients.get(client);
        running--;
        if (c != null) {
            c.running--;
            forgetIfIdle(client, c);
        }
        dispatch();
    }

    private void dispatch() {
        boolean any = false;
        while (running < slots) {
            Client next = null;
            for (Client c : clients.values()) {
                if (c.waiting.isEmpty()) continue;
                if (next == null
                        || c.running < next.running
                        || (c.running == next.running && c.lastServed < next.lastServed)) {
                    next = c;
                }
            }
            if (next == null) break;
            next.waiting.removeFirst().granted = true;
            next.running++;
            next.lastServed = ++served;
            running++;
            any = true;
        }
        if (any) notifyAll();
    }

    private void forgetIfIdle(String client, Client c) {
        if (c.admitted <= 0 && c.running <= 0 && c.waiting.isEmpty()) clients.remove(client, c);
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return Math.max(0, admitted - running);
    }
}

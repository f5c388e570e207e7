package io.wasmbox.js;

import io.wasmbox.js.TypeScriptTranspiler.Result;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Transpile results by source text, least recently used first out, bounded in entries and in size (two
 * bytes a character, plus each result's weight). Thread-safe.
 */
final class TranspileCache {
    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<String, Result> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    TranspileCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    synchronized Result get(String source) {
        return entries.get(source);
    }

    /** Keeps a result; one larger than a quarter of the cache is not kept. */
    synchronized void put(String source, Result result) {
        long weight = weight(source, result);
        if (weight > maxBytes / 4) return;
        Result old = entries.put(source, result);
        if (old != null) bytes -= weight(source, old);
        bytes += weight;
        Iterator<Map.Entry<String, Result>> it = entries.entrySet().iterator();
        while ((bytes > maxBytes || entries.size() > maxEntries) && it.hasNext()) {
            Map.Entry<String, Result> eldest = it.next();
            bytes -= weight(eldest.getKey(), eldest.getValue());
            it.remove();
        }
    }

    synchronized void clear() {
        entries.clear();
        bytes = 0;
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    private static long weight(String source, Result result) {
        return 2L * source.length() + result.weight();
    }
}

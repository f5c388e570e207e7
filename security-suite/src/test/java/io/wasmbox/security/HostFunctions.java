package io.wasmbox.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wasmbox.HostFunction;
import io.wasmbox.spi.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The host functions hostile cases get to abuse: well-behaved ones, failing ones, slow ones, garbage. */
final class HostFunctions {
    static final int HUGE_CHARS = 8 * 1024 * 1024;
    static final int DEEP_LEVELS = 50_000;

    private HostFunctions() {}

    static Map<String, HostFunction> standard() {
        Map<String, HostFunction> f = new LinkedHashMap<>();
        f.put("echo", args -> args.isEmpty() ? NullNode.getInstance() : args.getFirst());
        f.put("count", args -> IntNode.valueOf(args.size()));
        f.put("fail", args -> {
            throw new IllegalStateException("refused by host");
        });
        f.put("failNull", args -> {
            throw new RuntimeException((String) null);
        });
        f.put("failChecked", args -> {
            throw new IOException("disk on fire at /srv/host/secret-path");
        });
        f.put("failStackOverflow", args -> {
            throw new StackOverflowError();
        });
        f.put("slow", args -> {
            Thread.sleep(60_000);
            return TextNode.valueOf("woke up");
        });
        f.put("spin", args -> {
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) x++;
            return IntNode.valueOf((int) x);
        });
        f.put("huge", args -> TextNode.valueOf("h".repeat(HUGE_CHARS)));
        f.put("wide", args -> {
            ArrayNode a = Json.nodes().arrayNode();
            for (int i = 0; i < 200_000; i++) a.add(i);
            return a;
        });
        f.put("deep", args -> {
            JsonNode node = Json.nodes().arrayNode();
            for (int i = 0; i < DEEP_LEVELS; i++)
                node = Json.nodes().arrayNode().add(node);
            return node;
        });
        f.put("missing", args -> MissingNode.getInstance());
        f.put("pojo", args -> new POJONode(new Object()));
        f.put("selfRef", args -> new POJONode(new SelfReferencing()));
        f.put("loneSurrogate", args -> TextNode.valueOf("a\uD800b"));
        f.put("nan", args -> DoubleNode.valueOf(Double.NaN));
        f.put("nullNode", args -> null);
        return f;
    }

    /** A bean whose getter returns itself: Jackson cannot serialise it. */
    static final class SelfReferencing {
        public SelfReferencing getSelf() {
            return this;
        }
    }

    static final AtomicInteger CALLS = new AtomicInteger();
}

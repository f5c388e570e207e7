package io.wasmbox.samples.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Jupyter messaging protocol 5.3 on a WebSocket: messages as JSON text frames with a {@code channel} field
 * (Jupyter Server's default), or as binary frames of the {@code v1.kernel.websocket.jupyter.org} subprotocol
 * (a little-endian uint64 count of offsets, the offsets, then channel, header, parent header, metadata, content
 * and any buffers). Parsing refuses anything that is not a well-formed message with a clear reason.
 */
final class JupyterMessages {
    static final String PROTOCOL_VERSION = "5.3";
    static final String V1_SUBPROTOCOL = "v1.kernel.websocket.jupyter.org";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> CLIENT_CHANNELS = Set.of("shell", "control", "stdin");

    private JupyterMessages() {}

    /** One message: what a client sent, or what the kernel sends. */
    record Message(
            String channel, ObjectNode header, ObjectNode parentHeader, ObjectNode metadata, ObjectNode content) {
        String msgType() {
            return header.path("msg_type").asText("");
        }

        String msgId() {
            return header.path("msg_id").asText("");
        }
    }

    /** A frame that is not a message a kernel can take; the reason is safe to show the client. */
    static final class BadMessage extends Exception {
        private static final long serialVersionUID = 1L;

        BadMessage(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A JSON text frame. */
    static Message parseText(String text) throws BadMessage {
        JsonNode node;
        try {
            node = Http.JSON.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new BadMessage("malformed message: JSON nested too deeply or a value too long");
        } catch (JsonProcessingException e) {
            throw new BadMessage("malformed message: not JSON (" + Http.clean(e.getOriginalMessage()) + ")");
        }
        if (node == null || !node.isObject()) throw new BadMessage("malformed message: expected a JSON object");
        return message(
                node.path("channel"),
                node.get("header"),
                node.get("parent_header"),
                node.get("metadata"),
                node.get("content"),
                false);
    }

    /** A binary frame of the v1 subprotocol. */
    static Message parseV1(ByteBuffer frame) throws BadMessage {
        return parseV1(frame, false);
    }

    /** A v1 frame from either side (tests read the kernel's frames with it). */
    static Message parseV1ForTest(ByteBuffer frame) throws BadMessage {
        return parseV1(frame, true);
    }

    private static Message parseV1(ByteBuffer frame, boolean anyChannel) throws BadMessage {
        ByteBuffer b = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int size = b.remaining();
        if (size < 8) throw new BadMessage("malformed v1 frame: shorter than its offset count");
        long count = b.getLong(b.position());
        if (count < 6 || count > 64 || 8 * (count + 1) > size) {
            throw new BadMessage("malformed v1 frame: " + count + " offsets (expected 6 to 64, within the frame)");
        }
        long[] offsets = new long[(int) count];
        for (int i = 0; i < count; i++) {
            offsets[i] = b.getLong(b.position() + 8 * (i + 1));
            long min = i == 0 ? 8 * (count + 1) : offsets[i - 1];
            if (offsets[i] < min || offsets[i] > size)
                throw new BadMessage("malformed v1 frame: offset " + i + " out of order or beyond the frame");
        }
        String[] parts = new String[5];
        for (int i = 0; i < 5; i++) parts[i] = utf8(b, (int) offsets[i], (int) offsets[i + 1]);
        JsonNode[] json = new JsonNode[4];
        for (int i = 0; i < 4; i++) {
            try {
                json[i] = Http.JSON.readTree(parts[i + 1]);
            } catch (IOException e) {
                throw new BadMessage("malformed v1 frame: part " + (i + 1) + " is not JSON");
            }
        }
        return message(NODES.textNode(parts[0]), json[0], json[1], json[2], json[3], anyChannel);
    }

    private static String utf8(ByteBuffer b, int from, int to) {
        byte[] bytes = new byte[to - from];
        b.get(b.position() + from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Message message(
            JsonNode channel, JsonNode header, JsonNode parent, JsonNode metadata, JsonNode content, boolean anyChannel)
            throws BadMessage {
        if (!channel.isTextual() || !(anyChannel || CLIENT_CHANNELS.contains(channel.asText()))) {
            throw new BadMessage("malformed message: 'channel' must be one of shell, control, stdin");
        }
        if (header == null || !header.isObject()) throw new BadMessage("malformed message: 'header' must be an object");
        if (!header.path("msg_type").isTextual()
                || header.path("msg_type").asText().isEmpty()) {
            throw new BadMessage("malformed message: header.msg_type must be a non-empty string");
        }
        if (!header.path("msg_id").isTextual())
            throw new BadMessage("malformed message: header.msg_id must be a string");
        if (content != null && !content.isNull() && !content.isObject()) {
            throw new BadMessage("malformed message: 'content' must be an object");
        }
        return new Message(
                channel.asText(),
                (ObjectNode) header,
                parent instanceof ObjectNode p ? p : NODES.objectNode(),
                metadata instanceof ObjectNode m ? m : NODES.objectNode(),
                content instanceof ObjectNode c ? c : NODES.objectNode());
    }

    /** A new message from the kernel, in reply to (or caused by) {@code parent}, which may be null. */
    static Message create(String channel, String msgType, Message parent, String session, ObjectNode content) {
        ObjectNode header = NODES.objectNode();
        header.put("msg_id", UUID.randomUUID().toString());
        header.put("session", session);
        header.put("username", "wasmbox");
        header.put("date", Instant.now().toString());
        header.put("msg_type", msgType);
        header.put("version", PROTOCOL_VERSION);
        return new Message(
                channel,
                header,
                parent == null ? NODES.objectNode() : parent.header().deepCopy(),
                NODES.objectNode(),
                content);
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ObjectNode object(Map<String, ?> values) {
        return Http.JSON.valueToTree(values);
    }

    /** The JSON text frame of a message. */
    static String toText(Message m) {
        ObjectNode node = NODES.objectNode();
        node.set("header", m.header());
        node.set("msg_id", m.header().get("msg_id"));
        node.set("msg_type", m.header().get("msg_type"));
        node.set("parent_header", m.parentHeader());
        node.set("metadata", m.metadata());
        node.set("content", m.content());
        node.set("buffers", NODES.arrayNode());
        node.put("channel", m.channel());
        try {
            return Http.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The v1 binary frame of a message. */
    static ByteBuffer toV1(Message m) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(m.channel().getBytes(StandardCharsets.UTF_8));
        try {
            for (JsonNode n : new JsonNode[] {m.header(), m.parentHeader(), m.metadata(), m.content()}) {
                parts.add(Http.JSON.writeValueAsBytes(n));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int count = parts.size() + 1;
        int headerSize = 8 * (count + 1);
        int total = headerSize + parts.stream().mapToInt(p -> p.length).sum();
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(count);
        long offset = headerSize;
        out.putLong(offset);
        for (byte[] p : parts) {
            offset += p.length;
            out.putLong(offset);
        }
        for (byte[] p : parts) out.put(p);
        return out.flip();
    }

    // ---- rendering values --------------------------------------------------------------------------------

    /** A value as the language would show it ({@code repr} for Python, node's console form for JavaScript). */
    static String textPlain(JsonNode value, boolean python) {
        StringBuilder sb = new StringBuilder();
        render(sb, value, python, 0);
        return sb.toString();
    }

    private static void render(StringBuilder sb, JsonNode v, boolean python, int depth) {
        if (depth > 50) {
            sb.append(python ? "..." : "[Object]");
            return;
        }
        if (v == null || v.isNull()) sb.append(python ? "None" : "null");
        else if (v.isBoolean()) sb.append(python ? (v.asBoolean() ? "True" : "False") : v.asText());
        else if (v.isIntegralNumber()) sb.append(v.bigIntegerValue());
        else if (v.isNumber()) sb.append(number(v.doubleValue(), python));
        else if (v.isTextual()) quote(sb, v.asText());
        else if (v.isArray()) {
            if (v.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append(python ? "[" : "[ ");
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) sb.append(", ");
                render(sb, v.get(i), python, depth + 1);
            }
            sb.append(python ? "]" : " ]");
        } else if (v.isObject()) {
            if (v.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append(python ? "{" : "{ ");
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!first) sb.append(", ");
                first = false;
                if (python) quote(sb, e.getKey());
                else if (e.getKey().matches("[A-Za-z_$][\\w$]*")) sb.append(e.getKey());
                else quote(sb, e.getKey());
                sb.append(": ");
                render(sb, e.getValue(), python, depth + 1);
            }
            sb.append(python ? "}" : " }");
        } else sb.append(v.asText());
    }

    private static String number(double d, boolean python) {
        if (Double.isNaN(d)) return python ? "nan" : "NaN";
        if (Double.isInfinite(d)) return (d < 0 ? "-" : "") + (python ? "inf" : "Infinity");
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return python ? String.format("%.1f", d) : Long.toString((long) d);
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String exp = s.substring(e + 1);
        return s.substring(0, e).replaceAll("\\.0$", "") + "e" + (exp.startsWith("-") ? exp : "+" + exp);
    }

    private static void quote(StringBuilder sb, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == q) sb.append('\\').append(c);
                    else if (c < 0x20) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append(q);
    }
}

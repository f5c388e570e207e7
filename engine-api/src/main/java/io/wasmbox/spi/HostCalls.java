package io.wasmbox.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.HostFunction;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Dispatches a guest's calls to the host functions bound on its sandbox. Every language's channel ends
 * here: the request is {@code {"name": "f", "args": [...]}}; the answer a {@link Reply} ({@link #call}) or,
 * on Python's channel, its text form ({@link #dispatch}). Only bound
 * names can be reached, so a guest that forges a request on the channel gains nothing it could not
 * already call.
 *
 * <p>Thread-safe: a sandbox's guest calls it on its guest thread; the bound-function map is read live.
 */
public final class HostCalls {
    private static final System.Logger LOG = System.getLogger(HostCalls.class.getName());
    /** No functions: what a guest without bindings gets. */
    public static final HostCalls NONE = new HostCalls(Map.of(), () -> false);

    private final Map<String, HostFunction> functions;
    private final BooleanSupplier stopRequested;

    /**
     * A dispatcher over a sandbox's bound functions.
     *
     * @param functions the live map of bound functions (read on every call)
     * @param stopRequested true once the sandbox is stopping the run (its timeout), so an interrupted
     *     callback lets the interrupt through; a callback that throws InterruptedException on its own is
     *     an ordinary failure
     */
    public HostCalls(Map<String, HostFunction> functions, BooleanSupplier stopRequested) {
        this.functions = functions;
        this.stopRequested = stopRequested;
    }

    /**
     * What one host call gave the guest: its value, or the failure's message.
     *
     * @param value the function's result as a tree (a null result is a JSON null); null when it failed
     * @param json the value as JSON text (written, and so known to be writable, while the call was handled);
     *     null when it failed
     * @param error the message the guest's exception carries; null when it succeeded
     */
    public record Reply(JsonNode value, String json, String error) {
        static Reply failed(String message) {
            return new Reply(null, null, message);
        }
    }

    /**
     * Handles one call; never throws for what the callback does.
     *
     * @param requestJson {@code {"name": "f", "args": [...]}}
     * @return the value or the failure
     */
    public Reply call(String requestJson) {
        String name = "?";
        try {
            JsonNode request = Json.parse(requestJson);
            name = request.path("name").asText();
            HostFunction fn = functions.get(name);
            if (fn == null) return Reply.failed("no host function named '" + name + "' is bound");
            List<Object> args = new ArrayList<>();
            request.path("args").forEach(arg -> args.add(Json.toJava(arg)));
            JsonNode value = Json.toTree(fn.call(Collections.unmodifiableList(args)));
            // written here: a result that cannot be JSON (a cycle, too deep, no serialiser) is the call's failure
            return new Reply(value, Json.write(value), null);
        } catch (InterruptedException e) {
            if (stopRequested.getAsBoolean()) Thread.currentThread().interrupt(); // let the guest stop
            return Reply.failed("host function '" + name + "' was interrupted");
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) throw e; // the host itself is in trouble: not the guest's to see
            return failure(name, e);
        } catch (Throwable e) {
            return failure(name, e);
        }
    }

    /**
     * Handles one call, in the wire format of Python's channel; never throws for what the callback does.
     *
     * @param requestJson {@code {"name": "f", "args": [...]}}
     * @return {@code "v"} and the value's JSON, or {@code "e"} and the failure's message: the guest reads a
     *     value without building an object around it
     */
    public String dispatch(String requestJson) {
        Reply reply = call(requestJson);
        return reply.error() != null ? "e" + reply.error() : "v" + reply.json();
    }

    private static Reply failure(String name, Throwable e) {
        LOG.log(Level.DEBUG, "host function " + name + " failed", e);
        String message = e.getMessage();
        return Reply.failed(message == null || message.isBlank() ? "host function '" + name + "' failed" : message);
    }
}

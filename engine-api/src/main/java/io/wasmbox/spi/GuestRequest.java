package io.wasmbox.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One run as the guest driver receives it, serialised with {@link #toJson()}: code, file name, stdin,
 * argv (after the script name), environment, prelude, and globals as JSON. When {@code stdinStream} is
 * true, {@code stdin} is empty and the script's stdin is the guest's WASI stdin ({@link
 * GuestContext#stdin()}), fed lazily by the host.
 */
public record GuestRequest(
        String code,
        String fileName,
        String stdin,
        boolean stdinStream,
        List<String> args,
        Map<String, String> env,
        String prelude,
        Map<String, JsonNode> globals) {

    public String toJson() {
        return Json.write(this);
    }
}

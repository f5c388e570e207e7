package io.wasmbox.plugins;

import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The host's configuration, fixed when the host is built. */
record HostSettings(
        List<Path> roots,
        Map<String, Function<String, HostFunction>> capabilities,
        CapabilityPolicy policy,
        Limits ceiling,
        double maxCallsPerSecond,
        int maxConsecutiveFailures,
        String systemVersion) {
    HostSettings {
        roots = List.copyOf(roots);
        capabilities = Map.copyOf(capabilities);
    }
}

package io.wasmbox.plugins;

import io.wasmbox.Limits;
import io.wasmbox.Units;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * A plugin's limits: what it declared, never above the host's ceiling (a declared value above it is
 * clamped, with a warning); an undeclared limit is the ceiling's. Stateless.
 */
final class PluginLimits {
    private static final Logger LOG = System.getLogger(PluginLimits.class.getName());

    private PluginLimits() {}

    static Limits effective(ScriptPluginDescriptor.DeclaredLimits declared, Limits ceiling, String label) {
        Limits.Builder b = ceiling.toBuilder();
        if (declared.memoryBytes() != null) {
            b.memoryBytes(clamp(label, "memory", declared.memoryBytes(), ceiling.memoryBytes()));
        }
        if (declared.maxOutputBytes() != null) {
            b.maxOutputBytes(clamp(label, "maxOutput", declared.maxOutputBytes(), ceiling.maxOutputBytes()));
        }
        if (declared.timeout() != null) {
            if (declared.timeout().compareTo(ceiling.timeout()) > 0) {
                logClamp(
                        label,
                        "timeout",
                        declared.timeout().toMillis() + " ms",
                        ceiling.timeout().toMillis() + " ms");
                b.timeout(ceiling.timeout());
            } else {
                b.timeout(declared.timeout());
            }
        }
        return b.build();
    }

    /** Calls per second: the declared rate under the ceiling; no ceiling (0) leaves the declared one. */
    static double effectiveRate(Double declared, double ceiling, String label) {
        if (ceiling <= 0) return declared == null ? 0 : declared;
        if (declared == null) return ceiling;
        if (declared > ceiling) {
            logClamp(label, "callsPerSecond", String.valueOf(declared), String.valueOf(ceiling));
            return ceiling;
        }
        return declared;
    }

    private static long clamp(String label, String name, long declared, long ceiling) {
        if (declared <= ceiling) return declared;
        logClamp(label, name, Units.formatBytes(declared), Units.formatBytes(ceiling));
        return ceiling;
    }

    private static void logClamp(String label, String name, String declared, String ceiling) {
        LOG.log(
                Level.WARNING,
                "plugin ''{0}'' declares {1}={2}, above the host''s ceiling; clamped to {3}",
                label,
                ScriptPluginDescriptorFinder.LIMITS_PREFIX + name,
                declared,
                ceiling);
    }
}

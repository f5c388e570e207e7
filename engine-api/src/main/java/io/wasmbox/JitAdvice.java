package io.wasmbox;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Warns once per JVM when HotSpot will not compile the guest interpreters' main loops. Those loops are
 * single JVM methods far above HotSpot's 8000-bytecode "huge method" threshold, so with default flags
 * guest code stays in the bytecode interpreter and runs several times slower (docs/BENCHMARKS.md).
 * Silence with {@code -Dwasmbox.jitWarning=false}.
 */
final class JitAdvice {
    static final String RECOMMENDED_FLAGS =
            "-XX:-DontCompileHugeMethods -XX:MaxNodeLimit=240000 -XX:NodeLimitFudgeFactor=8000";
    private static final AtomicBoolean CHECKED = new AtomicBoolean();

    private JitAdvice() {}

    static void checkOnce() {
        if (!CHECKED.compareAndSet(false, true)) return;
        if ("false".equalsIgnoreCase(System.getProperty("wasmbox.jitWarning"))) return;
        if (hugeMethodsSkipped()) {
            System.getLogger("io.wasmbox")
                    .log(
                            Level.WARNING,
                            "Wasmbox: HotSpot will not JIT-compile the guest interpreters (DontCompileHugeMethods is on), "
                                    + "so scripts run several times slower. Start the JVM with " + RECOMMENDED_FLAGS
                                    + " (see docs/BENCHMARKS.md), or silence this with -Dwasmbox.jitWarning=false.");
        }
    }

    /** True when the running JVM is HotSpot with huge-method compilation disabled (the default). */
    static boolean hugeMethodsSkipped() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return bean != null
                    && "true".equals(bean.getVMOption("DontCompileHugeMethods").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false; // not HotSpot: nothing to advise
        }
    }
}

package io.wasmbox.security.http;

import io.wasmbox.samples.service.ExecutionService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The execution service in a JVM of its own (started by {@link HttpSurfaceTest} with a small {@code -Xmx}),
 * plus a control channel on stdin: {@code heap} answers {@code heap <bytes used after GC>}, {@code exit} stops.
 */
public final class ForkedService {
    private ForkedService() {}

    public static void main(String[] args) throws Exception {
        ExecutionService.main(args); // prints "... listening on http://host:port ..." and returns; the server runs on
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "heap" -> {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(100);
                    }
                    System.out.println("heap " + memory.getHeapMemoryUsage().getUsed());
                    System.out.flush();
                }
                case "exit" -> System.exit(0);
                default -> System.out.println("unknown command " + line);
            }
        }
        System.exit(0);
    }
}

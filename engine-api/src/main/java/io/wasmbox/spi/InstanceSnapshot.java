package io.wasmbox.spi;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.lang.reflect.Field;
import java.util.function.Function;

/**
 * The complete mutable state of a set-up guest instance (linear memory, globals, tables), restored into
 * new instances instead of re-running their set-up. A pre-initialised CPython takes ~0.5-1 s to import
 * the driver; restoring its snapshot takes a few milliseconds (docs/BENCHMARKS.md).
 *
 * <p>Restoring skips Chicory's instance initialisation (zeroing memory, copying tens of MiB of data
 * segments). The captured pages are immutable and shared: every restored instance gets a {@link
 * CopyOnWriteMemory} that reads them and copies a page only when it first writes to it, so restoring
 * copies no memory at all and a sandbox retains only the pages it changed (most of a set-up CPython's
 * ~31 MiB is never written again). Chicory 1.7.2 has no public API for setting an instance's globals, so
 * this class sets that private field by reflection; the project pins Chicory to exactly 1.7.2 and the
 * tests restore real interpreters, so a change of that internal fails the build, not production.
 */
public final class InstanceSnapshot {
    private static final Field INSTANCE_GLOBALS = field(Instance.class, "globals");

    private final WasmModule module;
    /** The captured memory, one 64 KiB array per page; shared by every restored instance, never written. */
    private final byte[][] pages;
    private final long[] globalLow;
    private final long[] globalHigh;
    private final int[][] tableRefs;
    private final boolean[][] tableSelfOwned;

    private InstanceSnapshot(WasmModule module, Instance instance) {
        this.module = module;
        Memory memory = instance.memory();
        this.pages = new byte[memory.pages()][];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = memory.readBytes(i * Memory.PAGE_SIZE, Memory.PAGE_SIZE);
        }
        int globals = module.globalSection().globalCount();
        this.globalLow = new long[globals];
        this.globalHigh = new long[globals];
        for (int i = 0; i < globals; i++) {
            globalLow[i] = instance.global(i).getValueLow();
            globalHigh[i] = instance.global(i).getValueHigh();
        }
        int tables = module.tableSection().tableCount();
        this.tableRefs = new int[tables][];
        this.tableSelfOwned = new boolean[tables][];
        for (int t = 0; t < tables; t++) {
            TableInstance table = instance.table(t);
            tableRefs[t] = new int[table.size()];
            tableSelfOwned[t] = new boolean[table.size()];
            for (int i = 0; i < table.size(); i++) {
                tableRefs[t][i] = table.ref(i);
                tableSelfOwned[t][i] = table.instance(i) == instance;
            }
        }
    }

    /**
     * Captures {@code instance} (any {@link Memory}; its pages are copied out, so it may go on running
     * or be closed afterwards), which must not be running now.
     */
    public static InstanceSnapshot capture(WasmModule module, Instance instance) {
        return new InstanceSnapshot(module, instance);
    }

    /** Size of the captured linear memory. */
    public long memoryBytes() {
        return (long) pages.length * Memory.PAGE_SIZE;
    }

    /**
     * The bytes of linear memory {@code memory} holds on its own: for a memory restored from a snapshot,
     * the pages it has written or grown (the rest it shares with the snapshot, which holds them once for
     * all); for any other memory, its whole size. The guest's memory size is still {@code pages() * 64
     * KiB}.
     */
    public static long ownedMemoryBytes(Memory memory) {
        return memory instanceof CopyOnWriteMemory cow ? cow.ownedBytes() : (long) memory.pages() * Memory.PAGE_SIZE;
    }

    /**
     * A new instance in the captured state. Its memory shares the captured pages and copies each page
     * the first time it writes to it, so restoring copies no memory.
     *
     * @param imports the new instance's own imports (its own WASI, host functions)
     * @param maxPages the memory cap in pages; must hold the captured memory
     */
    public Instance restore(ImportValues imports, Function<Instance, Machine> machineFactory, int maxPages) {
        if (maxPages < pages.length) {
            throw new IllegalArgumentException("memory cap of " + maxPages * (long) Memory.PAGE_SIZE / (1024 * 1024)
                    + " MiB is below the set-up interpreter's " + memoryBytes() / (1024 * 1024) + " MiB");
        }
        Instance instance = Instance.builder(module)
                .withStart(false)
                .withInitialize(false) // no zeroing, no data segments: the snapshot replaces them
                .withImportValues(imports)
                .withMachineFactory(machineFactory)
                .withMemoryLimits(new MemoryLimits(0, maxPages))
                .withMemoryFactory(limits -> new CopyOnWriteMemory(limits, pages, module.dataSection().dataSegments()))
                .build();
        try {
            GlobalInstance[] globals = (GlobalInstance[]) INSTANCE_GLOBALS.get(instance);
            Global[] definitions = module.globalSection().globals();
            for (int i = 0; i < globals.length; i++) {
                globals[i] = new GlobalInstance(globalLow[i], globalHigh[i], definitions[i].valueType(),
                        definitions[i].mutabilityType());
                globals[i].setInstance(instance);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot restore a snapshot into this Chicory version", e);
        }
        for (int t = 0; t < tableRefs.length; t++) {
            TableInstance table = instance.table(t);
            for (int i = 0; i < tableRefs[t].length; i++) {
                table.setRef(i, tableRefs[t][i], tableSelfOwned[t][i] ? instance : null);
            }
        }
        return instance;
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("Chicory internals changed (expected " + type.getName() + "."
                    + name + "); Wasmbox needs Chicory 1.7.2: " + e);
        }
    }
}

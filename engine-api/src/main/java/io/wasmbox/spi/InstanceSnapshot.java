package io.wasmbox.spi;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The complete mutable state of a set-up guest instance (linear memory, globals, tables), restored into
 * new instances instead of re-running their set-up. A pre-initialised CPython takes ~0.5-1 s to import
 * the driver; restoring its snapshot takes a few milliseconds (docs/BENCHMARKS.md).
 *
 * <p>Restoring skips Chicory's instance initialisation (zeroing memory, copying tens of MiB of data
 * segments). The captured pages are immutable and shared: every restored instance gets a {@link
 * CopyOnWriteMemory} that reads them and copies a 4 KiB block only when it first writes to it, so restoring
 * copies no memory at all and a sandbox retains only the blocks it changed (most of a set-up CPython's
 * ~31 MiB is never written again). Blocks of zeros are one shared block. Chicory 1.7.2 has no public API for setting an instance's globals, so
 * this class sets that private field by reflection; the project pins Chicory to exactly 1.7.2 and the
 * tests restore real interpreters, so a change of that internal fails the build, not production.
 */
public final class InstanceSnapshot {
    private static final Field INSTANCE_GLOBALS = field(Instance.class, "globals");

    private final WasmModule module;
    /**
     * The captured memory in 4 KiB blocks ({@link CopyOnWriteMemory#BLOCKS_PER_PAGE} per page, blocks of
     * zeros all {@link CopyOnWriteMemory#ZERO_BLOCK}); shared by every restored instance, never written.
     */
    private final byte[][] blocks;

    /** The module's data segments, read once: restored memories share it (copying it only to drop one). */
    private final DataSegment[] dataSegments;

    private final long[] globalLow;
    private final long[] globalHigh;
    private final int[][] tableRefs;
    private final boolean[][] tableSelfOwned;

    private InstanceSnapshot(
            WasmModule module,
            byte[][] blocks,
            long[] globalLow,
            long[] globalHigh,
            int[][] tableRefs,
            boolean[][] tableSelfOwned) {
        this.module = module;
        this.dataSegments = module.dataSection().dataSegments();
        this.blocks = blocks;
        this.globalLow = globalLow;
        this.globalHigh = globalHigh;
        this.tableRefs = tableRefs;
        this.tableSelfOwned = tableSelfOwned;
    }

    private InstanceSnapshot(WasmModule module, Instance instance) {
        this.module = module;
        this.dataSegments = module.dataSection().dataSegments();
        Memory memory = instance.memory();
        this.blocks = new byte[memory.pages() * CopyOnWriteMemory.BLOCKS_PER_PAGE][];
        for (int i = 0; i < memory.pages(); i++) {
            toBlocks(memory.readBytes(i * Memory.PAGE_SIZE, Memory.PAGE_SIZE), blocks, i);
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
     *
     * @param module the instance's module
     * @param instance a set-up instance, not running
     * @return the snapshot
     */
    public static InstanceSnapshot capture(WasmModule module, Instance instance) {
        return new InstanceSnapshot(module, instance);
    }

    /**
     * Writes the snapshot (pages, globals, tables; not the module) so that {@link #read} can restore it in
     * another JVM, e.g. a snapshot taken at build time and shipped as a resource. Pages of zeros take one
     * byte; wrap the stream in a compressing one for the rest.
     *
     * @param out where to write
     * @throws IOException if writing fails
     */
    public void write(DataOutputStream out) throws IOException {
        int pages = blocks.length / CopyOnWriteMemory.BLOCKS_PER_PAGE;
        out.writeInt(pages);
        for (int p = 0; p < pages; p++) {
            int first = p * CopyOnWriteMemory.BLOCKS_PER_PAGE;
            boolean zero = true;
            for (int b = first; b < first + CopyOnWriteMemory.BLOCKS_PER_PAGE; b++) {
                zero &= blocks[b] == CopyOnWriteMemory.ZERO_BLOCK;
            }
            out.writeBoolean(!zero);
            if (zero) continue;
            for (int b = first; b < first + CopyOnWriteMemory.BLOCKS_PER_PAGE; b++) out.write(blocks[b]);
        }
        out.writeInt(globalLow.length);
        for (int i = 0; i < globalLow.length; i++) {
            out.writeLong(globalLow[i]);
            out.writeLong(globalHigh[i]);
        }
        out.writeInt(tableRefs.length);
        for (int t = 0; t < tableRefs.length; t++) {
            out.writeInt(tableRefs[t].length);
            for (int i = 0; i < tableRefs[t].length; i++) {
                out.writeInt(tableRefs[t][i]);
                out.writeBoolean(tableSelfOwned[t][i]);
            }
        }
    }

    /**
     * Reads what {@link #write} wrote, for instances of {@code module} (the module it was taken from).
     *
     * @param in what {@link #write} wrote
     * @param module the module the snapshot was taken of
     * @return the snapshot
     * @throws IOException if reading fails or the data is not a snapshot
     */
    public static InstanceSnapshot read(DataInputStream in, WasmModule module) throws IOException {
        return read(in, () -> module);
    }

    /**
     * Like {@link #read(DataInputStream, WasmModule)}, asking for the module only once the memory is read,
     * so that a caller can read a large snapshot while another thread still parses the module.
     *
     * @param in what {@link #write} wrote
     * @param module supplies the module it was taken from
     * @return the snapshot
     * @throws IOException if reading fails or the data is not a snapshot
     */
    public static InstanceSnapshot read(DataInputStream in, Supplier<WasmModule> module) throws IOException {
        int pages = in.readInt();
        byte[][] blocks = new byte[pages * CopyOnWriteMemory.BLOCKS_PER_PAGE][];
        for (int i = 0; i < pages; i++) {
            int first = i * CopyOnWriteMemory.BLOCKS_PER_PAGE;
            if (in.readBoolean()) {
                for (int b = first; b < first + CopyOnWriteMemory.BLOCKS_PER_PAGE; b++) {
                    byte[] block = new byte[CopyOnWriteMemory.BLOCK_SIZE];
                    in.readFully(block); // straight into its block: snapshots are tens of MiB
                    blocks[b] = sharedIfZero(block);
                }
            } else {
                // shared and never written: a restored memory copies a block before writing it
                Arrays.fill(blocks, first, first + CopyOnWriteMemory.BLOCKS_PER_PAGE, CopyOnWriteMemory.ZERO_BLOCK);
            }
        }
        WasmModule parsed = module.get();
        int globals = in.readInt();
        if (globals != parsed.globalSection().globalCount()) throw new IOException("snapshot of another module");
        long[] low = new long[globals];
        long[] high = new long[globals];
        for (int i = 0; i < globals; i++) {
            low[i] = in.readLong();
            high[i] = in.readLong();
        }
        int tables = in.readInt();
        int[][] refs = new int[tables][];
        boolean[][] self = new boolean[tables][];
        for (int t = 0; t < tables; t++) {
            refs[t] = new int[in.readInt()];
            self[t] = new boolean[refs[t].length];
            for (int i = 0; i < refs[t].length; i++) {
                refs[t][i] = in.readInt();
                self[t][i] = in.readBoolean();
            }
        }
        return new InstanceSnapshot(parsed, blocks, low, high, refs, self);
    }

    /** Splits 64 KiB page {@code index} into its blocks, each block of zeros being the shared zero block. */
    private static void toBlocks(byte[] page, byte[][] blocks, int index) {
        for (int b = 0; b < CopyOnWriteMemory.BLOCKS_PER_PAGE; b++) {
            int from = b * CopyOnWriteMemory.BLOCK_SIZE;
            byte[] block = Arrays.copyOfRange(page, from, from + CopyOnWriteMemory.BLOCK_SIZE);
            blocks[index * CopyOnWriteMemory.BLOCKS_PER_PAGE + b] = sharedIfZero(block);
        }
    }

    /** The block, or the shared zero block when it holds only zeros. */
    private static byte[] sharedIfZero(byte[] block) {
        return Arrays.equals(block, CopyOnWriteMemory.ZERO_BLOCK) ? CopyOnWriteMemory.ZERO_BLOCK : block;
    }

    /**
     * Size of the captured linear memory.
     *
     * @return bytes
     */
    public long memoryBytes() {
        return (long) blocks.length * CopyOnWriteMemory.BLOCK_SIZE;
    }

    /**
     * The bytes of linear memory {@code memory} holds on its own: for a memory restored from a snapshot,
     * the 4 KiB blocks it has written (the rest it shares with the snapshot, which holds them once for
     * all, or are zeros never written); for any other memory, its whole size. The guest's memory size is still {@code pages() * 64
     * KiB}.
     *
     * @param memory a guest's memory
     * @return bytes
     */
    public static long ownedMemoryBytes(Memory memory) {
        return memory instanceof CopyOnWriteMemory cow ? cow.ownedBytes() : (long) memory.pages() * Memory.PAGE_SIZE;
    }

    /** The captured memory must fit under a cap of {@code maxPages}. */
    private void requireRoomFor(int maxPages) {
        if (maxPages < blocks.length / CopyOnWriteMemory.BLOCKS_PER_PAGE) {
            throw new IllegalArgumentException("memory cap of " + maxPages * (long) Memory.PAGE_SIZE / (1024 * 1024)
                    + " MiB is below the set-up interpreter's " + memoryBytes() / (1024 * 1024) + " MiB");
        }
    }

    /**
     * For a module that imports its memory: a new memory in the captured state, to import into the
     * instance {@link #restore} builds. Like a restored module-defined memory, it shares the captured
     * blocks and copies a block on its first write.
     *
     * @param maxPages the memory cap in pages; must hold the captured memory
     * @return the memory
     */
    public Memory memory(int maxPages) {
        requireRoomFor(maxPages);
        return new CopyOnWriteMemory(
                new MemoryLimits(blocks.length / CopyOnWriteMemory.BLOCKS_PER_PAGE, maxPages), blocks, dataSegments);
    }

    /**
     * A new instance in the captured state. Its memory shares the captured blocks and copies each block
     * the first time it writes to it, so restoring copies no memory.
     *
     * @param imports the new instance's own imports (its own WASI, host functions)
     * @param machineFactory the machine (interpreter or compiled classes) for the instance
     * @param maxPages the memory cap in pages; must hold the captured memory
     * @return the restored instance
     */
    public Instance restore(ImportValues imports, Function<Instance, Machine> machineFactory, int maxPages) {
        requireRoomFor(maxPages);
        Instance instance = Instance.builder(module)
                .withStart(false)
                .withInitialize(false) // no zeroing, no data segments: the snapshot replaces them
                .withImportValues(imports)
                .withMachineFactory(machineFactory)
                .withMemoryLimits(new MemoryLimits(0, maxPages))
                .withMemoryFactory(limits -> new CopyOnWriteMemory(limits, blocks, dataSegments))
                .build();
        try {
            GlobalInstance[] globals = (GlobalInstance[]) INSTANCE_GLOBALS.get(instance);
            Global[] definitions = module.globalSection().globals();
            for (int i = 0; i < globals.length; i++) {
                globals[i] = new GlobalInstance(
                        globalLow[i], globalHigh[i], definitions[i].valueType(), definitions[i].mutabilityType());
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
            throw new ExceptionInInitializerError("Chicory internals changed (expected " + type.getName() + "." + name
                    + "); Wasmbox needs Chicory 1.7.2: " + e);
        }
    }
}

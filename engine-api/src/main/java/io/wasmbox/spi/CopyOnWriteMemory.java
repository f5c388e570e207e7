package io.wasmbox.spi;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A guest's linear memory whose contents start out shared with an {@link InstanceSnapshot} and are copied,
 * one 4 KiB block at a time, the first time the guest (or the host) writes to them.
 *
 * <p>Why: a set-up CPython is ~490 pages (~31 MiB) and a typical sandbox writes to fewer than a hundred of
 * them. Giving every sandbox its own copy of all of them made an idle sandbox retain ~31 MiB; sharing
 * what nobody writes leaves each sandbox only what it changed (plus two small block tables). Blocks, not
 * 64 KiB Wasm pages: a fresh CPython running {@code 1+1} writes to 80 pages but to only 190 of their 4 KiB
 * blocks (5 MiB copied per sandbox with pages, ~0.75 MiB with blocks; QuickJS-ng: 6 pages, 32 blocks, measured 2026-11-30).
 * Memory grown by the guest starts as the shared {@link #ZERO_BLOCK} too, so growing costs nothing until
 * written.
 *
 * <p>Layout: {@link #blocks} holds every block, for reading (a shared snapshot block or this memory's own);
 * {@link #owned} holds the same array where this memory owns the block and {@code null} where the block is
 * still shared (or not there at all). So a read is exactly what a plain paged memory does (one table
 * load, one array access, no check), and a write costs one extra null test on the block it takes from
 * {@link #owned}. Shared blocks are never written: every path that writes goes through {@link
 * #writableBlock}, which copies a shared block first.
 *
 * <p>Bounds: like Chicory's own memories, the fast paths do not compare addresses with the size; an
 * address beyond the memory hits a missing block ({@code null}, beyond the current size) or an index
 * beyond the block tables (beyond their capacity; negative addresses too, since {@code addr >>> 12} is then
 * at least 2^19 and the tables hold at most 16 blocks for each of {@link Memory#RUNTIME_MAX_PAGES} pages,
 * fewer than 2^19), and the exception the
 * JVM raises for free is turned into Chicory's {@link WasmRuntimeException} with the same message {@code
 * ByteArrayMemory} uses ("out of bounds memory access: attempted to access address: ..."), which the
 * language modules recognise. Accesses that straddle two blocks, and bulk operations, check the whole
 * range first, so a failing access changes nothing.
 *
 * <p>Threads: the memory is not shared (Wasm threads are not supported; {@code shared} limits are
 * refused) and a guest instance is run by one thread at a time, with the hand-over between threads
 * ordering its accesses. The atomic instructions are therefore plain reads and read-modify-writes, and
 * {@code wait} traps as on any unshared memory. The shared snapshot blocks are immutable and safely
 * published by the snapshot's final fields, so any number of threads may read them at once.
 *
 * <p>Internal to Wasmbox: {@link InstanceSnapshot#restore} creates it, {@link
 * InstanceSnapshot#ownedMemoryBytes} reports what it owns.
 */
final class CopyOnWriteMemory implements Memory {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE =
            MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    static final int BLOCK_SHIFT = 12;
    static final int BLOCK_SIZE = 1 << BLOCK_SHIFT;
    static final int BLOCKS_PER_PAGE = PAGE_SIZE / BLOCK_SIZE;
    private static final int OFFSET_MASK = BLOCK_SIZE - 1;
    /** Zeros, shared by every memory for blocks nobody has written yet; never written itself. */
    static final byte[] ZERO_BLOCK = new byte[BLOCK_SIZE];

    private final MemoryLimits limits;
    private final int maxPages;
    /** Every block, for reading; entries at and beyond {@code size * BLOCKS_PER_PAGE} are null. */
    private byte[][] blocks;
    /** The blocks this memory owns (may write in place); null where {@link #blocks} is shared or absent. */
    private byte[][] owned;
    /** Current size in pages. */
    private int size;

    private int ownedBlocks;
    /** Set when a {@code memory.grow} was refused for lack of room under the maximum. */
    private boolean growRefused;
    /**
     * The module's data segments: shared with the snapshot (never written) until the first {@code
     * data.drop}, which empties an entry of this memory's own copy ({@link #segmentsOwned}). A Python
     * module has 10,000 of them; copying them for every sandbox that never drops one was a waste.
     */
    private DataSegment[] dataSegments;

    private boolean segmentsOwned;

    /**
     * A memory of {@code shared.length / BLOCKS_PER_PAGE} pages that reads {@code shared} until it writes a
     * block.
     *
     * @param limits the maximum is the cap; the initial page count is only reported (the size is the
     *     number of shared pages)
     * @param shared 4 KiB blocks, a whole number of pages, that this memory never modifies (the caller must
     *     not either)
     * @param dataSegments the module's data segments, for {@code memory.init} and {@code data.drop}; never
     *     written here (copied first), nor by the caller
     */
    CopyOnWriteMemory(MemoryLimits limits, byte[][] shared, DataSegment[] dataSegments) {
        if (limits.shared()) {
            throw new IllegalArgumentException("shared (threads) memories are not supported");
        }
        this.limits = limits;
        this.maxPages = Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
        if (shared.length % BLOCKS_PER_PAGE != 0) {
            throw new IllegalArgumentException(shared.length + " shared blocks are not a whole number of pages");
        }
        if (shared.length / BLOCKS_PER_PAGE > maxPages) {
            throw new IllegalArgumentException(shared.length / BLOCKS_PER_PAGE
                    + " shared pages do not fit in a maximum of " + maxPages + " pages");
        }
        // each block is 4 KiB: InstanceSnapshot made them so (checking ~7,800 of them per Python sandbox costs)
        this.blocks = shared.clone();
        this.owned = new byte[shared.length][];
        this.size = shared.length / BLOCKS_PER_PAGE;
        this.dataSegments = dataSegments;
    }

    /** A plain memory of {@code limits.initialPages()} zeroed pages of its own, nothing shared. */
    CopyOnWriteMemory(MemoryLimits limits) {
        this(limits, new byte[0][], new DataSegment[0]);
        if (grow(limits.initialPages()) != 0) {
            throw new IllegalArgumentException("initial pages above the maximum: " + limits);
        }
    }

    /** True once a {@code memory.grow} was refused because it would pass the maximum. */
    boolean growRefused() {
        return growRefused;
    }

    /** Bytes of the blocks this memory owns (written); the blocks it still shares are not counted. */
    long ownedBytes() {
        return (long) ownedBlocks * BLOCK_SIZE;
    }

    // ---- size ----

    @Override
    public int pages() {
        return size;
    }

    /**
     * Grows by {@code delta} pages of zeros (shared {@link #ZERO_BLOCK}s until written); -1 (and no change)
     * beyond the maximum.
     */
    @Override
    public int grow(int delta) {
        int previous = size;
        // delta is unsigned in Wasm: a "negative" delta is a huge request and fails like any other
        if (delta < 0 || delta > maxPages - previous) {
            growRefused = true;
            return -1;
        }
        int from = previous * BLOCKS_PER_PAGE;
        int to = (previous + delta) * BLOCKS_PER_PAGE;
        if (to > blocks.length) {
            // tables sized for what is used, not for the cap: doubling keeps growth amortised
            int capacity = (int) Math.min(Math.max(to, 2L * blocks.length), (long) maxPages * BLOCKS_PER_PAGE);
            blocks = Arrays.copyOf(blocks, capacity);
            owned = Arrays.copyOf(owned, capacity);
        }
        Arrays.fill(blocks, from, to, ZERO_BLOCK);
        size = previous + delta;
        return previous;
    }

    @Override
    public int initialPages() {
        return limits.initialPages();
    }

    @Override
    public int maximumPages() {
        return maxPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    // ---- copy on write ----

    /**
     * The block holding {@code addr}, writable. Throws {@link ArrayIndexOutOfBoundsException} for an
     * address beyond the tables (callers translate it), {@link WasmRuntimeException} beyond the size.
     */
    private byte[] writableBlock(int addr, int width) {
        int index = addr >>> BLOCK_SHIFT;
        byte[] block = owned[index];
        return block != null ? block : takeOwnership(index, addr, width);
    }

    /** Copies shared block {@code index} into this memory (kept out of the write paths so they stay small). */
    private byte[] takeOwnership(int index, int addr, int width) {
        if (index >= size * BLOCKS_PER_PAGE) throw outOfBounds(addr, width);
        byte[] copy = blocks[index].clone();
        blocks[index] = copy;
        owned[index] = copy;
        ownedBlocks++;
        return copy;
    }

    // ---- bounds ----

    private long sizeInBytes() {
        return (long) size * PAGE_SIZE;
    }

    private void checkBounds(int addr, int length) {
        if (addr < 0 || length < 0 || addr + (long) length > sizeInBytes()) throw outOfBounds(addr, length);
    }

    /** Same text as Chicory's memories: the language modules look for "out of bounds memory access". */
    private WasmRuntimeException outOfBounds(int addr, int length) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + sizeInBytes() + " and size: " + length);
    }

    // ---- single values: one block, or two (straddling, the rare slow path) ----

    @Override
    public byte read(int addr) {
        try {
            return blocks[addr >>> BLOCK_SHIFT][addr & OFFSET_MASK];
        } catch (IndexOutOfBoundsException | NullPointerException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public short readShort(int addr) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Short.BYTES) return (short) readStraddling(addr, Short.BYTES);
        try {
            return (short) SHORT.get(blocks[addr >>> BLOCK_SHIFT], offset);
        } catch (IndexOutOfBoundsException | NullPointerException e) {
            throw outOfBounds(addr, Short.BYTES);
        }
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public int readInt(int addr) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Integer.BYTES) return (int) readStraddling(addr, Integer.BYTES);
        try {
            return (int) INT.get(blocks[addr >>> BLOCK_SHIFT], offset);
        } catch (IndexOutOfBoundsException | NullPointerException e) {
            throw outOfBounds(addr, Integer.BYTES);
        }
    }

    @Override
    public long readLong(int addr) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Long.BYTES) return readStraddling(addr, Long.BYTES);
        try {
            return (long) LONG.get(blocks[addr >>> BLOCK_SHIFT], offset);
        } catch (IndexOutOfBoundsException | NullPointerException e) {
            throw outOfBounds(addr, Long.BYTES);
        }
    }

    @Override
    public float readFloat(int addr) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Float.BYTES) return Float.intBitsToFloat((int) readStraddling(addr, Float.BYTES));
        try {
            return (float) FLOAT.get(blocks[addr >>> BLOCK_SHIFT], offset);
        } catch (IndexOutOfBoundsException | NullPointerException e) {
            throw outOfBounds(addr, Float.BYTES);
        }
    }

    @Override
    public double readDouble(int addr) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Double.BYTES) return Double.longBitsToDouble(readStraddling(addr, Double.BYTES));
        try {
            return (double) DOUBLE.get(blocks[addr >>> BLOCK_SHIFT], offset);
        } catch (IndexOutOfBoundsException | NullPointerException e) {
            throw outOfBounds(addr, Double.BYTES);
        }
    }

    /** The f32 bits, sign-extended from int as Chicory's memories return them. */
    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeByte(int addr, byte value) {
        try {
            writableBlock(addr, 1)[addr & OFFSET_MASK] = value;
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public void writeShort(int addr, short value) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Short.BYTES) {
            writeStraddling(addr, value, Short.BYTES);
            return;
        }
        try {
            SHORT.set(writableBlock(addr, Short.BYTES), offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, Short.BYTES);
        }
    }

    @Override
    public void writeI32(int addr, int value) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Integer.BYTES) {
            writeStraddling(addr, value, Integer.BYTES);
            return;
        }
        try {
            INT.set(writableBlock(addr, Integer.BYTES), offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, Integer.BYTES);
        }
    }

    @Override
    public void writeLong(int addr, long value) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Long.BYTES) {
            writeStraddling(addr, value, Long.BYTES);
            return;
        }
        try {
            LONG.set(writableBlock(addr, Long.BYTES), offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, Long.BYTES);
        }
    }

    @Override
    public void writeF32(int addr, float value) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Float.BYTES) {
            writeStraddling(addr, Float.floatToRawIntBits(value), Float.BYTES);
            return;
        }
        try {
            FLOAT.set(writableBlock(addr, Float.BYTES), offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, Float.BYTES);
        }
    }

    @Override
    public void writeF64(int addr, double value) {
        int offset = addr & OFFSET_MASK;
        if (offset > BLOCK_SIZE - Double.BYTES) {
            writeStraddling(addr, Double.doubleToRawLongBits(value), Double.BYTES);
            return;
        }
        try {
            DOUBLE.set(writableBlock(addr, Double.BYTES), offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, Double.BYTES);
        }
    }

    /** A little-endian value of {@code width} bytes that crosses a block boundary. */
    private long readStraddling(int addr, int width) {
        checkBounds(addr, width);
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            int a = addr + i;
            value = (value << 8) | (blocks[a >>> BLOCK_SHIFT][a & OFFSET_MASK] & 0xFF);
        }
        return value;
    }

    /** Writes the low {@code width} bytes of {@code value}, little-endian, across a block boundary. */
    private void writeStraddling(int addr, long value, int width) {
        checkBounds(addr, width); // all or nothing: nothing is written if any byte is out of bounds
        for (int i = 0; i < width; i++) {
            int a = addr + i;
            writableBlock(a, 1)[a & OFFSET_MASK] = (byte) (value >>> (8 * i));
        }
    }

    // ---- bulk ----

    @Override
    public byte[] readBytes(int addr, int length) {
        checkBounds(addr, length);
        byte[] result = new byte[length];
        int done = 0;
        while (done < length) {
            int a = addr + done;
            int offset = a & OFFSET_MASK;
            int chunk = Math.min(length - done, BLOCK_SIZE - offset);
            System.arraycopy(blocks[a >>> BLOCK_SHIFT], offset, result, done, chunk);
            done += chunk;
        }
        return result;
    }

    @Override
    public void write(int addr, byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + (long) length > data.length) {
            throw new WasmRuntimeException("out of bounds memory access: attempted to access address: " + offset
                    + " but limit is: " + data.length + " and size: " + length);
        }
        checkBounds(addr, length);
        int done = 0;
        while (done < length) {
            int a = addr + done;
            int blockOffset = a & OFFSET_MASK;
            int chunk = Math.min(length - done, BLOCK_SIZE - blockOffset);
            System.arraycopy(data, offset + done, writableBlock(a, chunk), blockOffset, chunk);
            done += chunk;
        }
    }

    /** {@code memory.fill}: bytes {@code [from, to)}. */
    @Override
    public void fill(byte value, int from, int to) {
        int length = to - from;
        checkBounds(from, length);
        int done = 0;
        while (done < length) {
            int a = from + done;
            int blockOffset = a & OFFSET_MASK;
            int chunk = Math.min(length - done, BLOCK_SIZE - blockOffset);
            Arrays.fill(writableBlock(a, chunk), blockOffset, blockOffset + chunk, value);
            done += chunk;
        }
    }

    /** {@code memory.copy}: like {@code memmove}, overlapping ranges copy as if through a buffer. */
    @Override
    public void copy(int dest, int src, int length) {
        checkBounds(dest, length);
        checkBounds(src, length);
        if (dest > src && dest - src < length) {
            copyBackward(dest, src, length);
        } else {
            copyForward(dest, src, length);
        }
    }

    private void copyForward(int dest, int src, int length) {
        int done = 0;
        while (done < length) {
            int d = dest + done;
            int s = src + done;
            int chunk = Math.min(length - done, BLOCK_SIZE - Math.max(d & OFFSET_MASK, s & OFFSET_MASK));
            byte[] to = writableBlock(d, chunk);
            // read the source block only now: taking ownership above may have replaced it (same block)
            System.arraycopy(blocks[s >>> BLOCK_SHIFT], s & OFFSET_MASK, to, d & OFFSET_MASK, chunk);
            done += chunk;
        }
    }

    /** Copies from the end, so that a source overlapped by the destination is read before it is written. */
    private void copyBackward(int dest, int src, int length) {
        int left = length;
        while (left > 0) {
            // the chunk ends at (dest + left) / (src + left) and stays within one block of each
            int dEnd = dest + left;
            int sEnd = src + left;
            int dRoom = ((dEnd - 1) & OFFSET_MASK) + 1;
            int sRoom = ((sEnd - 1) & OFFSET_MASK) + 1;
            int chunk = Math.min(left, Math.min(dRoom, sRoom));
            int d = dEnd - chunk;
            int s = sEnd - chunk;
            byte[] to = writableBlock(d, chunk);
            System.arraycopy(blocks[s >>> BLOCK_SHIFT], s & OFFSET_MASK, to, d & OFFSET_MASK, chunk);
            left -= chunk;
        }
    }

    /** Zeroes the whole memory: its own blocks are cleared, shared ones become the shared zero block. */
    @Override
    public void zero() {
        for (int i = 0; i < size * BLOCKS_PER_PAGE; i++) {
            if (owned[i] != null) {
                Arrays.fill(owned[i], (byte) 0);
            } else {
                blocks[i] = ZERO_BLOCK;
            }
        }
    }

    // ---- data segments ----

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    /** Instantiation: keeps the segments and copies the active ones for this memory into place. */
    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments == null ? new DataSegment[0] : segments.clone();
        this.segmentsOwned = true;
        for (DataSegment segment : dataSegments) {
            if (segment instanceof ActiveDataSegment active) {
                if (active.index() != memoryIndex) continue;
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (offset < 0 || offset + (long) data.length > sizeInBytes()) {
                    throw new UninstantiableException("out of bounds memory access: attempted to access address: "
                            + offset + " but limit is: " + sizeInBytes() + " and size: " + data.length);
                }
                write(offset, data, 0, data.length);
            } else if (!(segment instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + segment);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int length) {
        write(dest, dataSegments[segmentId].data(), offset, length);
    }

    @Override
    public void drop(int segment) {
        if (!segmentsOwned) {
            dataSegments = dataSegments.clone();
            segmentsOwned = true;
        }
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    // ---- atomics: plain operations on an unshared memory run by one thread at a time ----

    @Override
    public void atomicFence() {
        VarHandle.fullFence();
    }

    /** Unused: every atomic operation is implemented here, none needs a lock. */
    @Override
    @Deprecated(forRemoval = true)
    @SuppressWarnings("removal")
    public Object lock(int address) {
        throw new UnsupportedOperationException();
    }

    @Override
    @Deprecated(forRemoval = true)
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        return atomicWait(address, expected, timeout);
    }

    @Override
    @Deprecated(forRemoval = true)
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        return atomicWait(address, expected, timeout);
    }

    @Override
    @Deprecated(forRemoval = true)
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return atomicNotify(address, maxThreads);
    }

    /** {@code memory.atomic.wait32} traps on an unshared memory (nobody could ever wake it). */
    @Override
    public int atomicWait(int addr, int expected, long timeout) {
        checkBounds(addr, Integer.BYTES);
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    public int atomicWait(int addr, long expected, long timeout) {
        checkBounds(addr, Long.BYTES);
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    /** {@code memory.atomic.notify} on an unshared memory: nobody can be waiting, 0 woken. */
    @Override
    public int atomicNotify(int addr, int maxThreads) {
        checkBounds(addr, Integer.BYTES);
        return 0;
    }

    @Override
    public byte atomicReadByte(int addr) {
        return read(addr);
    }

    @Override
    public short atomicReadShort(int addr) {
        return readShort(addr);
    }

    @Override
    public int atomicReadInt(int addr) {
        return readInt(addr);
    }

    @Override
    public long atomicReadLong(int addr) {
        return readLong(addr);
    }

    @Override
    public void atomicWriteByte(int addr, byte value) {
        writeByte(addr, value);
    }

    @Override
    public void atomicWriteShort(int addr, short value) {
        writeShort(addr, value);
    }

    @Override
    public void atomicWriteInt(int addr, int value) {
        writeI32(addr, value);
    }

    @Override
    public void atomicWriteLong(int addr, long value) {
        writeLong(addr, value);
    }

    // read-modify-write: each returns the old value

    @Override
    public byte atomicAddByte(int addr, byte delta) {
        byte old = read(addr);
        writeByte(addr, (byte) (old + delta));
        return old;
    }

    @Override
    public byte atomicAndByte(int addr, byte mask) {
        byte old = read(addr);
        writeByte(addr, (byte) (old & mask));
        return old;
    }

    @Override
    public byte atomicOrByte(int addr, byte mask) {
        byte old = read(addr);
        writeByte(addr, (byte) (old | mask));
        return old;
    }

    @Override
    public byte atomicXorByte(int addr, byte mask) {
        byte old = read(addr);
        writeByte(addr, (byte) (old ^ mask));
        return old;
    }

    @Override
    public byte atomicXchgByte(int addr, byte value) {
        byte old = read(addr);
        writeByte(addr, value);
        return old;
    }

    @Override
    public byte atomicCmpxchgByte(int addr, byte expected, byte replacement) {
        byte old = read(addr);
        if (old == expected) writeByte(addr, replacement);
        return old;
    }

    @Override
    public short atomicAddShort(int addr, short delta) {
        short old = readShort(addr);
        writeShort(addr, (short) (old + delta));
        return old;
    }

    @Override
    public short atomicAndShort(int addr, short mask) {
        short old = readShort(addr);
        writeShort(addr, (short) (old & mask));
        return old;
    }

    @Override
    public short atomicOrShort(int addr, short mask) {
        short old = readShort(addr);
        writeShort(addr, (short) (old | mask));
        return old;
    }

    @Override
    public short atomicXorShort(int addr, short mask) {
        short old = readShort(addr);
        writeShort(addr, (short) (old ^ mask));
        return old;
    }

    @Override
    public short atomicXchgShort(int addr, short value) {
        short old = readShort(addr);
        writeShort(addr, value);
        return old;
    }

    @Override
    public short atomicCmpxchgShort(int addr, short expected, short replacement) {
        short old = readShort(addr);
        if (old == expected) writeShort(addr, replacement);
        return old;
    }

    @Override
    public int atomicAddInt(int addr, int delta) {
        int old = readInt(addr);
        writeI32(addr, old + delta);
        return old;
    }

    @Override
    public int atomicAndInt(int addr, int mask) {
        int old = readInt(addr);
        writeI32(addr, old & mask);
        return old;
    }

    @Override
    public int atomicOrInt(int addr, int mask) {
        int old = readInt(addr);
        writeI32(addr, old | mask);
        return old;
    }

    @Override
    public int atomicXorInt(int addr, int mask) {
        int old = readInt(addr);
        writeI32(addr, old ^ mask);
        return old;
    }

    @Override
    public int atomicXchgInt(int addr, int value) {
        int old = readInt(addr);
        writeI32(addr, value);
        return old;
    }

    @Override
    public int atomicCmpxchgInt(int addr, int expected, int replacement) {
        int old = readInt(addr);
        if (old == expected) writeI32(addr, replacement);
        return old;
    }

    @Override
    public long atomicAddLong(int addr, long delta) {
        long old = readLong(addr);
        writeLong(addr, old + delta);
        return old;
    }

    @Override
    public long atomicAndLong(int addr, long mask) {
        long old = readLong(addr);
        writeLong(addr, old & mask);
        return old;
    }

    @Override
    public long atomicOrLong(int addr, long mask) {
        long old = readLong(addr);
        writeLong(addr, old | mask);
        return old;
    }

    @Override
    public long atomicXorLong(int addr, long mask) {
        long old = readLong(addr);
        writeLong(addr, old ^ mask);
        return old;
    }

    @Override
    public long atomicXchgLong(int addr, long value) {
        long old = readLong(addr);
        writeLong(addr, value);
        return old;
    }

    @Override
    public long atomicCmpxchgLong(int addr, long expected, long replacement) {
        long old = readLong(addr);
        if (old == expected) writeLong(addr, replacement);
        return old;
    }
}

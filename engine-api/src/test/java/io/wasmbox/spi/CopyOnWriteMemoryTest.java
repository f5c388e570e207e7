package io.wasmbox.spi;

import static com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CopyOnWriteMemory} against Chicory's {@link ByteArrayMemory} as the reference: every operation
 * runs on a copy-on-write memory and on a reference memory with the same contents, and must return the
 * same and leave the same bytes, while a second memory over the same shared pages and the shared pages
 * themselves stay untouched.
 */
class CopyOnWriteMemoryTest {
    private static final int SHARED_PAGES = 3;
    private static final int MAX_PAGES = 8;
    private static final byte[] SEGMENT = "passive segment data".getBytes(StandardCharsets.US_ASCII);

    /** The shared contents as the memory gets them: 4 KiB blocks. */
    private byte[][] shared;

    private byte[][] originalBlocks;
    /** The same contents as 64 KiB pages, for the reference memory. */
    private byte[][] original;

    @BeforeEach
    void sharedPages() {
        Random random = new Random(42);
        original = new byte[SHARED_PAGES][PAGE_SIZE];
        for (byte[] page : original) random.nextBytes(page);
        shared = blocksOf(original);
        originalBlocks = deepCopy(shared);
    }

    private CopyOnWriteMemory cow() {
        return new CopyOnWriteMemory(
                new MemoryLimits(0, MAX_PAGES), shared, new DataSegment[] {new PassiveDataSegment(SEGMENT)});
    }

    private ByteArrayMemory reference() {
        ByteArrayMemory memory = new ByteArrayMemory(new MemoryLimits(SHARED_PAGES, MAX_PAGES));
        memory.initialize(null, new DataSegment[] {new PassiveDataSegment(SEGMENT)});
        for (int i = 0; i < SHARED_PAGES; i++) memory.write(i * PAGE_SIZE, original[i]);
        return memory;
    }

    /**
     * One named operation; returns what the memory returned (null for void), compared between memories.
     * {@code expected} is what it amounts to on the reference memory (usually the same call).
     */
    private record Op(String name, Function<Memory, Object> apply, Function<Memory, Object> expected) {
        Op(String name, Function<Memory, Object> apply) {
            this(name, apply, apply);
        }

        static Op of(String name, Consumer<Memory> write) {
            return new Op(name, m -> {
                write.accept(m);
                return null;
            });
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final int P = PAGE_SIZE;
    private static final int B = CopyOnWriteMemory.BLOCK_SIZE;

    /** An atomic read-modify-write of a byte: the reference reads, applies {@code f}, writes, returns the old. */
    private static Op rmw8(String name, int addr, IntUnaryOperator f, Function<Memory, Object> atomic) {
        return new Op(name, atomic, m -> {
            byte old = m.read(addr);
            m.writeByte(addr, (byte) f.applyAsInt(old));
            return old;
        });
    }

    private static Op rmw16(String name, int addr, IntUnaryOperator f, Function<Memory, Object> atomic) {
        return new Op(name, atomic, m -> {
            short old = m.readShort(addr);
            m.writeShort(addr, (short) f.applyAsInt(old));
            return old;
        });
    }

    private static Op rmw32(String name, int addr, IntUnaryOperator f, Function<Memory, Object> atomic) {
        return new Op(name, atomic, m -> {
            int old = m.readInt(addr);
            m.writeI32(addr, f.applyAsInt(old));
            return old;
        });
    }

    private static Op rmw64(String name, int addr, LongUnaryOperator f, Function<Memory, Object> atomic) {
        return new Op(name, atomic, m -> {
            long old = m.readLong(addr);
            m.writeLong(addr, f.applyAsLong(old));
            return old;
        });
    }

    static Stream<Arguments> writes() {
        byte[] bulk = new byte[3000];
        new Random(7).nextBytes(bulk);
        List<Op> ops = new ArrayList<>(List.of(
                Op.of("writeByte", m -> m.writeByte(100, (byte) 0x5A)),
                Op.of("writeByte last byte", m -> m.writeByte(SHARED_PAGES * P - 1, (byte) -1)),
                Op.of("writeShort", m -> m.writeShort(P + 6, (short) 0xBEEF)),
                Op.of("writeShort straddling", m -> m.writeShort(P - 1, (short) 0x1234)),
                Op.of("writeI32", m -> m.writeI32(2 * P + 12, 0xCAFEBABE)),
                Op.of("writeI32 straddling", m -> m.writeI32(P - 3, 0x01020304)),
                Op.of("writeI32 straddling 2", m -> m.writeI32(2 * P - 1, -7)),
                Op.of("writeI32 straddling blocks", m -> m.writeI32(P + B - 2, 0x0A0B0C0D)),
                Op.of("writeLong straddling blocks", m -> m.writeLong(3 * B - 3, 0x1122334455667788L)),
                Op.of("writeF64 straddling blocks", m -> m.writeF64(P + 5 * B - 1, Math.PI)),
                Op.of("write bulk across blocks", m -> m.write(B - 10, bulk)),
                Op.of("fill across blocks", m -> m.fill((byte) 0x44, B + 7, 4 * B - 7)),
                Op.of("copy across blocks", m -> m.copy(B - 100, 3 * B + 50, 5000)),
                Op.of("writeLong", m -> m.writeLong(24, 0x0102030405060708L)),
                Op.of("writeLong straddling", m -> m.writeLong(2 * P - 5, 0xF0E0D0C0B0A09080L)),
                Op.of("writeF32", m -> m.writeF32(40, 3.25f)),
                Op.of("writeF32 NaN payload", m -> m.writeF32(44, Float.intBitsToFloat(0x7FC01234))),
                Op.of("writeF32 straddling", m -> m.writeF32(P - 2, -1.5f)),
                Op.of("writeF64", m -> m.writeF64(48, Math.PI)),
                Op.of("writeF64 straddling", m -> m.writeF64(P - 7, -Math.E)),
                Op.of("write bulk", m -> m.write(500, bulk)),
                Op.of("write bulk straddling", m -> m.write(P - 1000, bulk)),
                Op.of("write bulk with offset", m -> m.write(2 * P - 10, bulk, 100, 2000)),
                Op.of("write empty", m -> m.write(SHARED_PAGES * P, new byte[0])),
                Op.of("writeString", m -> m.writeCString(P - 4, "héllo")),
                Op.of("fill", m -> m.fill((byte) 7, 10, 20)),
                Op.of("fill across pages", m -> m.fill((byte) 0x33, P - 100, 2 * P + 100)),
                Op.of("fill whole memory", m -> m.fill((byte) 1, 0, SHARED_PAGES * P)),
                Op.of("copy within a page", m -> m.copy(1000, 5000, 300)),
                Op.of("copy across pages", m -> m.copy(2 * P - 300, 100, 40000)),
                Op.of("copy overlapping forward", m -> m.copy(P - 300, P - 200, 1000)),
                Op.of("copy overlapping backward", m -> m.copy(P - 200, P - 300, 1000)),
                Op.of("copy overlapping backward, long", m -> m.copy(P + 7, 3, 2 * P - 20)),
                Op.of("copy overlapping forward, long", m -> m.copy(3, P + 7, 2 * P - 20)),
                Op.of("copy onto itself", m -> m.copy(P - 50, P - 50, 100)),
                Op.of("copy empty", m -> m.copy(0, 10, 0)),
                Op.of("memory.init", m -> m.initPassiveSegment(0, P - 5, 2, 10)),
                Op.of("zero", Memory::zero),
                Op.of("grow and write", m -> {
                    m.grow(2);
                    m.writeLong(SHARED_PAGES * P - 4, -1L);
                    m.writeI32(4 * P + 8, 99);
                }),
                // atomics: Chicory 1.7.2's ByteArrayMemory cannot do most of them on an unshared memory
                // (it falls back to locks only a shared memory has), so the reference is the plain read and
                // write they amount to
                rmw8("atomicAddByte", 7, v -> v + 5, m -> m.atomicAddByte(7, (byte) 5)),
                rmw8("atomicAndByte", 7, v -> v & 0x0F, m -> m.atomicAndByte(7, (byte) 0x0F)),
                rmw8("atomicOrByte", 7, v -> v | 0x40, m -> m.atomicOrByte(7, (byte) 0x40)),
                rmw8("atomicXorByte", 7, v -> v ^ 0xFF, m -> m.atomicXorByte(7, (byte) 0xFF)),
                rmw8("atomicXchgByte", 7, v -> 3, m -> m.atomicXchgByte(7, (byte) 3)),
                rmw8("atomicCmpxchgByte miss", 7, v -> v == 3 ? 4 : v, m -> m.atomicCmpxchgByte(7, (byte) 3, (byte) 4)),
                rmw8("atomicCmpxchgByte hit", 7, v -> 4, m -> m.atomicCmpxchgByte(7, m.read(7), (byte) 4)),
                new Op(
                        "atomicWriteByte",
                        m -> {
                            m.atomicWriteByte(P + 1, (byte) 9);
                            return null;
                        },
                        m -> {
                            m.writeByte(P + 1, (byte) 9);
                            return null;
                        }),
                rmw16("atomicAddShort", P + 2, v -> v + 300, m -> m.atomicAddShort(P + 2, (short) 300)),
                rmw16("atomicAndShort", P + 2, v -> v & 0x0FF0, m -> m.atomicAndShort(P + 2, (short) 0x0FF0)),
                rmw16("atomicOrShort", P + 2, v -> v | 0x4001, m -> m.atomicOrShort(P + 2, (short) 0x4001)),
                rmw16("atomicXorShort", P + 2, v -> v ^ 0x7777, m -> m.atomicXorShort(P + 2, (short) 0x7777)),
                rmw16("atomicXchgShort", P + 2, v -> 12, m -> m.atomicXchgShort(P + 2, (short) 12)),
                rmw16(
                        "atomicCmpxchgShort miss",
                        P + 2,
                        v -> v == 5 ? 1 : v,
                        m -> m.atomicCmpxchgShort(P + 2, (short) 5, (short) 1)),
                rmw16(
                        "atomicCmpxchgShort hit",
                        P + 2,
                        v -> 1,
                        m -> m.atomicCmpxchgShort(P + 2, m.readShort(P + 2), (short) 1)),
                rmw16("atomicAddShort straddling", P - 1, v -> v + 1, m -> m.atomicAddShort(P - 1, (short) 1)),
                new Op(
                        "atomicWriteShort",
                        m -> {
                            m.atomicWriteShort(P + 4, (short) -2);
                            return null;
                        },
                        m -> {
                            m.writeShort(P + 4, (short) -2);
                            return null;
                        }),
                rmw32("atomicAddInt", 2 * P + 16, v -> v + 123456, m -> m.atomicAddInt(2 * P + 16, 123456)),
                rmw32("atomicAndInt", 2 * P + 16, v -> v & 0x00FFFF00, m -> m.atomicAndInt(2 * P + 16, 0x00FFFF00)),
                rmw32("atomicOrInt", 2 * P + 16, v -> v | 0x10000001, m -> m.atomicOrInt(2 * P + 16, 0x10000001)),
                rmw32("atomicXorInt", 2 * P + 16, v -> ~v, m -> m.atomicXorInt(2 * P + 16, -1)),
                rmw32("atomicXchgInt", 2 * P + 16, v -> 77, m -> m.atomicXchgInt(2 * P + 16, 77)),
                rmw32(
                        "atomicCmpxchgInt miss",
                        2 * P + 16,
                        v -> v == 1 ? 2 : v,
                        m -> m.atomicCmpxchgInt(2 * P + 16, 1, 2)),
                rmw32(
                        "atomicCmpxchgInt hit",
                        2 * P + 16,
                        v -> 2,
                        m -> m.atomicCmpxchgInt(2 * P + 16, m.readInt(2 * P + 16), 2)),
                rmw32("atomicAddInt straddling", 2 * P - 2, v -> v + 1, m -> m.atomicAddInt(2 * P - 2, 1)),
                new Op(
                        "atomicWriteInt",
                        m -> {
                            m.atomicWriteInt(2 * P + 20, 5);
                            return null;
                        },
                        m -> {
                            m.writeI32(2 * P + 20, 5);
                            return null;
                        }),
                rmw64("atomicAddLong", P + 64, v -> v + Long.MAX_VALUE, m -> m.atomicAddLong(P + 64, Long.MAX_VALUE)),
                rmw64(
                        "atomicAndLong",
                        P + 64,
                        v -> v & 0xFF00FF00FF00FF00L,
                        m -> m.atomicAndLong(P + 64, 0xFF00FF00FF00FF00L)),
                rmw64("atomicOrLong", P + 64, v -> v | 1L << 62, m -> m.atomicOrLong(P + 64, 1L << 62)),
                rmw64(
                        "atomicXorLong",
                        P + 64,
                        v -> v ^ 0x5555555555555555L,
                        m -> m.atomicXorLong(P + 64, 0x5555555555555555L)),
                rmw64("atomicXchgLong", P + 64, v -> 8L, m -> m.atomicXchgLong(P + 64, 8L)),
                rmw64(
                        "atomicCmpxchgLong miss",
                        P + 64,
                        v -> v == 3L ? 9L : v,
                        m -> m.atomicCmpxchgLong(P + 64, 3L, 9L)),
                rmw64(
                        "atomicCmpxchgLong hit",
                        P + 64,
                        v -> 9L,
                        m -> m.atomicCmpxchgLong(P + 64, m.readLong(P + 64), 9L)),
                rmw64("atomicXchgLong straddling", P - 3, v -> -1L, m -> m.atomicXchgLong(P - 3, -1L)),
                new Op(
                        "atomicWriteLong",
                        m -> {
                            m.atomicWriteLong(P + 72, -3L);
                            return null;
                        },
                        m -> {
                            m.writeLong(P + 72, -3L);
                            return null;
                        })));
        return ops.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void aWriteChangesOnlyThatMemoryAndMatchesByteArrayMemory(Op op) {
        CopyOnWriteMemory written = cow();
        CopyOnWriteMemory other = cow();
        ByteArrayMemory reference = reference();

        Object result = op.apply().apply(written);

        assertThat(result).isEqualTo(op.expected().apply(reference));
        assertThat(written.pages()).isEqualTo(reference.pages());
        assertThat(contents(written)).isEqualTo(contents(reference));
        assertThat(contents(other)).as("another memory over the same pages").isEqualTo(concat(original));
        assertThat(shared).as("the shared blocks").isDeepEqualTo(originalBlocks);
        // and the reads of both agree everywhere, value by value, on the written memory
        for (int addr :
                new int[] {0, 7, 100, B - 3, B - 1, P + B - 6, P - 7, P - 3, P - 1, P, P + 2, 2 * P - 5, 2 * P + 16}) {
            assertThat(written.readLong(addr)).as("readLong %d", addr).isEqualTo(reference.readLong(addr));
            assertThat(written.readInt(addr)).as("readInt %d", addr).isEqualTo(reference.readInt(addr));
            assertThat(written.readShort(addr)).isEqualTo(reference.readShort(addr));
            assertThat(written.readU16(addr)).isEqualTo(reference.readU16(addr));
            assertThat(written.read(addr)).isEqualTo(reference.read(addr));
            assertThat(Float.floatToRawIntBits(written.readFloat(addr)))
                    .isEqualTo(Float.floatToRawIntBits(reference.readFloat(addr)));
            assertThat(Double.doubleToRawLongBits(written.readDouble(addr)))
                    .isEqualTo(Double.doubleToRawLongBits(reference.readDouble(addr)));
            assertThat(written.readF32(addr)).isEqualTo(reference.readF32(addr));
            assertThat(written.readF64(addr)).isEqualTo(reference.readF64(addr));
        }
    }

    @Test
    void readsAfterWritesSeeTheWrites() {
        CopyOnWriteMemory m = cow();
        m.writeI32(P - 2, 0x11223344);
        assertThat(m.readInt(P - 2)).isEqualTo(0x11223344);
        assertThat(m.read(P - 2)).isEqualTo((byte) 0x44);
        assertThat(m.read(P + 1)).isEqualTo((byte) 0x11);
        m.writeLong(8, 0x8877665544332211L);
        assertThat(m.readLong(8)).isEqualTo(0x8877665544332211L);
        assertThat(m.readShort(8)).isEqualTo((short) 0x2211);
        m.writeF64(2 * P - 4, 1e300);
        assertThat(m.readDouble(2 * P - 4)).isEqualTo(1e300);
        m.writeF32(16, 0.1f);
        assertThat(m.readFloat(16)).isEqualTo(0.1f);
        assertThat(m.readBytes(P - 2, 4)).containsExactly(0x44, 0x33, 0x22, 0x11);
        m.writeString(200, "abc");
        assertThat(m.readString(200, 3)).isEqualTo("abc");
    }

    @Test
    void ownedBytesGrowsByOneBlockPerFirstWriteToABlock() {
        CopyOnWriteMemory m = cow();
        assertThat(m.ownedBytes()).isZero();
        m.readBytes(0, SHARED_PAGES * P);
        m.readLong(P + 8);
        assertThat(m.ownedBytes()).as("reads copy nothing").isZero();
        m.writeByte(10, (byte) 1);
        assertThat(m.ownedBytes()).as("a 4 KiB block, not the 64 KiB page").isEqualTo(B);
        m.writeLong(20, 1L);
        m.fill((byte) 2, 0, 100);
        assertThat(m.ownedBytes()).as("a block is copied once").isEqualTo(B);
        m.writeI32(2 * P + 4, 1);
        assertThat(m.ownedBytes()).isEqualTo(2L * B);
        m.writeI32(2 * P - 2, 1); // straddles the last block of page 1 and the first of page 2: one is new
        assertThat(m.ownedBytes()).isEqualTo(3L * B);
        assertThat(m.grow(2)).isEqualTo(SHARED_PAGES);
        assertThat(m.ownedBytes())
                .as("grown pages are shared zeros until written")
                .isEqualTo(3L * B);
        assertThat(m.readLong(SHARED_PAGES * P + 5)).isZero();
        m.writeByte(SHARED_PAGES * P + 5, (byte) 1);
        assertThat(m.ownedBytes()).isEqualTo(4L * B);
        assertThat(InstanceSnapshot.ownedMemoryBytes(m)).isEqualTo(4L * B);
        assertThat(cow().readBytes(SHARED_PAGES * P - 8, 8))
                .as("a new memory over the same blocks")
                .isEqualTo(Arrays.copyOfRange(original[SHARED_PAGES - 1], P - 8, P));
        assertThat(cow().ownedBytes()).isZero();
    }

    @Test
    void bulkWritesCopyOnlyThePagesTheyTouch() {
        CopyOnWriteMemory m = cow();
        m.copy(P + 10, P + 100, 50); // within a block of page 1
        assertThat(m.ownedBytes()).isEqualTo(B);
        m.copy(2 * P, 0, 10); // reads page 0, writes page 2
        assertThat(m.ownedBytes()).isEqualTo(2L * B);
        m.fill((byte) 3, B - 1, 3 * B + 1); // the ends of blocks 0 and 3, all of 1 and 2
        assertThat(m.ownedBytes()).isEqualTo(6L * B);
        assertThat(cow().readBytes(0, P)).isEqualTo(original[0]);
        CopyOnWriteMemory zeroed = cow();
        zeroed.zero();
        assertThat(zeroed.readBytes(0, SHARED_PAGES * P)).containsOnly(0);
        assertThat(zeroed.ownedBytes())
                .as("zeroing shares the zero block, copies nothing")
                .isZero();
        m.zero();
        assertThat(m.readBytes(0, SHARED_PAGES * P)).containsOnly(0);
        assertThat(shared).isDeepEqualTo(originalBlocks);
    }

    @Test
    void growsUpToTheMaximumAndFailsBeyondWithoutChange() {
        CopyOnWriteMemory m = cow();
        assertThat(m.pages()).isEqualTo(SHARED_PAGES);
        assertThat(m.maximumPages()).isEqualTo(MAX_PAGES);
        assertThat(m.grow(0)).isEqualTo(SHARED_PAGES);
        assertThat(m.grow(MAX_PAGES - SHARED_PAGES + 1)).isEqualTo(-1);
        assertThat(m.pages()).isEqualTo(SHARED_PAGES);
        assertThat(m.grow(-1)).as("an unsigned 0xFFFFFFFF pages").isEqualTo(-1);
        assertThat(m.grow(Integer.MAX_VALUE)).isEqualTo(-1);
        assertThat(m.grow(2)).isEqualTo(SHARED_PAGES);
        assertThat(m.grow(MAX_PAGES - SHARED_PAGES - 2)).isEqualTo(SHARED_PAGES + 2);
        assertThat(m.pages()).isEqualTo(MAX_PAGES);
        assertThat(m.grow(1)).isEqualTo(-1);
        assertThat(m.pages()).isEqualTo(MAX_PAGES);
        assertThat(m.readBytes(SHARED_PAGES * P, (MAX_PAGES - SHARED_PAGES) * P))
                .containsOnly(0);
        m.writeLong(MAX_PAGES * P - 8, 5L);
        assertThat(m.readLong(MAX_PAGES * P - 8)).isEqualTo(5L);
        assertThatThrownBy(() -> m.writeByte(MAX_PAGES * P, (byte) 1)).isInstanceOf(WasmRuntimeException.class);
    }

    @Test
    void theMaximumIsChicorysRuntimeMaximumAtMost() {
        CopyOnWriteMemory m =
                new CopyOnWriteMemory(new MemoryLimits(0, MemoryLimits.MAX_PAGES), shared, new DataSegment[0]);
        assertThat(m.maximumPages()).isEqualTo(Memory.RUNTIME_MAX_PAGES);
        assertThat(m.grow(Memory.RUNTIME_MAX_PAGES - SHARED_PAGES + 1)).isEqualTo(-1);
        assertThat(m.initialPages()).isZero();
    }

    @Test
    void refusesSharedPagesAboveTheMaximumAndSharedMemories() {
        assertThatThrownBy(() -> new CopyOnWriteMemory(new MemoryLimits(0, 2), shared, new DataSegment[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CopyOnWriteMemory(new MemoryLimits(1, 2, true), shared, new DataSegment[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPlainMemoryHasItsInitialPagesZeroed() {
        CopyOnWriteMemory m = new CopyOnWriteMemory(new MemoryLimits(2, 4));
        assertThat(m.pages()).isEqualTo(2);
        assertThat(m.initialPages()).isEqualTo(2);
        assertThat(m.ownedBytes()).as("zeros are shared until written").isZero();
        assertThat(m.readBytes(0, 2 * P)).containsOnly(0);
        m.writeI32(P + 4, 7);
        assertThat(m.ownedBytes()).isEqualTo(B);
        assertThat(m.readInt(P + 4)).isEqualTo(7);
        assertThat(new CopyOnWriteMemory(new MemoryLimits(2, 4)).readInt(P + 4))
                .as("the shared zero block unchanged")
                .isZero();
        assertThatThrownBy(() -> new CopyOnWriteMemory(new MemoryLimits(5, 4))).isInstanceOf(RuntimeException.class);
    }

    // ---- out of bounds ----

    private static final int END = SHARED_PAGES * P;

    static Stream<Arguments> outOfBounds() {
        List<Arguments> cases = new ArrayList<>();
        // addresses: just past the end, inside the maximum but beyond the size, beyond the maximum,
        // negative (as Chicory's compiled code passes a negative base unchanged) and the most negative
        int[] addresses = {END, END + 5, 5 * P, MAX_PAGES * P, 100 * P, Integer.MAX_VALUE, -1, -P, Integer.MIN_VALUE};
        for (int addr : addresses) {
            cases.add(Arguments.of("read", addr, 1, (Consumer<Memory>) m -> m.read(addr)));
            cases.add(Arguments.of("readShort", addr, 2, (Consumer<Memory>) m -> m.readShort(addr)));
            cases.add(Arguments.of("readInt", addr, 4, (Consumer<Memory>) m -> m.readInt(addr)));
            cases.add(Arguments.of("readLong", addr, 8, (Consumer<Memory>) m -> m.readLong(addr)));
            cases.add(Arguments.of("readFloat", addr, 4, (Consumer<Memory>) m -> m.readFloat(addr)));
            cases.add(Arguments.of("readDouble", addr, 8, (Consumer<Memory>) m -> m.readDouble(addr)));
            cases.add(Arguments.of("writeByte", addr, 1, (Consumer<Memory>) m -> m.writeByte(addr, (byte) 1)));
            cases.add(Arguments.of("writeShort", addr, 2, (Consumer<Memory>) m -> m.writeShort(addr, (short) 1)));
            cases.add(Arguments.of("writeI32", addr, 4, (Consumer<Memory>) m -> m.writeI32(addr, 1)));
            cases.add(Arguments.of("writeLong", addr, 8, (Consumer<Memory>) m -> m.writeLong(addr, 1L)));
            cases.add(Arguments.of("writeF32", addr, 4, (Consumer<Memory>) m -> m.writeF32(addr, 1f)));
            cases.add(Arguments.of("writeF64", addr, 8, (Consumer<Memory>) m -> m.writeF64(addr, 1d)));
            cases.add(Arguments.of("atomicAddInt", addr, 4, (Consumer<Memory>) m -> m.atomicAddInt(addr, 1)));
            cases.add(Arguments.of("atomicWriteLong", addr, 8, (Consumer<Memory>) m -> m.atomicWriteLong(addr, 1)));
            cases.add(Arguments.of("readBytes", addr, 4, (Consumer<Memory>) m -> m.readBytes(addr, 4)));
            cases.add(Arguments.of("write", addr, 4, (Consumer<Memory>) m -> m.write(addr, new byte[4])));
            cases.add(Arguments.of("fill", addr, 4, (Consumer<Memory>) m -> m.fill((byte) 1, addr, addr + 4)));
            cases.add(Arguments.of("copy to", addr, 4, (Consumer<Memory>) m -> m.copy(addr, 0, 4)));
            cases.add(Arguments.of("copy from", addr, 4, (Consumer<Memory>) m -> m.copy(0, addr, 4)));
        }
        // partly inside: the access starts in bounds and ends past the end (a straddling slow path)
        cases.add(Arguments.of("readShort at end", END - 1, 2, (Consumer<Memory>) m -> m.readShort(END - 1)));
        cases.add(Arguments.of("readInt at end", END - 2, 4, (Consumer<Memory>) m -> m.readInt(END - 2)));
        cases.add(Arguments.of("readLong at end", END - 4, 8, (Consumer<Memory>) m -> m.readLong(END - 4)));
        cases.add(Arguments.of("readDouble at end", END - 1, 8, (Consumer<Memory>) m -> m.readDouble(END - 1)));
        cases.add(Arguments.of(
                "writeShort at end", END - 1, 2, (Consumer<Memory>) m -> m.writeShort(END - 1, (short) 1)));
        cases.add(Arguments.of("writeI32 at end", END - 2, 4, (Consumer<Memory>) m -> m.writeI32(END - 2, 1)));
        cases.add(Arguments.of("writeLong at end", END - 4, 8, (Consumer<Memory>) m -> m.writeLong(END - 4, 1L)));
        cases.add(Arguments.of("writeF32 at end", END - 3, 4, (Consumer<Memory>) m -> m.writeF32(END - 3, 1f)));
        cases.add(Arguments.of("writeF64 at end", END - 7, 8, (Consumer<Memory>) m -> m.writeF64(END - 7, 1d)));
        cases.add(Arguments.of("readBytes at end", END - 2, 4, (Consumer<Memory>) m -> m.readBytes(END - 2, 4)));
        cases.add(Arguments.of("write at end", END - 2, 4, (Consumer<Memory>) m -> m.write(END - 2, new byte[4])));
        cases.add(Arguments.of("fill at end", END - 2, 4, (Consumer<Memory>) m -> m.fill((byte) 1, END - 2, END + 2)));
        cases.add(Arguments.of("copy to end", END - 2, 4, (Consumer<Memory>) m -> m.copy(END - 2, 0, 4)));
        cases.add(Arguments.of(
                "memory.init at end", END - 2, 4, (Consumer<Memory>) m -> m.initPassiveSegment(0, END - 2, 0, 4)));
        cases.add(Arguments.of("negative length", 0, -1, (Consumer<Memory>) m -> m.readBytes(0, -1)));
        cases.add(Arguments.of("fill backwards", 10, -5, (Consumer<Memory>) m -> m.fill((byte) 1, 10, 5)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("outOfBounds")
    void outOfBoundsAccessesRaiseChicorysErrorAndChangeNothing(String name, int addr, int size, Consumer<Memory> op) {
        CopyOnWriteMemory m = cow();
        Throwable thrown = catchThrowable(() -> op.accept(m));
        assertThat(thrown)
                .isInstanceOf(WasmRuntimeException.class)
                .hasMessageContaining("out of bounds memory access")
                .hasMessageContaining("address: " + addr + " ");
        if (addr < 0) assertThat(thrown).hasMessageContaining("address: -");
        assertThat(contents(m)).isEqualTo(concat(original));
        assertThat(m.ownedBytes()).as("a failed access copies no page").isZero();
        assertThat(shared).isDeepEqualTo(originalBlocks);

        // Chicory's ByteArrayMemory fails the same accesses, and with the very same message wherever it
        // reports the whole access (a value straddling pages it reads byte by byte and reports the byte)
        Throwable expected = catchThrowable(() -> op.accept(reference()));
        assertThat(expected).isInstanceOf(WasmRuntimeException.class);
        boolean straddles = (addr & (P - 1)) + size > P;
        if (!straddles) assertThat(thrown).hasMessage(expected.getMessage());
    }

    @Test
    void aWriteToHostBytesOutsideTheSourceArrayIsRefused() {
        CopyOnWriteMemory m = cow();
        assertThatThrownBy(() -> m.write(0, new byte[4], 2, 4))
                .isInstanceOf(WasmRuntimeException.class)
                .hasMessageContaining("out of bounds");
        assertThatThrownBy(() -> m.write(0, new byte[4], -1, 2)).isInstanceOf(WasmRuntimeException.class);
        assertThat(m.ownedBytes()).isZero();
    }

    @Test
    void droppedSegmentsAreEmptyForThisMemoryOnly() {
        // as InstanceSnapshot does: every memory of the snapshot gets the same segments array
        DataSegment segment = new PassiveDataSegment(SEGMENT);
        DataSegment[] segments = {segment};
        MemoryLimits limits = new MemoryLimits(0, MAX_PAGES);
        CopyOnWriteMemory dropped = new CopyOnWriteMemory(limits, shared, segments);
        CopyOnWriteMemory other = new CopyOnWriteMemory(limits, shared, segments);
        dropped.drop(0);
        assertThatThrownBy(() -> dropped.initPassiveSegment(0, 0, 0, 1)).isInstanceOf(WasmRuntimeException.class);
        dropped.initPassiveSegment(0, 0, 0, 0); // an empty init of a dropped segment is allowed
        assertThat(segments[0]).isSameAs(segment);
        other.initPassiveSegment(0, 10, 0, SEGMENT.length);
        assertThat(other.readBytes(10, SEGMENT.length)).isEqualTo(SEGMENT);
    }

    @Test
    void waitTrapsAndNotifyWakesNobodyOnAnUnsharedMemory() {
        CopyOnWriteMemory m = cow();
        assertThat(m.shared()).isFalse();
        assertThatThrownBy(() -> m.atomicWait(0, 0, 1000L))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("non-shared");
        assertThatThrownBy(() -> m.atomicWait(0, 0L, 1000L)).isInstanceOf(ChicoryException.class);
        assertThat(m.atomicNotify(8, 1)).isZero();
        assertThatThrownBy(() -> m.atomicNotify(END, 1)).isInstanceOf(WasmRuntimeException.class);
        m.atomicFence();
    }

    @Test
    void atomicReadsReadAndAtomicWritesCopyOnWrite() {
        CopyOnWriteMemory m = cow();
        ByteArrayMemory reference = reference();
        assertThat(m.atomicReadByte(3)).isEqualTo(reference.read(3));
        assertThat(m.atomicReadShort(4)).isEqualTo(reference.readShort(4));
        assertThat(m.atomicReadInt(P + 8)).isEqualTo(reference.readInt(P + 8));
        assertThat(m.atomicReadLong(2 * P + 16)).isEqualTo(reference.readLong(2 * P + 16));
        assertThat(m.ownedBytes()).isZero();
        m.atomicWriteInt(P + 8, 1);
        assertThat(m.ownedBytes()).isEqualTo(B);
        assertThat(m.atomicReadInt(P + 8)).isEqualTo(1);
        assertThat(cow().atomicReadInt(P + 8)).isEqualTo(reference.readInt(P + 8));
    }

    @Test
    void manyMemoriesOverTheSamePagesStayIndependent() {
        Random random = new Random(3);
        CopyOnWriteMemory[] memories = new CopyOnWriteMemory[4];
        ByteArrayMemory[] references = new ByteArrayMemory[4];
        for (int i = 0; i < memories.length; i++) {
            memories[i] = cow();
            references[i] = reference();
        }
        for (int step = 0; step < 2000; step++) {
            int i = random.nextInt(memories.length);
            int addr = random.nextInt(END - 8);
            switch (random.nextInt(4)) {
                case 0 -> {
                    memories[i].writeByte(addr, (byte) step);
                    references[i].writeByte(addr, (byte) step);
                }
                case 1 -> {
                    memories[i].writeI32(addr, step);
                    references[i].writeI32(addr, step);
                }
                case 2 -> {
                    memories[i].writeLong(addr, step * 31L);
                    references[i].writeLong(addr, step * 31L);
                }
                default -> {
                    int src = random.nextInt(END - 300);
                    int dst = random.nextInt(END - 300);
                    memories[i].copy(dst, src, 300);
                    references[i].copy(dst, src, 300);
                }
            }
        }
        for (int i = 0; i < memories.length; i++)
            assertThat(contents(memories[i])).isEqualTo(contents(references[i]));
        assertThat(shared).isDeepEqualTo(originalBlocks);
    }

    // ---- helpers ----

    private static byte[] contents(Memory m) {
        return m.readBytes(0, m.pages() * PAGE_SIZE);
    }

    private static byte[] concat(byte[][] pages) {
        byte[] all = new byte[pages.length * PAGE_SIZE];
        for (int i = 0; i < pages.length; i++) System.arraycopy(pages[i], 0, all, i * PAGE_SIZE, PAGE_SIZE);
        return all;
    }

    private static byte[][] blocksOf(byte[][] pages) {
        byte[][] blocks = new byte[pages.length * CopyOnWriteMemory.BLOCKS_PER_PAGE][];
        for (int i = 0; i < blocks.length; i++) {
            int from = (i % CopyOnWriteMemory.BLOCKS_PER_PAGE) * B;
            blocks[i] = Arrays.copyOfRange(pages[i / CopyOnWriteMemory.BLOCKS_PER_PAGE], from, from + B);
        }
        return blocks;
    }

    private static byte[][] deepCopy(byte[][] pages) {
        return Arrays.stream(pages).map(byte[]::clone).toArray(byte[][]::new);
    }
}

package io.wasmbox.spi;

import static com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.junit.jupiter.api.Test;

/** Snapshots of a tiny module, run by Chicory's interpreter: restored instances share pages, not writes. */
class InstanceSnapshotTest {
    /**
     * A module with one memory (1 page, at most 4), "hello" at address 16 (an active data segment), and
     * {@code store(addr, i32)}, {@code load(addr) -> i32}, {@code grow(pages) -> old pages or -1}.
     */
    private static final byte[] MODULE = bytes(
            0x00,
            0x61,
            0x73,
            0x6D,
            0x01,
            0x00,
            0x00,
            0x00,
            // types: (i32 i32) -> (), (i32) -> (i32)
            0x01,
            0x0B,
            0x02,
            0x60,
            0x02,
            0x7F,
            0x7F,
            0x00,
            0x60,
            0x01,
            0x7F,
            0x01,
            0x7F,
            // functions: store, load, grow
            0x03,
            0x04,
            0x03,
            0x00,
            0x01,
            0x01,
            // memory: min 1, max 4
            0x05,
            0x04,
            0x01,
            0x01,
            0x01,
            0x04,
            // exports: memory, store, load, grow
            0x07,
            0x20,
            0x04,
            0x06,
            'm',
            'e',
            'm',
            'o',
            'r',
            'y',
            0x02,
            0x00,
            0x05,
            's',
            't',
            'o',
            'r',
            'e',
            0x00,
            0x00,
            0x04,
            'l',
            'o',
            'a',
            'd',
            0x00,
            0x01,
            0x04,
            'g',
            'r',
            'o',
            'w',
            0x00,
            0x02,
            // code: local.get 0, local.get 1, i32.store | local.get 0, i32.load | local.get 0, memory.grow
            0x0A,
            0x1A,
            0x03,
            0x09,
            0x00,
            0x20,
            0x00,
            0x20,
            0x01,
            0x36,
            0x02,
            0x00,
            0x0B,
            0x07,
            0x00,
            0x20,
            0x00,
            0x28,
            0x02,
            0x00,
            0x0B,
            0x06,
            0x00,
            0x20,
            0x00,
            0x40,
            0x00,
            0x0B,
            // data: active, memory 0, at i32.const 16, "hello"
            0x0B,
            0x0B,
            0x01,
            0x00,
            0x41,
            0x10,
            0x0B,
            0x05,
            'h',
            'e',
            'l',
            'l',
            'o');

    private static final int HELL = 'h' | 'e' << 8 | 'l' << 16 | 'l' << 24;

    private final WasmModule module = Parser.parse(MODULE);

    private Instance template(boolean byteArrayMemory) {
        MemoryLimits limits = new MemoryLimits(1, 4);
        return Instance.builder(module)
                .withMachineFactory(InterpreterMachine::new)
                .withMemoryLimits(limits)
                .withMemoryFactory(
                        byteArrayMemory
                                ? ByteArrayMemory::new
                                : GuestContext.forTemplate(4L * PAGE_SIZE).memoryFactory())
                .build();
    }

    private static long call(Instance instance, String name, long... args) {
        long[] result = instance.export(name).apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }

    private Instance restore(InstanceSnapshot snapshot, int maxPages) {
        return snapshot.restore(ImportValues.builder().build(), InterpreterMachine::new, maxPages);
    }

    @Test
    void restoredInstancesStartFromTheCapturedStateAndDoNotSeeEachOthersWrites() {
        for (boolean byteArrayMemory : new boolean[] {true, false}) {
            Instance template = template(byteArrayMemory);
            assertThat(call(template, "load", 16)).as("data segment").isEqualTo(HELL);
            call(template, "store", 100, 42);
            assertThat(call(template, "grow", 1)).isEqualTo(1);
            call(template, "store", PAGE_SIZE + 8, 43);
            InstanceSnapshot snapshot = InstanceSnapshot.capture(module, template);
            call(template, "store", 100, -1); // after the capture: not in the snapshot
            assertThat(snapshot.memoryBytes()).isEqualTo(2L * PAGE_SIZE);

            Instance a = restore(snapshot, 3);
            Instance b = restore(snapshot, 3);
            assertThat(a.memory()).isInstanceOf(CopyOnWriteMemory.class);
            assertThat(a.memory().pages()).isEqualTo(2);
            assertThat(call(a, "load", 16)).isEqualTo(HELL);
            assertThat(call(a, "load", 100)).isEqualTo(42);
            assertThat(call(a, "load", PAGE_SIZE + 8)).isEqualTo(43);
            assertThat(InstanceSnapshot.ownedMemoryBytes(a.memory()))
                    .as("reads copy nothing")
                    .isZero();

            call(a, "store", 100, 7);
            assertThat(call(a, "load", 100)).isEqualTo(7);
            assertThat(call(b, "load", 100)).isEqualTo(42);
            assertThat(InstanceSnapshot.ownedMemoryBytes(a.memory()))
                    .as("the 4 KiB block written")
                    .isEqualTo(CopyOnWriteMemory.BLOCK_SIZE);
            assertThat(InstanceSnapshot.ownedMemoryBytes(b.memory())).isZero();
            assertThat(call(restore(snapshot, 3), "load", 100))
                    .as("the snapshot is unchanged")
                    .isEqualTo(42);

            b.memory().writeI32(PAGE_SIZE + 8, 99); // the host writes through the same copy on write
            assertThat(call(b, "load", PAGE_SIZE + 8)).isEqualTo(99);
            assertThat(call(a, "load", PAGE_SIZE + 8)).isEqualTo(43);
        }
    }

    @Test
    void theCapIsTheMaximumThatGrowReaches() {
        Instance template = template(true);
        InstanceSnapshot snapshot = InstanceSnapshot.capture(module, template);
        Instance capped = restore(snapshot, 2);
        assertThat(call(capped, "grow", 1)).isEqualTo(1);
        assertThat(call(capped, "grow", 1)).as("beyond the cap").isEqualTo(-1);
        assertThat(capped.memory().pages()).isEqualTo(2);
        call(capped, "store", 2 * PAGE_SIZE - 4, 5);
        assertThat(call(capped, "load", 2 * PAGE_SIZE - 4)).isEqualTo(5);
        assertThat(InstanceSnapshot.ownedMemoryBytes(capped.memory()))
                .as("the block written in the grown page")
                .isEqualTo(CopyOnWriteMemory.BLOCK_SIZE);
        assertThatThrownBy(() -> call(capped, "store", 2 * PAGE_SIZE - 2, 5))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("out of bounds memory access");
        assertThatThrownBy(() -> call(capped, "load", 2 * PAGE_SIZE))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("out of bounds memory access");

        assertThatThrownBy(() -> restore(InstanceSnapshot.capture(module, capped), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory cap");
    }

    @Test
    void ownedBytesOfAnyOtherMemoryIsItsSize() {
        Instance template = template(true);
        assertThat(InstanceSnapshot.ownedMemoryBytes(template.memory())).isEqualTo(PAGE_SIZE);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }
}

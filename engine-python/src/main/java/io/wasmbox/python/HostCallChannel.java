package io.wasmbox.python;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import io.wasmbox.spi.HostCalls;
import io.wasmbox.spi.WasiErrno;
import io.wasmbox.spi.WasiFunctions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Python's way out to bound host functions. CPython can reach the host only through WASI, and the
 * module's in-guest virtual file system (wasi-vfs) passes on only descriptors it knows, so the channel
 * is the descriptor of the driver's preopened directory: reading or writing a directory descriptor is
 * always an error in WASI, so nothing legitimate is taken away. WASI {@code fd_write} and {@code fd_read}
 * on it are answered here. The driver writes a framed request ({@code [u32 length][JSON]}) with {@code
 * os.write}, the host dispatches it to the bound function on the spot, and the driver reads the reply
 * ({@link HostCalls#dispatch}) with {@code os.read} until a read answers nothing. Every other call goes to WASI
 * as before.
 *
 * <p>Guest code can find the descriptor (Python can introspect everything in its own memory), but
 * writing to it only reaches functions bound on this sandbox, with JSON arguments: the same as calling
 * them, so nothing is gained by forging a call.
 */
final class HostCallChannel {
    /** The /guest preopen (WASI numbers preopens from 3). Must match _HOST_FD in guest.py. */
    static final int FD = 3;

    /** Largest request frame a guest may send; a larger header resets the channel with EINVAL. */
    static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

    private final HostCalls hostCalls;
    private final byte[] header = new byte[4];
    private int headerFilled;
    private int expected = -1; // body length once the header is complete
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private byte[] response = new byte[0];
    private int responseOffset;

    HostCallChannel(HostCalls hostCalls) {
        this.hostCalls = hostCalls;
    }

    /** WASI's {@code fd_write}/{@code fd_read} with the channel descriptor intercepted. */
    HostFunction[] wrap(HostFunction[] wasi) {
        HostFunction[] out = WasiFunctions.wrap(
                wasi,
                "fd_write",
                real -> (inst, args) -> (int) args[0] == FD
                        ? new long[] {guarded(() -> write(inst, (int) args[1], (int) args[2], (int) args[3]))}
                        : real.apply(inst, args));
        return WasiFunctions.wrap(
                out,
                "fd_read",
                real -> (inst, args) -> (int) args[0] == FD
                        ? new long[] {guarded(() -> read(inst, (int) args[1], (int) args[2], (int) args[3]))}
                        : real.apply(inst, args));
    }

    /** A bad pointer from the guest is its errno, not an exception unwinding through it. */
    private int guarded(IntSupplier call) {
        try {
            return call.getAsInt();
        } catch (WasmRuntimeException e) {
            reset();
            return WasiErrno.FAULT;
        }
    }

    private int write(Instance instance, int iovs, int iovsLen, int nwrittenPtr) {
        Memory memory = instance.memory();
        int total = 0;
        for (int i = 0; i < iovsLen; i++) {
            int buf = memory.readInt(iovs + 8 * i);
            int len = memory.readInt(iovs + 8 * i + 4);
            if (len < 0 || !accept(memory.readBytes(buf, len))) {
                reset();
                return WasiErrno.INVAL;
            }
            total += len;
        }
        memory.writeI32(nwrittenPtr, total);
        return WasiErrno.SUCCESS;
    }

    /** Takes bytes of the current frame; false for a frame over the cap or bytes past its end. */
    private boolean accept(byte[] bytes) {
        int at = 0;
        while (at < bytes.length) {
            if (headerFilled < 4) {
                header[headerFilled++] = bytes[at++];
                if (headerFilled == 4) {
                    long length = (header[0] & 0xFFL)
                            | (header[1] & 0xFFL) << 8
                            | (header[2] & 0xFFL) << 16
                            | (header[3] & 0xFFL) << 24;
                    if (length > MAX_FRAME_BYTES) return false;
                    expected = (int) length;
                }
            } else {
                int take = Math.min(bytes.length - at, expected - body.size());
                if (take <= 0) return false;
                body.write(bytes, at, take);
                at += take;
            }
            if (headerFilled == 4 && body.size() == expected) dispatch();
        }
        return true;
    }

    private void dispatch() {
        String answer = hostCalls.dispatch(body.toString(StandardCharsets.UTF_8));
        reset();
        response = answer.getBytes(StandardCharsets.UTF_8);
        responseOffset = 0;
    }

    private void reset() {
        headerFilled = 0;
        expected = -1;
        body.reset();
    }

    private int read(Instance instance, int iovs, int iovsLen, int nreadPtr) {
        Memory memory = instance.memory();
        int total = 0;
        for (int i = 0; i < iovsLen && responseOffset < response.length; i++) {
            int buf = memory.readInt(iovs + 8 * i);
            int len = Math.min(memory.readInt(iovs + 8 * i + 4), response.length - responseOffset);
            memory.write(buf, response, responseOffset, len);
            responseOffset += len;
            total += len;
        }
        memory.writeI32(nreadPtr, total);
        return WasiErrno.SUCCESS;
    }
}

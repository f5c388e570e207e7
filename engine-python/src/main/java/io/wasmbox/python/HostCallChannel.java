package io.wasmbox.python;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import io.wasmbox.spi.HostCalls;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Python's way out to bound host functions. CPython can reach the host only through WASI, and the
 * module's in-guest virtual file system (wasi-vfs) passes on only descriptors it knows, so the channel
 * is the descriptor of the driver's preopened directory: reading or writing a directory descriptor is
 * always an error in WASI, so nothing legitimate is taken away. WASI {@code fd_write} and {@code fd_read}
 * on it are answered here. The driver writes a framed request ({@code [u32 length][JSON]}) with {@code
 * os.write}, the host dispatches it to the bound function on the spot, and the driver reads the framed
 * response with {@code os.read}. Every other call goes to WASI as before.
 *
 * <p>Guest code can find the descriptor (Python can introspect everything in its own memory), but
 * writing to it only reaches functions bound on this sandbox, with JSON arguments: the same as calling
 * them, so nothing is gained by forging a call.
 */
final class HostCallChannel {
    /** The /guest preopen (WASI numbers preopens from 3). Must match _HOST_FD in guest.py. */
    static final int FD = 3;
    private static final int ERRNO_SUCCESS = 0;
    private static final int ERRNO_INVAL = 28;

    private final HostCalls hostCalls;
    private final ByteArrayOutputStream request = new ByteArrayOutputStream();
    private byte[] response = new byte[0];
    private int responseOffset;

    HostCallChannel(HostCalls hostCalls) {
        this.hostCalls = hostCalls;
    }

    /** WASI's {@code fd_write}/{@code fd_read} with the channel descriptor intercepted. */
    HostFunction[] wrap(HostFunction[] wasi) {
        HostFunction[] out = wasi.clone();
        for (int i = 0; i < out.length; i++) {
            HostFunction f = out[i];
            if (f.name().equals("fd_write")) {
                out[i] = new HostFunction(f.module(), f.name(), f.functionType(), (inst, args) ->
                        (int) args[0] == FD ? new long[] {write(inst, (int) args[1], (int) args[2], (int) args[3])}
                                : f.handle().apply(inst, args));
            } else if (f.name().equals("fd_read")) {
                out[i] = new HostFunction(f.module(), f.name(), f.functionType(), (inst, args) ->
                        (int) args[0] == FD ? new long[] {read(inst, (int) args[1], (int) args[2], (int) args[3])}
                                : f.handle().apply(inst, args));
            }
        }
        return out;
    }

    private int write(Instance instance, int iovs, int iovsLen, int nwrittenPtr) {
        Memory memory = instance.memory();
        int total = 0;
        for (int i = 0; i < iovsLen; i++) {
            int buf = memory.readInt(iovs + 8 * i);
            int len = memory.readInt(iovs + 8 * i + 4);
            request.write(memory.readBytes(buf, len), 0, len);
            total += len;
        }
        memory.writeI32(nwrittenPtr, total);
        byte[] bytes = request.toByteArray();
        if (bytes.length >= 4) {
            int length = (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8 | (bytes[2] & 0xFF) << 16 | (bytes[3] & 0xFF) << 24;
            if (length < 0) return ERRNO_INVAL;
            if (bytes.length >= 4 + length) {
                request.reset();
                String answer = hostCalls.dispatch(new String(bytes, 4, length, StandardCharsets.UTF_8));
                byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                response = new byte[4 + body.length];
                response[0] = (byte) body.length;
                response[1] = (byte) (body.length >>> 8);
                response[2] = (byte) (body.length >>> 16);
                response[3] = (byte) (body.length >>> 24);
                System.arraycopy(body, 0, response, 4, body.length);
                responseOffset = 0;
            }
        }
        return ERRNO_SUCCESS;
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
        return ERRNO_SUCCESS;
    }
}

package io.wasmbox.js;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.ValType;
import com.fasterxml.jackson.databind.node.NullNode;
import io.roastedroot.quickjs4j.core.JavyPluginModule;
import io.wasmbox.GuestError;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestCrashedException;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import io.wasmbox.spi.HostCalls;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * One QuickJS runtime (one WebAssembly instance of javy's QuickJS plugin). Its ABI: {@code compileSrc}
 * turns module source into bytecode, {@code invoke} evaluates bytecode as a module and then runs the job
 * queue until it is empty, and the import {@code chicory.invoke} is the guest's only call to the host.
 *
 * <p>Each run: the request JSON goes on WASI stdin, {@code invoke} evaluates the runner module
 * ({@code __wasmbox_run();}), and the driver (driver.js) answers through {@code chicory.invoke}.
 *
 * <p>Host functions: the driver sends {@code {"name", "args"}} with {@code chicory.invoke("wasmbox",
 * "call", json)}; the host dispatches it to the sandbox's bound functions ({@link
 * io.wasmbox.spi.HostCalls}) on the spot and, since {@code chicory.invoke} can only return an empty
 * result (see {@link #hostCall}), puts the response on the stdin channel, framed as {@code [u32 little
 * endian length][JSON]}, ahead of everything else. The driver reads exactly that frame right after the
 * call, so the reply never mixes with the script's own stdin.
 */
final class JsGuest implements Guest {
    private static final String ALLOCATION_FAILURE = "memory allocation of ";
    private static final int CLOCK_MONOTONIC = 1;

    private final StdinChannel stdin;
    private final HostCalls hostCalls;
    private final StderrTail stderr;
    private final WasiPreview1 wasi;
    private final Instance instance;
    private final Memory memory;
    private final ExportFunction realloc;
    private final ExportFunction free;
    private final ExportFunction invoke;
    /** Addresses in the snapshot's memory (JsGuestFactory): the runner bytecode, the host-call return block. */
    private int runnerAddress;
    private int runnerLength;
    private int returnBlock;
    private String response;

    /** A guest in the factory's set-up state (runtime initialised, driver installed). */
    static JsGuest restored(JsGuestFactory factory, GuestContext context) {
        int maxPages = context.memoryLimits(factory.declaredMemory).maximumPages();
        JsGuest guest = new JsGuest(factory, context,
                imports -> factory.snapshot.restore(imports, JavyPluginModule::create, maxPages));
        guest.returnBlock = factory.returnBlock;
        guest.runnerAddress = factory.runnerAddress;
        guest.runnerLength = factory.runnerLength;
        return guest;
    }

    /** A bare instance, for the factory to set up and snapshot. */
    static JsGuest template(JsGuestFactory factory, GuestContext context) {
        return new JsGuest(factory, context, imports -> Instance.builder(factory.module)
                .withMachineFactory(JavyPluginModule::create)
                .withImportValues(imports)
                .withMemoryFactory(context.memoryFactory())
                .withMemoryLimits(context.memoryLimits(factory.declaredMemory))
                .build());
    }

    private JsGuest(JsGuestFactory factory, GuestContext context, Function<ImportValues, Instance> build) {
        this.stdin = new StdinChannel(context.stdin());
        this.hostCalls = context.hostCalls();
        this.stderr = new StderrTail(context.stderr());
        this.wasi = WasiPreview1.builder().withOptions(wasiOptions(context)).build();
        ImportValues imports = ImportValues.builder()
                .addFunction(seededMonotonicClock(context, context.wasiFunctions(wasi)))
                .addFunction(new HostFunction("chicory", "invoke",
                        List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32),
                        List.of(ValType.I32), (inst, args) -> hostCall(args)))
                .build();
        this.instance = build.apply(imports);
        this.memory = instance.memory();
        this.realloc = instance.export("canonical_abi_realloc");
        this.free = instance.export("canonical_abi_free");
        this.invoke = instance.export("invoke");
    }

    /**
     * QuickJS seeds Math.random from the monotonic clock when a guest first draws a number, so a frozen
     * clock alone gives every deterministic guest the same sequence whatever its seed. The monotonic clock
     * has no meaningful origin, so a frozen guest's starts at an offset derived from the sandbox's random
     * seed (none for seed 0): the same seed gives the same numbers, another seed others. The clock stays
     * frozen, and wall time is untouched.
     */
    private static HostFunction[] seededMonotonicClock(GuestContext context, HostFunction[] functions) {
        if (context.clock() == null || context.randomSeed() == 0) return functions;
        long offset = mix(context.randomSeed()) >>> 14; // below 2^50 ns (13 days): no overflow
        HostFunction[] out = functions.clone();
        for (int i = 0; i < out.length; i++) {
            HostFunction f = out[i];
            if (!f.name().equals("clock_time_get")) continue;
            out[i] = new HostFunction(f.module(), f.name(), f.functionType(), (inst, args) -> {
                long[] result = f.handle().apply(inst, args);
                if ((int) args[0] == CLOCK_MONOTONIC && result[0] == 0) {
                    int address = (int) args[2];
                    inst.memory().writeLong(address, inst.memory().readLong(address) + offset);
                }
                return result;
            });
        }
        return out;
    }

    /** SplitMix64's finaliser: neighbouring seeds give unrelated offsets. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The shared WASI policy, with stdin carrying the request before the script's own stdin (the driver
     * reads both; user code cannot: the driver removes javy's raw fd access) and a watch on stderr for the
     * runtime's allocation aborts.
     * The clock and randomness come from the context (frozen and seeded unless the sandbox is realtime).
     */
    private WasiOptions wasiOptions(GuestContext context) {
        return context.wasiOptions()
                .withStdin(stdin, false)
                .withStderr(stderr, false)
                .build();
    }

    @Override
    public GuestResponse run(GuestRequest request) {
        stdin.request(request.toJson().getBytes(StandardCharsets.UTF_8));
        response = null;
        stderr.forget();
        try {
            invoke.apply(runnerAddress, runnerLength, 0, 0);
        } catch (ChicoryInterruptedException e) {
            throw e;
        } catch (ChicoryException e) {
            throw crash(e);
        } finally {
            stdin.request(null); // a request the driver did not read never reaches a later run
            stdin.reply(null); // nor does a host-call reply a stopped run left unread
        }
        if (response == null) {
            return new GuestResponse(NullNode.getInstance(), 1, new GuestError("Error",
                    "the script's promise never settled (this sandbox has no timers or I/O that could settle it"
                            + " later)", "", -1), false);
        }
        return GuestResponse.fromJson(response);
    }

    /** Names the machine failures QuickJS cannot report itself; anything else is left to the sandbox. */
    private RuntimeException crash(ChicoryException e) {
        String message = String.valueOf(e.getMessage());
        // Allocations made by the Rust side of the runtime (not by QuickJS) abort instead of failing, or
        // use the null they got back: an access below address 0, which looks like a stack overflow. A
        // memory that cannot grow any more says which it was.
        if (stderr.contains(ALLOCATION_FAILURE) || atMemoryCap()) {
            return new GuestCrashedException(new GuestError(GuestError.OUT_OF_MEMORY,
                    "the JavaScript runtime could not allocate memory within the cap and aborted", "", -1), true, e);
        }
        // QuickJS's own stack check is compiled out: deep recursion runs the 1 MiB shadow stack below
        // address 0 (or, on a small thread stack, exhausts Chicory's call depth first).
        boolean shadowStackUnderflow = e instanceof WasmRuntimeException
                && message.contains("out of bounds memory access") && message.contains("address: -");
        if (shadowStackUnderflow || message.contains("call stack exhausted")) {
            return new GuestCrashedException(new GuestError(GuestError.STACK_OVERFLOW,
                    "Maximum call stack size exceeded (too deep recursion)", "", -1), false, e);
        }
        return e;
    }

    /**
     * {@code chicory.invoke(module, name, args)}: three UTF-8 strings in, a pointer to a {@code [ptr, len]}
     * block out. The plugin frees {@code (ptr, 8)} and then {@code (ptr, len)}, and never frees the block
     * itself, so the only safe answer is an empty one: a fresh 8-byte allocation with length 0 in the
     * reused return block.
     */
    private long[] hostCall(long[] args) {
        String module = string(args[0], args[1]);
        String name = string(args[2], args[3]);
        if (module.equals("wasmbox") && name.equals("call")) {
            // dispatch never throws; the reply waits on stdin for the driver (it reads it before anything else)
            stdin.reply(hostCalls.dispatch(string(args[4], args[5])).getBytes(StandardCharsets.UTF_8));
        } else if (module.equals("wasmbox") && name.equals("response") && response == null) {
            response = string(args[4], args[5]); // first answer wins: user code cannot send a second one
        }
        memory.writeI32(returnBlock, allocate(8));
        memory.writeI32(returnBlock + 4, 0);
        return new long[] {returnBlock};
    }

    /** True when the linear memory is within 1 MiB of its cap (an allocation there may fail). */
    private boolean atMemoryCap() {
        return memory.maximumPages() - memory.pages() <= (1 << 20) / JsGuestFactory.PAGE;
    }

    private String string(long address, long length) {
        return new String(memory.readBytes((int) address, (int) length), StandardCharsets.UTF_8);
    }

    @Override
    public long memoryBytes() {
        return memory.pages() * (long) JsGuestFactory.PAGE;
    }

    @Override
    public void close() {
        wasi.close();
    }

    // ---- used by JsGuestFactory to build the snapshot ------------------------------------------

    Instance instance() {
        return instance;
    }

    Memory memory() {
        return memory;
    }

    void initializeRuntime() {
        instance.export("initialize_runtime").apply();
        returnBlock = allocate(8);
    }

    int allocate(int size) {
        return (int) realloc.apply(0, 0, 1, size)[0];
    }

    /** Compiles ES module source to QuickJS bytecode (a syntax error traps: only for the driver's code). */
    byte[] compile(byte[] source) {
        int src = allocate(source.length);
        memory.write(src, source);
        int result = (int) instance.export("compileSrc").apply(src, source.length)[0];
        free.apply(src, source.length, 1);
        int address = memory.readInt(result);
        int length = memory.readInt(result + 4);
        byte[] bytecode = memory.readBytes(address, length);
        free.apply(address, length, 1);
        free.apply(result, 8, 1);
        return bytecode;
    }

    /** Evaluates module bytecode and its jobs. */
    void evaluate(byte[] bytecode) {
        int address = allocate(bytecode.length);
        memory.write(address, bytecode);
        invoke.apply(address, bytecode.length, 0, 0);
        free.apply(address, bytecode.length, 1);
    }

    /**
     * WASI stdin: first the run's request, then one end of input so the driver knows the request is
     * complete, then the script's stdin stream from the sandbox (lazy: read only as the script reads).
     * A pending host-call reply comes before all of it, and a read never returns bytes of both.
     */
    private static final class StdinChannel extends InputStream {
        private final InputStream scriptStdin;
        private byte[] request;
        private int position;
        private byte[] reply;
        private int replyPosition;

        StdinChannel(InputStream scriptStdin) {
            this.scriptStdin = scriptStdin;
        }

        void request(byte[] bytes) {
            request = bytes;
            position = 0;
        }

        /** Queues a host-call response, framed as [u32 little-endian length][bytes]; null drops it. */
        void reply(byte[] body) {
            if (body == null) {
                reply = null;
                return;
            }
            byte[] frame = new byte[4 + body.length];
            frame[0] = (byte) body.length;
            frame[1] = (byte) (body.length >>> 8);
            frame[2] = (byte) (body.length >>> 16);
            frame[3] = (byte) (body.length >>> 24);
            System.arraycopy(body, 0, frame, 4, body.length);
            reply = frame;
            replyPosition = 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (reply != null) {
                int n = Math.min(len, reply.length - replyPosition);
                System.arraycopy(reply, replyPosition, b, off, n);
                replyPosition += n;
                if (replyPosition >= reply.length) reply = null;
                return n;
            }
            if (request == null) return scriptStdin.read(b, off, len);
            if (position >= request.length) {
                request = null;
                return -1;
            }
            int n = Math.min(len, request.length - position);
            System.arraycopy(request, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            if (reply != null) return reply.length - replyPosition;
            return request == null ? scriptStdin.available() : request.length - position;
        }
    }

    /** Passes stderr through and remembers its last bytes, to recognise the runtime's abort message. */
    private static final class StderrTail extends FilterOutputStream {
        private final byte[] tail = new byte[256];
        private int size;

        StderrTail(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            remember(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            remember(b, off, len);
        }

        private synchronized void remember(byte[] b, int off, int len) {
            if (len >= tail.length) {
                System.arraycopy(b, off + len - tail.length, tail, 0, tail.length);
                size = tail.length;
                return;
            }
            int keep = Math.min(size, tail.length - len);
            System.arraycopy(tail, size - keep, tail, 0, keep);
            System.arraycopy(b, off, tail, keep, len);
            size = keep + len;
        }

        synchronized void forget() {
            size = 0;
        }

        synchronized boolean contains(String text) {
            return new String(tail, 0, size, StandardCharsets.ISO_8859_1).contains(text);
        }
    }
}

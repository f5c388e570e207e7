package io.wasmbox.js;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;

/**
 * The QuickJS embedding API of one QuickJS instance ({@code QTS_*}, src/main/quickjs/c/wasmbox_quickjs.c,
 * named after quickjs-emscripten's API that it follows), typed. Values cross as {@code JSValue*}: pointers to heap copies the caller owns and frees
 * with {@link #freeValue}; strings go in as NUL-terminated UTF-8 the caller allocates. Not thread-safe: one
 * guest thread at a time, like the instance.
 */
final class Qts {
    /** JS_EVAL_TYPE_GLOBAL with JS_EVAL_FLAG_ASYNC: a global script that may use top-level await. */
    static final int EVAL_ASYNC = 1 << 7;
    /** JS_EVAL_FLAG_COMPILE_ONLY. */
    static final int EVAL_COMPILE_ONLY = 1 << 5;
    /** Size of a JSValue (NaN-boxed on wasm32). */
    static final int VALUE_BYTES = 8;

    private final Memory memory;
    private final ExportFunction malloc;
    private final ExportFunction free;
    private final ExportFunction newRuntime;
    private final ExportFunction newContext;
    private final ExportFunction setMemoryLimit;
    private final ExportFunction setMaxStackSize;
    private final ExportFunction eval;
    private final ExportFunction call;
    private final ExportFunction resolveException;
    private final ExportFunction getString;
    private final ExportFunction freeCString;
    private final ExportFunction newString;
    private final ExportFunction freeValue;
    private final ExportFunction getFloat64;
    private final ExportFunction newFloat64;
    private final ExportFunction isJobPending;
    private final ExportFunction executePendingJob;
    private final ExportFunction newFunction;
    private final ExportFunction newEval;
    private final ExportFunction getUndefined;
    private final ExportFunction readValue;
    private final ExportFunction writeValue;

    Qts(Instance instance) {
        this.memory = instance.memory();
        this.malloc = instance.export("malloc");
        this.free = instance.export("free");
        this.newRuntime = instance.export("QTS_NewRuntime");
        this.newContext = instance.export("QTS_NewContext");
        this.setMemoryLimit = instance.export("QTS_RuntimeSetMemoryLimit");
        this.setMaxStackSize = instance.export("QTS_RuntimeSetMaxStackSize");
        this.eval = instance.export("QTS_Eval");
        this.call = instance.export("QTS_Call");
        this.resolveException = instance.export("QTS_ResolveException");
        this.getString = instance.export("QTS_GetString");
        this.freeCString = instance.export("QTS_FreeCString");
        this.newString = instance.export("QTS_NewString");
        this.freeValue = instance.export("QTS_FreeValuePointer");
        this.getFloat64 = instance.export("QTS_GetFloat64");
        this.newFloat64 = instance.export("QTS_NewFloat64");
        this.isJobPending = instance.export("QTS_IsJobPending");
        this.executePendingJob = instance.export("QTS_ExecutePendingJob");
        this.newFunction = instance.export("QTS_NewFunction");
        this.newEval = instance.export("wasmbox_new_eval");
        this.getUndefined = instance.export("QTS_GetUndefined");
        this.readValue = instance.export("wasmbox_read_value");
        this.writeValue = instance.export("wasmbox_write_value");
    }

    Memory memory() {
        return memory;
    }

    int malloc(int size) {
        return (int) malloc.apply(size)[0];
    }

    void free(int pointer) {
        free.apply(pointer);
    }

    int newRuntime() {
        return (int) newRuntime.apply()[0];
    }

    int newContext(int runtime) {
        return (int) newContext.apply(runtime, 0)[0];
    }

    void setMemoryLimit(int runtime, long bytes) {
        setMemoryLimit.apply(runtime, bytes);
    }

    void setMaxStackSize(int runtime, int bytes) {
        setMaxStackSize.apply(runtime, bytes);
    }

    /** {@code JS_Eval} of {@code code} as a global script named {@code fileName}: a JSValue* (maybe an exception). */
    int eval(int context, String code, String fileName, int flags) {
        byte[] source = bytes(code);
        int codePointer = cString(source);
        int namePointer = cString(bytes(fileName));
        try {
            return (int) eval.apply(context, codePointer, source.length, namePointer, 0, flags)[0];
        } finally {
            free(codePointer);
            free(namePointer);
        }
    }

    /** {@code f.apply(this, args)} with {@code argv} pointing at {@code argc} JSValue* slots: a JSValue*. */
    int call(int context, int function, int self, int argc, int argv) {
        return (int) call.apply(context, function, self, argc, argv)[0];
    }

    /** The thrown value (JSValue*) if {@code value} is the exception marker, else 0. */
    int resolveException(int context, int value) {
        return (int) resolveException.apply(context, value)[0];
    }

    /** The value converted to a string, as {@code String(value)} does. */
    String string(int context, int value) {
        int chars = (int) getString.apply(context, value)[0];
        if (chars == 0) return null;
        try {
            return readCString(chars);
        } finally {
            freeCString.apply(context, chars);
        }
    }

    /** A new string value (JSValue*). The text must not contain NUL (JSON text never does). */
    int newString(int context, String text) {
        int chars = cString(bytes(text));
        try {
            return (int) newString.apply(context, chars)[0];
        } finally {
            free(chars);
        }
    }

    double float64(int context, int value) {
        return Double.longBitsToDouble(getFloat64.apply(context, value)[0]);
    }

    int newFloat64(int context, double number) {
        return (int) newFloat64.apply(context, Double.doubleToRawLongBits(number))[0];
    }

    void freeValue(int context, int value) {
        if (value != 0) freeValue.apply(context, value);
    }

    boolean isJobPending(int runtime) {
        return isJobPending.apply(runtime)[0] != 0;
    }

    /**
     * Runs every pending job; {@code lastContext} is a 4-byte scratch slot. Returns a JSValue*: the number
     * of jobs run, or the exception a job threw (see {@link #resolveException}).
     */
    int executePendingJobs(int runtime, int lastContext) {
        return (int) executePendingJob.apply(runtime, -1, lastContext)[0];
    }

    /** A JS function that calls the {@code qts_host_call_function} import with {@code id}: a JSValue*. */
    int newFunction(int context, String name, int id) {
        int namePointer = cString(bytes(name));
        try {
            return (int) newFunction.apply(context, namePointer, 0, 0, id)[0];
        } finally {
            free(namePointer);
        }
    }

    /**
     * The driver's eval (a JSValue*): indirect eval that keeps the compiled form of recent sources
     * ({@code wasmbox_new_eval}); made once, on the template.
     */
    int newEval(int context) {
        return (int) newEval.apply(context)[0];
    }

    /**
     * The value {@code bjson} ({@link Bjson}) describes, read by {@code JS_ReadObject}: a JSValue* (maybe an
     * exception, e.g. out of memory).
     */
    int bjsonValue(int context, byte[] bjson) {
        int pointer = malloc(bjson.length);
        if (pointer == 0) throw new OutOfGuestMemory();
        memory.write(pointer, bjson);
        return (int) readValue.apply(context, pointer, bjson.length)[0]; // frees the buffer
    }

    /** A value in QuickJS's binary object format; {@code plainData} when the writer found only plain data. */
    record WrittenValue(byte[] bytes, boolean plainData) {}

    /**
     * JSValue* {@code value} in QuickJS's binary object format; null when it cannot be written (a getter, a
     * function, a Map...: the exception is dropped) or memory ran out. One call writes it into a block of
     * the C heap, {@code [u32 length, top bit: plain data][bytes]}, freed here once read. Plain data: only
     * plain objects and arrays, nothing JSON.stringify would call (see wasmbox_write_value).
     */
    WrittenValue writeValue(int context, int value) {
        int block = (int) writeValue.apply(context, value)[0];
        if (block == 0) return null;
        try {
            int header = memory.readInt(block);
            return new WrittenValue(memory.readBytes(block + 4, header & Integer.MAX_VALUE), header < 0);
        } finally {
            free(block);
        }
    }

    /** A pointer to the constant {@code undefined} (never freed). */
    int undefined() {
        return (int) getUndefined.apply()[0];
    }

    /** NUL-terminated UTF-8 read from the guest's memory. */
    String readCString(int address) {
        int end = address;
        byte[] chunk;
        scan:
        while (true) {
            int n = Math.min(end == address ? 256 : 16384, memory.pages() * QuickJsModule.PAGE - end);
            if (n <= 0) throw new IllegalStateException("unterminated string in guest memory");
            chunk = memory.readBytes(end, n);
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] == 0) {
                    end += i;
                    break scan;
                }
            }
            end += chunk.length;
        }
        return new String(memory.readBytes(address, end - address), StandardCharsets.UTF_8);
    }

    private int cString(byte[] utf8) {
        int pointer = malloc(utf8.length + 1);
        if (pointer == 0) throw new OutOfGuestMemory();
        memory.write(pointer, utf8);
        memory.writeByte(pointer + utf8.length, (byte) 0);
        return pointer;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The guest's allocator has no memory left for what the host wanted to pass in. */
    static final class OutOfGuestMemory extends RuntimeException {
        OutOfGuestMemory() {
            super("the guest's memory cap left no room for the request", null, false, false);
        }
    }
}

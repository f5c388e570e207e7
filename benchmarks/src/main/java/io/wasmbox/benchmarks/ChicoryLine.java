package io.wasmbox.benchmarks;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import io.trino.wasm.python.Python;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * One {@link RuntimeLineTimeline} workload on the runtime line Wasmbox stands on: Chicory 1.7 (runtime,
 * its compiler for QuickJS, trino-wasm-python 3.13-6 as compiled with Chicory). {@link EndiveLine} is the
 * same harness against Endive's API (its packages differ, so the code is written twice). Both drive the
 * engines bare (QuickJS through {@code QTS_Eval}, CPython through trino's {@code execute}), with Chicory's
 * flat {@code ByteArrayMemory}, so the runtime and its compiler are all that differ.
 */
public final class ChicoryLine implements Supplier<String> {
    private final boolean javascript;
    private final Instance instance;
    private final Memory memory;
    private final int context;
    private final int source;
    private final int sourceLength;
    private final int fileName;
    private final byte[] code;

    public ChicoryLine(String workload) {
        this.javascript = RuntimeLineWorkloads.isJavaScript(workload);
        this.code = RuntimeLineWorkloads.source(workload).getBytes(StandardCharsets.UTF_8);
        if (javascript) {
            WasmModule module = Parser.parse(RuntimeLineWorkloads.quickJsWasm());
            this.memory = new ByteArrayMemory(new MemoryLimits(256, 32768));
            ImportValues.Builder imports = ImportValues.builder().addMemory(new ImportMemory("env", "memory", memory));
            ImportSection section = module.importSection();
            for (int i = 0; i < section.importCount(); i++) {
                if (section.getImport(i) instanceof FunctionImport f) {
                    // the workloads need none of them (no clock, no heap growth, no host functions): zeros
                    FunctionType type = module.typeSection().getType(f.typeIndex());
                    int results = type.returns().size();
                    imports.addFunction(new HostFunction(
                            f.module(), f.name(), type, (inst, args) -> results == 0 ? null : new long[results]));
                }
            }
            this.instance = Instance.builder(module)
                    .withImportValues(imports.build())
                    .withMachineFactory(MachineFactoryCompiler.compile(module))
                    .withStart(false)
                    .build();
            instance.export("_initialize").apply(); // the C library's constructors
            int runtime = (int) export("QTS_NewRuntime").apply()[0];
            this.context = (int) export("QTS_NewContext").apply(runtime, 0)[0];
            this.source = cString(code, "malloc");
            this.sourceLength = code.length;
            this.fileName = cString("run.js".getBytes(StandardCharsets.UTF_8), "malloc");
        } else {
            Python python = new Python();
            WasiPreview1 wasi = WasiPreview1.builder()
                    .withOptions(WasiOptions.builder()
                            .withDirectory("/guest", RuntimeLineWorkloads.pythonDriverDirectory())
                            .build())
                    .build();
            FunctionType returnError = FunctionType.of(
                    List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32), List.of());
            ImportValues imports = ImportValues.builder()
                    .addFunction(wasi.toHostFunctions())
                    .addFunction(new HostFunction("trino", "return_error", returnError, (inst, args) -> {
                        throw new IllegalStateException("the Python driver failed");
                    }))
                    .build();
            this.instance = Instance.builder(python.wasmModule())
                    .withImportValues(imports)
                    .withMachineFactory(python.machineFactory())
                    .withStart(false)
                    .build();
            this.memory = instance.memory();
            this.context = 0;
            this.source = 0;
            this.sourceLength = 0;
            this.fileName = 0;
            // trino's ABI: run(ROW(VARCHAR)) -> VARCHAR, from the module guest.py in /guest
            instance.export("setup")
                    .apply(cString("run".getBytes(StandardCharsets.UTF_8), "allocate"), ints(0, 1, 11), ints(11));
        }
    }

    @Override
    public String get() {
        return javascript ? evalJs() : execPython();
    }

    private String evalJs() {
        int value = (int) export("QTS_Eval").apply(context, source, sourceLength, fileName, 0, 0)[0];
        int chars = (int) export("QTS_GetString").apply(context, value)[0];
        String text = readCString(chars);
        export("QTS_FreeCString").apply(context, chars);
        export("QTS_FreeValuePointer").apply(context, value);
        return text;
    }

    private String execPython() {
        // ROW(VARCHAR): [i8 row present][i8 field present][i32 length][utf-8]
        int data = (int) instance.export("allocate").apply(6 + code.length)[0];
        memory.writeByte(data, (byte) 1);
        memory.writeByte(data + 1, (byte) 1);
        memory.writeI32(data + 2, code.length);
        memory.write(data + 6, code);
        int result = (int) instance.export("execute").apply(data)[0];
        instance.export("deallocate").apply(data);
        // VARCHAR: [i32 size][i8 present][i32 length][utf-8]
        String text = new String(memory.readBytes(result + 9, memory.readInt(result + 5)), StandardCharsets.UTF_8);
        instance.export("deallocate").apply(result);
        return text;
    }

    private ExportFunction export(String name) {
        return instance.export(name);
    }

    private int cString(byte[] bytes, String allocator) {
        ExportFunction allocate = javascript ? export(allocator) : instance.export(allocator);
        int pointer = (int) allocate.apply(bytes.length + 1)[0];
        memory.write(pointer, bytes);
        memory.writeByte(pointer + bytes.length, (byte) 0);
        return pointer;
    }

    private int ints(int... values) {
        int pointer = (int) instance.export("allocate").apply(4 * values.length)[0];
        for (int i = 0; i < values.length; i++) memory.writeI32(pointer + 4 * i, values[i]);
        return pointer;
    }

    private String readCString(int pointer) {
        int end = pointer;
        while (memory.read(end) != 0) end++;
        return new String(memory.readBytes(pointer, end - pointer), StandardCharsets.UTF_8);
    }
}

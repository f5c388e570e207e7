package io.wasmbox.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.ByteArrayMemory;
import run.endive.runtime.ExportFunction;
import run.endive.runtime.HostFunction;
import run.endive.runtime.ImportMemory;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.runtime.Memory;
import run.endive.wasi.WasiOptions;
import run.endive.wasi.WasiPreview1;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.FunctionImport;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.ImportSection;
import run.endive.wasm.types.MemoryLimits;
import run.endive.wasm.types.ValType;

/**
 * {@link ChicoryLine}'s harness against Endive ({@code run.endive}, the Bytecode Alliance's continuation of
 * Chicory): its runtime, its compiler for QuickJS, and trino-wasm-python 3.13-8 (CPython 3.13.2 compiled
 * with Endive). Neither Endive's jars nor trino-wasm-python 3.13-8 are in the benchmarks jar (3.13-8's classes
 * have the same names as the 3.13-6 Wasmbox uses): {@link RuntimeLineTimeline} loads this class in a class
 * loader of its own that has them, which is why trino's {@code Python} is reached by reflection here.
 */
public final class EndiveLine implements Supplier<String> {
    private final boolean javascript;
    private final Instance instance;
    private final Memory memory;
    private final int context;
    private final int source;
    private final int sourceLength;
    private final int fileName;
    private final byte[] code;

    public EndiveLine(String workload) {
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
            Object python = newPython();
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
            this.instance = Instance.builder((WasmModule) call(python, "wasmModule"))
                    .withImportValues(imports)
                    .withMachineFactory(machineFactory(call(python, "machineFactory")))
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

    private static Object newPython() {
        try {
            return Class.forName("io.trino.wasm.python.Python").getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("trino-wasm-python is not on this loader's path", e);
        }
    }

    private static Object call(Object target, String method) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Function<Instance, Machine> machineFactory(Object factory) {
        return (Function<Instance, Machine>) factory;
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

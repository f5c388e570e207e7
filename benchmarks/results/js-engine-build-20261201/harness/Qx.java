import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.FunctionImport;
import io.wasmbox.Wasmbox;
import io.wasmbox.benchmarks.Language;
import io.wasmbox.benchmarks.Workload;
import io.wasmbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/**
 * CPU-bound workloads on quickjs-wasi's QuickJS-ng build against Wasmbox's (quickjs-emscripten's) build: a scratch
 * harness (docs/BENCHMARKS.md, "The engine build"). Run with the benchmarks jar on the class path, the JIT flags and
 * -Xss16m: {@code java ... Qx wasmbox 100} (the engine-js classes on the class path decide which build) or
 * {@code Qx wasi 100} (quickjs.wasm of the npm package quickjs-wasi 3.7.0 in /tmp/qx).
 */
public class Qx {
    /** The JMH workloads' scripts, each bench() renamed so that the three share one sandbox. */
    static String script(String key, String name) {
        return Workload.byKey(key).prelude(Language.JAVASCRIPT).replace("function bench()", "function " + name + "()");
    }

    static final String LOOP = script("loop1e6", "bench");
    static final String FIB = script("fib25", "bench2");
    static final String JSON = script("json1mb", "bench3");

    interface Eval { double eval(String code); }

    public static void main(String[] a) throws Exception {
        String which = a[0];
        int seconds = Integer.parseInt(a[1]);
        Eval ev = which.equals("wasi") ? wasi() : wasmbox();
        ev.eval(LOOP); ev.eval(FIB); ev.eval(JSON);
        System.out.println("check " + ev.eval("bench()") + " " + ev.eval("bench2()") + " " + ev.eval("bench3()"));
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String[] names = {"bench()", "bench2()", "bench3()"};
        while (System.nanoTime() < end) {
            StringBuilder line = new StringBuilder();
            for (String n : names) {
                long[] t = new long[7];
                for (int i = 0; i < t.length; i++) { long s = System.nanoTime(); ev.eval(n); t[i] = System.nanoTime() - s; }
                Arrays.sort(t);
                line.append(String.format("%s %.1f ms  ", n, t[3] / 1e6));
            }
            System.out.println(line);
        }
    }

    static Eval wasmbox() {
        Sandbox sb = Wasmbox.interpreter("javascript").newSandbox();
        return code -> { Object v = sb.run(code).value(); return v == null ? Double.NaN : ((Number) v).doubleValue(); };
    }

    static Eval wasi() throws Exception {
        var module = Parser.parse(Files.readAllBytes(Path.of("/tmp/qx/quickjs.wasm")));
        var wasiOpts = WasiOptions.builder().build();
        var wasi = WasiPreview1.builder().withOptions(wasiOpts).build();
        List<HostFunction> env = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (!imp.module().equals("env")) continue;
            var ft = module.typeSection().getType(((FunctionImport) imp).typeIndex());
            env.add(new HostFunction("env", imp.name(), ft, (inst, args) -> ft.returns().isEmpty() ? null : new long[ft.returns().size()]));
        }
        var imports = ImportValues.builder().addFunction(wasi.toHostFunctions()).addFunction(env.toArray(new HostFunction[0])).build();
        Instance inst = Instance.builder(module).withImportValues(imports)
                .withMachineFactory(MachineFactoryCompiler::compile).withStart(false).build();
        inst.export("_initialize").apply();
        long r = inst.export("qjs_init").apply()[0];
        if (r != 0) throw new IllegalStateException("init " + r);
        var malloc = inst.export("wasm_malloc");
        var free = inst.export("wasm_free");
        var eval = inst.export("qjs_eval");
        var f64 = inst.export("qjs_get_float64");
        var freeValue = inst.export("qjs_free_value");
        Memory mem = inst.memory();
        long fname = malloc.apply(8)[0];
        mem.writeCString((int) fname, "<eval>");
        return code -> {
            byte[] b = code.getBytes(StandardCharsets.UTF_8);
            long p = malloc.apply(b.length + 1)[0];
            mem.write((int) p, b);
            mem.writeByte((int) p + b.length, (byte) 0);
            long v = eval.apply(p, b.length, fname, 0)[0];
            free.apply(p);
            double d = Double.longBitsToDouble(f64.apply(v)[0]);
            freeValue.apply(v);
            return d;
        };
    }
}

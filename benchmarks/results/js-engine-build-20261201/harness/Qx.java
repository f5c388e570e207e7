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
import io.wasmbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/** CPU-bound workloads on quickjs-wasi's QuickJS-ng build against Wasmbox's (quickjs-emscripten's) build. */
public class Qx {
    static final String LOOP = "function bench() { var s = 0; for (var i = 0; i < 1000000; i++) { s += i; } return s; }";
    static final String FIB = "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nfunction bench2() { return fib(25); }";
    static final String JSON = """
            function makeDoc(n) {
              var items = [];
              for (var i = 0; i < n; i++) {
                items.push({id: i, name: "user" + i, email: "user" + i + "@example.com", active: i % 3 === 0,
                  score: (i * 7919) % 1000, tags: ["t" + (i % 10), "t" + (i % 7)],
                  address: {street: i + " Main Street", city: "City" + (i % 100), zip: String(10000 + i)}});
              }
              return {version: 1, items: items};
            }
            var DOC = JSON.stringify(makeDoc(6000));
            function bench3() { return JSON.stringify(JSON.parse(DOC)).length; }
            """;

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

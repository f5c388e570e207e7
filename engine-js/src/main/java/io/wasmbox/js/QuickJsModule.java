package io.wasmbox.js;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.wasmbox.spi.Resources;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QuickJS compiled to WebAssembly (quickjs-emscripten's build, see src/main/quickjs/README.md) and compiled
 * to JVM bytecode by the build ({@code QuickJsWasmModule}): the parsed module, its machine factory and the
 * real names of its minified exports.
 *
 * <p>The export names ({@code QTS_Eval} is {@code qa}, ...) are read from the package's own glue file,
 * shipped next to the module, rather than written down here: a different build of the module cannot be
 * driven by a stale table.
 *
 * <p>The module imports its memory with a minimum of 256 pages (16 MiB), emscripten's default initial heap,
 * which only its JavaScript glue relies on: static data and the 5 MiB shadow stack end at ~5.1 MiB and the
 * heap grows through the {@code emscripten_resize_heap} import. The minimum is lowered here so that caps
 * below 16 MiB work.
 */
final class QuickJsModule {
    static final int PAGE = 64 * 1024;
    /** The memory import's minimum as lowered: static data plus the shadow stack (~5.1 MiB), rounded up. */
    static final int MINIMUM_PAGES = 96;

    private static final String GLUE = "quickjs/emscripten-module.mjs";
    private static final Pattern EXPORT = Pattern.compile("d\\._(\\w+)=b\\.([\\w$]+);");
    /** What the glue calls once instantiated, before anything else: the C constructors. */
    private static final Pattern CONSTRUCTORS =
            Pattern.compile("\\w+\\.([\\w$]+)\\(\\);\\w+\\?\\.\\(\\w+\\);\\w+\\.onRuntimeInitialized");

    final WasmModule module;
    private final Map<String, String> exports;
    private final String constructors;

    private QuickJsModule() {
        String glue = resource(GLUE);
        this.module = lowerMemoryMinimum(QuickJsWasmModule.load());
        this.exports = exportNames(glue);
        this.constructors = constructorsExport(glue);
    }

    /** The parsed module, parsed on first use (not by the resource helpers below). */
    static QuickJsModule get() {
        return Parsed.INSTANCE;
    }

    private static final class Parsed {
        static final QuickJsModule INSTANCE = new QuickJsModule();
    }

    Function<Instance, Machine> machineFactory() {
        return QuickJsWasmModule::create;
    }

    /** The minified export name of {@code name} ({@code QTS_Eval}, {@code malloc}, ...). */
    String export(String name) {
        String minified = exports.get(name);
        if (minified == null) throw new IllegalStateException("the QuickJS module exports no " + name);
        return minified;
    }

    /** The export that runs the C constructors, which the glue calls right after instantiation. */
    String constructors() {
        return constructors;
    }

    /** {@code Z.u();H?.(d);d.onRuntimeInitialized...} in the glue: {@code u} runs the C constructors. */
    static String constructorsExport(String glue) {
        Matcher m = CONSTRUCTORS.matcher(glue);
        if (!m.find()) throw new IllegalStateException(GLUE + " calls no constructors export");
        return m.group(1);
    }

    /** {@code d._QTS_Eval=b.qa;} in the glue: the function exported as {@code qa} is QTS_Eval. */
    static Map<String, String> exportNames(String glue) {
        Map<String, String> names = new HashMap<>();
        Matcher m = EXPORT.matcher(glue);
        while (m.find()) names.put(m.group(1), m.group(2));
        if (!names.containsKey("QTS_Eval") || !names.containsKey("malloc")) {
            throw new IllegalStateException(GLUE + " names no QTS_Eval or malloc export");
        }
        return Map.copyOf(names);
    }

    private static WasmModule lowerMemoryMinimum(WasmModule original) {
        ImportSection.Builder imports = ImportSection.builder();
        ImportSection section = original.importSection();
        for (int i = 0; i < section.importCount(); i++) {
            Import imp = section.getImport(i);
            if (imp instanceof MemoryImport memory) {
                MemoryLimits limits = memory.limits();
                imp = new MemoryImport(
                        memory.module(),
                        memory.name(),
                        new MemoryLimits(Math.min(MINIMUM_PAGES, limits.initialPages()), limits.maximumPages()));
            }
            imports.addImport(imp);
        }
        WasmModule.Builder copy = WasmModule.builder()
                .setTypeSection(original.typeSection())
                .setImportSection(imports.build())
                .setFunctionSection(original.functionSection())
                .setTableSection(original.tableSection())
                .setGlobalSection(original.globalSection())
                .setExportSection(original.exportSection())
                .setElementSection(original.elementSection())
                .setCodeSection(original.codeSection())
                .setDataSection(original.dataSection())
                .withValidation(false);
        original.memorySection().ifPresent(copy::setMemorySection);
        original.startSection().ifPresent(copy::setStartSection);
        original.dataCountSection().ifPresent(copy::setDataCountSection);
        original.tagSection().ifPresent(copy::setTagSection);
        return copy.build();
    }

    /** A resource of this package, as text. */
    static String resource(String name) {
        return Resources.text(QuickJsModule.class, name);
    }

    /** A resource of this package ({@code /}-prefixed names: of the class path). */
    static byte[] resourceBytes(String name) {
        return Resources.bytes(QuickJsModule.class, name);
    }
}

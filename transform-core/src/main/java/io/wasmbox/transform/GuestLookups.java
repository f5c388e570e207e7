package io.wasmbox.transform;

/**
 * Lookup tables defined inside the sandbox: {@code name(key)} as a guest function over a copy of the table,
 * so a lookup per record is a dictionary read in the guest, not a host call (a host call per record halved
 * Python's records/s on the transform-dsl sample and cost JavaScript ~25%; docs/BENCHMARKS.md).
 *
 * <p>The definitions read every table from one JSON-mapped global ({@value #GLOBAL}), set for their run
 * only and deleted by it, and behave as the host-side lookup did: the key is compared as text (a string as
 * it is, anything else in its JSON form: {@code 42}, {@code 1.5}, {@code true}, {@code null}), an absent key
 * or a call without arguments gives null, and an object or list value is a fresh copy on each call, so a
 * script that changes what it got cannot change the table.
 */
final class GuestLookups {
    /** The global that carries {@code {name: table}} into the definitions' run. */
    static final String GLOBAL = "__wasmbox_lookups";

    /** The largest table, as JSON text, copied into the sandbox (1 MiB); a larger one stays on the host. */
    static final int MAX_TABLE_CHARS = 1 << 20;

    private GuestLookups() {}

    /** Source that defines one guest function per entry of {@value #GLOBAL}, in the sandbox's language. */
    static String definitions(String language) {
        return switch (language) {
            case "python" -> """
                    def __wasmbox_define_lookups():
                        import json
                        def define(name, table):
                            scalars = {k: v for k, v in table.items() if not isinstance(v, (dict, list))}
                            structured = {k: json.dumps(v) for k, v in table.items() if isinstance(v, (dict, list))}
                            def lookup(*args):
                                if not args:
                                    return None
                                key = args[0] if type(args[0]) is str else json.dumps(args[0])
                                value = scalars.get(key)
                                if value is None and key in structured:
                                    return json.loads(structured[key])
                                return value
                            lookup.__name__ = lookup.__qualname__ = name
                            globals()[name] = lookup
                        for name, table in globals().pop("%1$s").items():
                            define(name, table)
                    __wasmbox_define_lookups()
                    del __wasmbox_define_lookups
                    """.formatted(GLOBAL);
            default -> """
                    (() => {
                      const tables = globalThis.%1$s;
                      delete globalThis.%1$s;
                      for (const name of Object.keys(tables)) {
                        const scalars = new Map(), structured = new Map();
                        for (const [k, v] of Object.entries(tables[name])) {
                          if (v !== null && typeof v === 'object') structured.set(k, JSON.stringify(v));
                          else scalars.set(k, v);
                        }
                        const lookup = (...args) => {
                          if (args.length === 0) return null;
                          const key = typeof args[0] === 'string' ? args[0] : String(JSON.stringify(args[0]));
                          const value = scalars.get(key);
                          if (value !== undefined) return value;
                          return structured.has(key) ? JSON.parse(structured.get(key)) : null;
                        };
                        Object.defineProperty(lookup, 'name', { value: name });
                        globalThis[name] = lookup;
                      }
                    })();
                    """.formatted(GLOBAL);
        };
    }
}

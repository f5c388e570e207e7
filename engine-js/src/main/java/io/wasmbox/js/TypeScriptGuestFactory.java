package io.wasmbox.js;

import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestFactory;

/** TypeScript guests: JavaScript guests of the shared JavaScript factory, with the shared transpiler. */
final class TypeScriptGuestFactory implements GuestFactory {
    private final JsGuestFactory js = JsGuestFactory.shared();
    private final TypeScriptTranspiler transpiler = TypeScriptTranspiler.shared();

    @Override
    public long minimumMemoryBytes() {
        return js.minimumMemoryBytes();
    }

    @Override
    public Guest create(GuestContext context) {
        return new TypeScriptGuest(transpiler, js.create(context));
    }
}

package io.wasmbox.js;

import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestFactory;
import java.util.concurrent.CompletableFuture;

/** TypeScript guests: JavaScript guests of the shared JavaScript factory, with the shared transpiler. */
final class TypeScriptGuestFactory implements GuestFactory {
    // the transpiler loads (its snapshot is tens of MiB) while this thread sets up the JavaScript side
    private final CompletableFuture<TypeScriptTranspiler> transpiler = TypeScriptTranspiler.loadInBackground();
    private final JsGuestFactory js = JsGuestFactory.shared();

    @Override
    public long minimumMemoryBytes() {
        return js.minimumMemoryBytes();
    }

    @Override
    public Guest create(GuestContext context) {
        Guest javascript = js.create(context);
        try {
            return new TypeScriptGuest(TypeScriptTranspiler.await(transpiler), javascript);
        } catch (RuntimeException | Error e) {
            javascript.close();
            throw e;
        }
    }
}

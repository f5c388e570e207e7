#!/bin/sh
# Builds quickjs.wasm from the sources in c/: QuickJS (c/quickjs/: Fabrice Bellard's sources at commit f113949, VERSION 2025-09-13,
# unchanged) and Wasmbox's embedding interface (c/wasmbox_quickjs.c), for wasm32-wasi with Debian's clang 14,
# lld and wasi-libc (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32).
#   engine-js/src/main/quickjs/build.sh          rebuild and compare with the committed quickjs.wasm
#   engine-js/src/main/quickjs/build.sh --write  rebuild and overwrite it (after changing a source)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CLANG=${CLANG:-clang}
RESOURCE_DIR=$("$CLANG" -print-resource-dir)
VERSION=$(cat "$HERE/c/quickjs/VERSION")
# -O2: CPU-bound scripts run as fast as on quickjs-emscripten's module (fib(25) 58 ms, JSON 1 MB 135 ms); at
# -Oz they ran 25-40% slower (83, 194). The price: twice the code, and the largest functions reach C2 later
# (docs/BENCHMARKS.md, "QuickJS built here").
# EMSCRIPTEN: QuickJS's settings for a WebAssembly target (no OS threads, so no Atomics; switch dispatch);
# CONFIG_STACK_CHECK: which it turns off for emscripten, back on: deep recursion is a catchable
# InternalError, not an overflow of the 5 MiB shadow stack.
CFLAGS="--target=wasm32-wasi -nostdinc -isystem $RESOURCE_DIR/include -isystem /usr/include/wasm32-wasi
  -I$HERE/c/include -I$HERE/c/quickjs -O2 -D_GNU_SOURCE -DEMSCRIPTEN -DCONFIG_STACK_CHECK
  -DCONFIG_VERSION=\"$VERSION\" -ffile-prefix-map=$HERE/= -Wno-implicit-const-int-float-conversion"
# wasmbox_quickjs.c includes quickjs.c (one translation unit)
for f in quickjs/cutils quickjs/dtoa quickjs/libregexp quickjs/libunicode wasmbox_quickjs; do
  # shellcheck disable=SC2086
  "$CLANG" $CFLAGS -c "$HERE/c/$f.c" -o "$WORK/$(basename "$f").o"
done
# reactor: no main, _initialize runs the C constructors; the memory comes from the host (its cap);
# the shadow stack first, so that an overflow past QuickJS's check traps instead of overwriting data.
"$CLANG" --target=wasm32-wasi -nostdlib -mexec-model=reactor -o "$WORK/quickjs.wasm" \
  /usr/lib/wasm32-wasi/crt1-reactor.o "$WORK"/*.o -L/usr/lib/wasm32-wasi -lc \
  "$RESOURCE_DIR/lib/wasi/libclang_rt.builtins-wasm32.a" \
  -Wl,--import-memory -Wl,--export=_initialize -Wl,-z,stack-size=5242880 -Wl,--stack-first -Wl,--strip-debug
if [ "${1:-}" = "--write" ]; then
  cp "$WORK/quickjs.wasm" "$HERE/quickjs.wasm"
  echo "wrote quickjs.wasm ($(wc -c < "$HERE/quickjs.wasm") bytes)"
else
  cmp "$WORK/quickjs.wasm" "$HERE/quickjs.wasm"
  echo "quickjs.wasm matches its sources"
fi

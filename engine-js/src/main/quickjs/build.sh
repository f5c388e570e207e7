#!/bin/sh
# Builds quickjs.wasm from the sources in c/: QuickJS (c/quickjs/: Fabrice Bellard's sources at commit f113949, VERSION 2025-09-13,
# unchanged) and Wasmbox's embedding interface (c/wasmbox_quickjs.c), for wasm32-wasi with Debian's clang 14,
# lld and wasi-libc (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32).
#   engine-js/src/main/quickjs/build.sh          rebuild and compare with the committed quickjs.wasm
#   engine-js/src/main/quickjs/build.sh --write  rebuild and overwrite it (after changing a source)
#   ENGINE_OPT=-Os WASM_OPT=-O3 engine-js/src/main/quickjs/build.sh --out /tmp/q.wasm   an experiment, kept elsewhere
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CLANG=${CLANG:-clang}
RESOURCE_DIR=$("$CLANG" -print-resource-dir)
VERSION=$(cat "$HERE/c/quickjs/VERSION")
# -Os for QuickJS itself, -O2 for the libraries (number conversion, regexps, Unicode tables): at -O2 throughout
# JS_CallInternal is 44 KB of WebAssembly, one JVM method that C2 reaches and compiles late (a fresh JVM's
# `1+1` stayed ~190 us for ~17 s); at -Os it is 37 KB and within 2x of steady ~8 s sooner, fib(25) as fast
# (57.6 ms against 59.6) and JSON 1 MB 7% slower (145 ms against 136); -Os throughout made JSON 30% slower
# (176 ms), -Oz fib 40% (docs/BENCHMARKS.md, "Warm-up of the JavaScript build").
# EMSCRIPTEN: QuickJS's settings for a WebAssembly target (no OS threads, so no Atomics; switch dispatch);
# CONFIG_STACK_CHECK: which it turns off for emscripten, back on: deep recursion is a catchable
# InternalError, not an overflow of the 5 MiB shadow stack.
# ENGINE_OPT: quickjs.c with our interface (one translation unit); LIB_OPT: dtoa, cutils, libregexp, libunicode
ENGINE_OPT=${ENGINE_OPT:--Os}
LIB_OPT=${LIB_OPT:--O2}
CFLAGS="--target=wasm32-wasi -nostdinc -isystem $RESOURCE_DIR/include -isystem /usr/include/wasm32-wasi
  -I$HERE/c/include -I$HERE/c/quickjs -D_GNU_SOURCE -DEMSCRIPTEN -DCONFIG_STACK_CHECK
  -DCONFIG_VERSION=\"$VERSION\" -ffile-prefix-map=$HERE/= -Wno-implicit-const-int-float-conversion"
# wasmbox_quickjs.c includes quickjs.c (one translation unit)
for f in quickjs/cutils quickjs/dtoa quickjs/libregexp quickjs/libunicode wasmbox_quickjs; do
  if [ "$f" = wasmbox_quickjs ]; then OPT=$ENGINE_OPT; else OPT=$LIB_OPT; fi
  # shellcheck disable=SC2086
  "$CLANG" $CFLAGS $OPT -c "$HERE/c/$f.c" -o "$WORK/$(basename "$f").o"
done
# reactor: no main, _initialize runs the C constructors; the memory comes from the host (its cap);
# the shadow stack first, so that an overflow past QuickJS's check traps instead of overwriting data.
"$CLANG" --target=wasm32-wasi -nostdlib -mexec-model=reactor -o "$WORK/quickjs.wasm" \
  /usr/lib/wasm32-wasi/crt1-reactor.o "$WORK"/*.o -L/usr/lib/wasm32-wasi -lc \
  "$RESOURCE_DIR/lib/wasi/libclang_rt.builtins-wasm32.a" \
  -Wl,--import-memory -Wl,--export=_initialize -Wl,-z,stack-size=5242880 -Wl,--stack-first -Wl,--strip-debug
# WASM_OPT="-O3" (say): binaryen's wasm-opt after the link, for experiments (apt-get install binaryen)
if [ -n "${WASM_OPT:-}" ]; then
  # shellcheck disable=SC2086
  wasm-opt $WASM_OPT "$WORK/quickjs.wasm" -o "$WORK/quickjs-opt.wasm"
  mv "$WORK/quickjs-opt.wasm" "$WORK/quickjs.wasm"
fi
if [ "${1:-}" = "--out" ]; then
  cp "$WORK/quickjs.wasm" "$2" # an experiment's module, elsewhere
elif [ "${1:-}" = "--write" ]; then
  cp "$WORK/quickjs.wasm" "$HERE/quickjs.wasm"
  echo "wrote quickjs.wasm ($(wc -c < "$HERE/quickjs.wasm") bytes)"
else
  cmp "$WORK/quickjs.wasm" "$HERE/quickjs.wasm"
  echo "quickjs.wasm matches its sources"
fi

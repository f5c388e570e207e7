#!/bin/sh
# Reproduces quickjs.wasm (and the resources next to it) from the npm registry: the pinned package,
# its integrity checked against the value recorded here, its files copied unchanged.
#   engine-js/src/main/quickjs/fetch.sh          re-fetch and compare with the committed files
#   engine-js/src/main/quickjs/fetch.sh --write  re-fetch and overwrite them (after a version bump)
set -eu
PACKAGE=@jitl/quickjs-wasmfile-release-sync
VERSION=0.32.0
INTEGRITY=sha512-BKNDI/TPBfGlLNGYpLrhcDGXmIk4xHm4MRAisOBnOzpXVn9HZWsfmMAc9WMBrAHjvvds6HOikKeaOBKdPdpVrg==
HERE=$(cd "$(dirname "$0")" && pwd)
RESOURCES="$HERE/../resources/io/wasmbox/js/quickjs"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "$PACKAGE@$VERSION" >/dev/null
TGZ=$(ls ./*.tgz)
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$TGZ" | base64 -w0)"
if [ "$ACTUAL" != "$INTEGRITY" ]; then
  echo "integrity mismatch for $PACKAGE@$VERSION: got $ACTUAL" >&2
  exit 1
fi
tar xzf "$TGZ"
if [ "${1:-}" = "--write" ]; then
  cp package/dist/emscripten-module.wasm "$HERE/quickjs.wasm"
  cp package/dist/emscripten-module.mjs "$RESOURCES/emscripten-module.mjs"
  cp package/LICENSE "$RESOURCES/LICENSE"
  echo "wrote $PACKAGE@$VERSION"
else
  cmp package/dist/emscripten-module.wasm "$HERE/quickjs.wasm"
  cmp package/dist/emscripten-module.mjs "$RESOURCES/emscripten-module.mjs"
  cmp package/LICENSE "$RESOURCES/LICENSE"
  echo "committed files match $PACKAGE@$VERSION ($INTEGRITY)"
fi

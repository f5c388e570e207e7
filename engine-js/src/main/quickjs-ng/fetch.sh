#!/bin/sh
# Reproduces quickjs-ng.wasm (and the resources next to it) from the npm registry: the pinned package,
# its integrity checked against the value recorded here, its files copied unchanged.
#   engine-js/src/main/quickjs-ng/fetch.sh          re-fetch and compare with the committed files
#   engine-js/src/main/quickjs-ng/fetch.sh --write  re-fetch and overwrite them (after a version bump)
set -eu
PACKAGE=@jitl/quickjs-ng-wasmfile-release-sync
VERSION=0.32.0
INTEGRITY=sha512-XAX2jjZWWh3M0YaRqi82xMKNW/gkF6mo3MpW3UY2cmVxnQai1JuboVsJQVoLU629iEL4XWvHtO4h5lo7NRnAcg==
HERE=$(cd "$(dirname "$0")" && pwd)
RESOURCES="$HERE/../resources/io/wasmbox/js/quickjs-ng"
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
  cp package/dist/emscripten-module.wasm "$HERE/quickjs-ng.wasm"
  cp package/dist/emscripten-module.mjs "$RESOURCES/emscripten-module.mjs"
  cp package/LICENSE "$RESOURCES/LICENSE"
  echo "wrote $PACKAGE@$VERSION"
else
  cmp package/dist/emscripten-module.wasm "$HERE/quickjs-ng.wasm"
  cmp package/dist/emscripten-module.mjs "$RESOURCES/emscripten-module.mjs"
  cmp package/LICENSE "$RESOURCES/LICENSE"
  echo "committed files match $PACKAGE@$VERSION ($INTEGRITY)"
fi

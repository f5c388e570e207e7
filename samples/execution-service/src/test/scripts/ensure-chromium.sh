#!/bin/sh
# The playground's browser test drives Debian's Chromium through chromedriver. Installs both when they are
# missing and we are root with apt-get (CI, fresh developer machines); otherwise stops, naming the packages.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[ensure-chromium] installing chromium and chromium-driver for the playground browser test..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
fi
echo "[ensure-chromium] The browser test needs /usr/bin/chromium and /usr/bin/chromedriver." >&2
echo "[ensure-chromium] Install the Debian packages: sudo apt-get install chromium chromium-driver" >&2
exit 1

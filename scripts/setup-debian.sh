#!/bin/sh
# Installs what gst-vidkompy needs on Debian 12 (run as root). Idempotent:
# does nothing when everything is already there. `--list` prints the
# packages and installs nothing (the setup_packages test checks that they
# hold every element, program and module the tree uses).
set -eu

PKGS="meson ninja-build pkg-config gcc
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  liborc-0.4-dev liborc-0.4-dev-bin
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav
  python3-imageio valgrind libjson-glib-dev
  python3 python3-gi gir1.2-gstreamer-1.0 python3-numpy
  gobject-introspection libgirepository1.0-dev gir1.2-gst-plugins-base-1.0
  clang libclang-rt-14-dev indent time"

if [ "${1:-}" = --list ]; then
  echo $PKGS
  exit 0
fi

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages; run as root (or: sudo apt-get install$missing)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing
fi

#!/usr/bin/env bash
# Installs what TorchSharp 0.107.0's native library needs on Linux: libstdc++ exporting GLIBCXX_3.4.32
# (GCC 13 or newer). Idempotent; run as root. On Debian 12 it takes libstdc++6 alone from Debian 13
# (trixie) with a low pin priority, so nothing else on the machine is upgraded by accident.
set -euo pipefail

needed=GLIBCXX_3.4.32

find_libstdcxx() {
  local candidate
  for candidate in \
      "$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')" \
      /usr/lib/x86_64-linux-gnu/libstdc++.so.6 \
      /usr/lib/aarch64-linux-gnu/libstdc++.so.6 \
      /usr/lib64/libstdc++.so.6; do
    if [ -n "$candidate" ] && [ -e "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

has_needed() {
  local lib
  lib=$(find_libstdcxx) || return 1
  # grep -a: the library is binary; look for the version tag among its strings.
  grep -aq "$needed" "$lib"
}

case "$(uname -s)" in
  Linux) ;;
  *) echo "install-prerequisites: $(uname -s) needs nothing extra for TorchSharp's CPU backend."; exit 0 ;;
esac

if has_needed; then
  echo "install-prerequisites: $(find_libstdcxx) already exports $needed; nothing to do."
  exit 0
fi

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" = "debian" ] && [ "${VERSION_ID:-}" = "12" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-prerequisites: run as root (sudo) to install libstdc++6 from Debian 13 (trixie)." >&2
    exit 1
  fi
  src=/etc/apt/sources.list.d/debian.sources
  uri=""
  if [ -r "$src" ]; then
    # The machine's own Debian mirror: the first URIs line that is not the security archive.
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$src")
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk '/^deb / && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then
    echo "install-prerequisites: cannot find this machine's Debian mirror in $src or /etc/apt/sources.list." >&2
    exit 1
  fi
  cat > /etc/apt/sources.list.d/entropy-mlnet-trixie.sources <<SOURCES
Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  cat > /etc/apt/preferences.d/entropy-mlnet-trixie <<PREFS
Package: *
Pin: release n=trixie
Pin-Priority: 100
PREFS
  echo "install-prerequisites: installing libstdc++6 from trixie (mirror taken from $src)."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null
  if has_needed; then
    echo "install-prerequisites: done; $(find_libstdcxx) now exports $needed."
    exit 0
  fi
  echo "install-prerequisites: libstdc++6 was installed but $needed is still missing." >&2
  exit 1
fi

cat >&2 <<MSG
install-prerequisites: this system's libstdc++ lacks $needed, which TorchSharp 0.107.0 needs.
Install libstdc++ from GCC 13 or newer. Distributions that already ship it: Ubuntu 24.04+, Debian 13+,
Fedora 39+. Windows and macOS need nothing.
MSG
exit 1

#!/usr/bin/env bash
# Runs the built `entropy` CLI on Debian 12's own libstdc++ (GLIBCXX_3.4.30), whatever this machine has installed:
# downloads bookworm's libstdc++6 package with `apt-get download` (no root, nothing installed), extracts it into a
# temporary folder and runs `entropy probe` with LD_LIBRARY_PATH pointing there. It proves the build step that marks
# libLibTorchSharp.so's GLIBCXX_3.4.32 need weak works. Only libstdc++ is swapped: a machine whose libc was upgraded
# keeps its newer libc. Not part of the test command, because it downloads a package.
#
#   bash eng/run-on-debian12-libstdcxx.sh [--deb FILE.deb]    (after: dotnet build -c Release)
set -euo pipefail
cd "$(dirname "$0")/.."

deb=""
if [ "${1:-}" = "--deb" ]; then deb="$2"; fi

cli=src/Entropy.MLNet.Cli/bin/Release/net10.0/entropy.dll
[ -f "$cli" ] || { echo "run-on-debian12-libstdcxx: build first: dotnet build Entropy.MLNet.sln -c Release" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$deb" ]; then
  (cd "$work" && apt-get download 'libstdc++6/bookworm' >/dev/null) || {
    echo "run-on-debian12-libstdcxx: 'apt-get download libstdc++6/bookworm' failed; this needs apt lists with bookworm" \
         "(Debian 12) in them (apt-get update), or pass --deb FILE with a bookworm libstdc++6 package." >&2
    exit 1
  }
  deb=$(ls "$work"/libstdc++6_*.deb)
fi
dpkg-deb -x "$deb" "$work/root"
lib=$(dirname "$(find "$work/root" -name 'libstdc++.so.6' | head -n 1)")
echo "libstdc++ from $(basename "$deb"): newest GLIBCXX version $(grep -ao 'GLIBCXX_3\.4\.[0-9]*' "$lib/libstdc++.so.6" | sort -t. -k3 -n | tail -n 1)"
if grep -aq 'GLIBCXX_3\.4\.32' "$lib/libstdc++.so.6"; then
  echo "run-on-debian12-libstdcxx: $deb exports GLIBCXX_3.4.32; it is not Debian 12's libstdc++." >&2
  exit 1
fi

# LD_DEBUG=libs shows which libstdc++ the loader really used.
LD_LIBRARY_PATH="$lib" LD_DEBUG=libs LD_DEBUG_OUTPUT="$work/ld" \
  dotnet "$cli" probe --sigma-w2 1.76 --sigma-b2 0.05 --depth 8 --width 64 --train-samples 500 --entropy-samples 20
if ! cat "$work"/ld.* | grep -q "calling init: $lib/libstdc++.so.6"; then
  echo "run-on-debian12-libstdcxx: the loader did not use $lib/libstdc++.so.6." >&2
  exit 1
fi
echo "run-on-debian12-libstdcxx: the probe ran on Debian 12's libstdc++ ($lib/libstdc++.so.6)."

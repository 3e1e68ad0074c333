#!/usr/bin/env bash
# Installs every Debian package and npm tool the build and tests use, and unpacks Dear ImGui 1.90.1
# (Debian trixie source package) into build/_deps. Idempotent: a second run installs nothing.
# Usage: scripts/install-deps.sh [--web] [--test] [--bench]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WANT_WEB=0; WANT_TEST=0; WANT_BENCH=0
for a in "$@"; do
  case "$a" in
    --web) WANT_WEB=1 ;;
    --test) WANT_TEST=1; WANT_WEB=1 ;;
    --bench) WANT_BENCH=1; WANT_TEST=1; WANT_WEB=1 ;;
    *) echo "install-deps.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

pkgs=(build-essential cmake pkg-config ca-certificates xz-utils dpkg-dev
      nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev
      libsqlite3-dev libhiredis-dev redis-server libcli11-dev libglfw3-dev libgl-dev libssl-dev zlib1g-dev fonts-dejavu-core fonts-inter gzip
      libmd4c-dev libpq-dev)
# The page's fallback glyphs (CJK, Hangul, emoji and other scripts), split per code-point page at build time.
if [ "$WANT_WEB" = 1 ]; then
  pkgs+=(emscripten nodejs python3-fonttools fonts-droid-fallback fonts-nanum fonts-symbola)
fi
# postgresql: the tests start their own throwaway cluster (initdb in a temporary folder); nothing else uses it.
if [ "$WANT_TEST" = 1 ]; then pkgs+=(chromium xvfb xauth curl valgrind clang libclang-rt-14-dev postgresql); fi
if [ "$WANT_BENCH" = 1 ]; then pkgs+=(wrk); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Dear ImGui 1.90.1 comes from trixie's *source* package (see TOOLCHAIN.md): bookworm's 1.86 loses quick key taps.
SRC_LIST=/etc/apt/sources.list.d/orchestratai-trixie-src.sources
need_update=0
if [ ! -f "$SRC_LIST" ]; then
  # The machine's own Debian mirror, from apt's configured sources (deb822 .sources files, then one-line .list
  # entries); no host name is written here.
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {print $2; exit}' || true)
  if [ -z "$uri" ]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
          awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' || true)
  fi
  if [ -z "$uri" ]; then
    echo "install-deps: no Debian mirror in apt's sources (/etc/apt/sources.list, /etc/apt/sources.list.d): configure one and re-run" >&2
    exit 1
  fi
  $SUDO tee "$SRC_LIST" >/dev/null <<SRC
Types: deb-src
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  need_update=1
fi

if [ ${#missing[@]} -gt 0 ] || [ "$need_update" = 1 ]; then
  echo "install-deps: apt-get update"
  $SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

IMGUI_DIR="$ROOT/build/_deps/imgui-1.90.1"
if [ ! -f "$IMGUI_DIR/imgui.cpp" ]; then
  mkdir -p "$ROOT/build/_deps/imgui-src"
  cd "$ROOT/build/_deps/imgui-src"
  if ! ls imgui_1.90.1*.orig.tar.xz >/dev/null 2>&1; then
    apt-get source --download-only imgui/trixie >/dev/null 2>&1 || { $SUDO apt-get update -qq; apt-get source --download-only imgui/trixie; }
  fi
  tarball=$(ls imgui_1.90.1*.orig.tar.xz | head -n1)
  dsc=$(ls imgui_1.90.1*.dsc | head -n1)
  want=$(awk '/^Checksums-Sha256:/ {f=1; next} f && /^ / {print} f && !/^ / {f=0}' "$dsc" | awk -v t="$tarball" '$3==t {print $1}')
  have=$(sha256sum "$tarball" | awk '{print $1}')
  if [ -z "$want" ] || [ "$want" != "$have" ]; then
    echo "install-deps: checksum mismatch for $tarball (want $want, have $have)" >&2; exit 1
  fi
  tar -xJf "$tarball" -C "$ROOT/build/_deps"
  cd "$ROOT"
  [ -f "$IMGUI_DIR/imgui.cpp" ] || { echo "install-deps: imgui sources not found after unpacking" >&2; exit 1; }
fi

# md4c for the page (the engine module parses markdown with it): the upstream tarball of Debian's source package,
# fetched from the configured mirror and checked against the checksum in apt's signed Sources index.
MD4C_DIR="$ROOT/build/_deps/md4c-release-0.5.2"
if [ "$WANT_WEB" = 1 ] && [ ! -f "$MD4C_DIR/src/md4c.c" ]; then
  mkdir -p "$ROOT/build/_deps/md4c-src"
  orig_line() { apt-get source --print-uris md4c/trixie 2>/dev/null | grep "orig.tar" | head -n1; }
  line=$(orig_line)
  if [ -z "$line" ]; then $SUDO apt-get update -qq; line=$(orig_line); fi
  [ -n "$line" ] || { echo "install-deps: md4c/trixie is not in apt's source index" >&2; exit 1; }
  uri=$(echo "$line" | awk '{print $1}' | tr -d "'")
  name=$(echo "$line" | awk '{print $2}')
  sum=$(echo "$line" | awk '{print $4}')
  if [ ! -f "$ROOT/build/_deps/md4c-src/$name" ]; then
    /usr/lib/apt/apt-helper download-file "$uri" "$ROOT/build/_deps/md4c-src/$name" "$sum" >/dev/null 2>&1 ||
      { echo "install-deps: could not download $name (or its checksum did not match)" >&2; exit 1; }
  fi
  tar -xzf "$ROOT/build/_deps/md4c-src/$name" -C "$ROOT/build/_deps"
  [ -f "$MD4C_DIR/src/md4c.c" ] || { echo "install-deps: md4c sources not found after unpacking" >&2; exit 1; }
fi

if [ "$WANT_TEST" = 1 ]; then
  missing_npm=0
  for m in playwright-core ajv ajv-formats; do
    [ -d "$ROOT/tests/e2e/node_modules/$m" ] || missing_npm=1
  done
  if [ "$missing_npm" = 1 ]; then
    echo "install-deps: npm install (tests/e2e)"
    (cd "$ROOT/tests/e2e" && npm install --no-audit --no-fund --silent)
  fi
fi
echo "install-deps: ok"

#!/usr/bin/env bash
# Installs the Debian packages agritrace builds, tests and benchmarks with, only those missing.
# Safe to run any number of times. Usage: scripts/install-deps.sh [build|test|bench|all]
set -euo pipefail
what=${1:-build}

build_pkgs=(g++ cmake make pkg-config git ca-certificates
  libssl-dev openssl libsqlite3-dev sqlite3 libpq-dev libcpp-httplib-dev
  nlohmann-json3-dev libcli11-dev libqrencode-dev libcairo2-dev libfontconfig-dev
  libfreetype-dev fonts-wqy-microhei catch2 libzxing-dev zlib1g-dev libsodium-dev
  # libzip: .xlsx imports are zips, code files for print shops AES-256 zips (label export);
  # libxlsxwriter: audit reports as .xlsx.
  libzip-dev libxlsxwriter-dev)
# Tests decode what we print: PDF pages through poppler, SVG through librsvg; JSON outputs are
# checked against schemas/ with python3-jsonschema (draft 2020-12); the browser tests
# drive Debian's chromium, the console's through chromedriver and python3-selenium (it types
# into forms and follows redirects, which --dump-dom cannot). The libFuzzer targets (tests/fuzz)
# build with clang 14; its sanitizer and libFuzzer runtimes are in libclang-rt-14-dev, only
# recommended by clang. The console's browser test reads a downloaded label PDF's QR codes with
# zbar-tools' zbarimg, a decoder independent of the ZXing the C++ tests use. p7zip-full opens the
# encrypted code files (label export) as a print shop would. postgresql: the PostgreSQL store's
# tests run on a throwaway cluster of it (scripts/pg_cluster.sh). nginx-light: the several-nodes
# test runs docs/deploy/nginx-agritrace.conf in front of two verify nodes.
test_pkgs=(poppler-utils librsvg2-bin chromium python3-jsonschema chromium-driver python3-selenium
  clang libfuzzer-14-dev libclang-rt-14-dev zbar-tools p7zip-full postgresql nginx-light)
bench_pkgs=(wrk procps curl sqlite3 zint)

pkgs=("${build_pkgs[@]}")
case "$what" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  all) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "正在安装缺少的软件包 / installing missing packages: ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

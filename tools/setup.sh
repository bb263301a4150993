#!/usr/bin/env bash
# Set up everything dossier needs on a fresh Debian/Ubuntu machine:
# system packages (LibreOffice, poppler-utils) and the Python virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."

# libharfbuzz-subset0: WeasyPrint subsets fonts with it (C); without it, fontTools takes ~0.3 s per font
# libjemalloc2: LibreOffice converts ~11 % faster with it (dossier.convert.soffice.jemalloc); optional
PKGS="libreoffice-writer-nogui python3-uno poppler-utils fontconfig libharfbuzz-subset0 libjemalloc2"
missing=""
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing="$missing python3-uno"
command -v fc-match >/dev/null 2>&1 || missing="$missing fontconfig"
libs=$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)
grep -q "libharfbuzz-subset.so.0" <<<"$libs" || missing="$missing libharfbuzz-subset0"
optional=""
grep -q "libjemalloc.so.2" <<<"$libs" || optional=" libjemalloc2"
if [ -n "$missing$optional" ] && [ "$(id -u)" = 0 ]; then
  echo "Đang cài đặt gói hệ thống:$missing$optional"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
elif [ -n "$missing" ]; then
  echo "Thiếu gói hệ thống:$missing" >&2
  echo "Hãy chạy: sudo apt-get update && sudo apt-get install -y $PKGS" >&2
  exit 1
elif [ -n "$optional" ]; then
  echo "Gợi ý: cài thêm libjemalloc2 để LibreOffice chuyển PDF nhanh hơn (sudo apt-get install -y libjemalloc2)."
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]'
# the bytecode pip would write for a regular install: an editable one compiles at first import,
# and never when PYTHONDONTWRITEBYTECODE is set (0.2 CPU-s per process; stale files are recompiled)
.venv/bin/python -m compileall -q dossier >/dev/null
.venv/bin/python tools/precompile_templates.py 2>/dev/null  # the bundled templates' Jinja code, likewise
touch .venv/.dossier-setup

#!/usr/bin/env bash
# Developer entry point for POST Coder.  Usage: bash scripts/dev.sh {setup|test|demo|bench NAME} [args…]
#
# Works from a fresh clone with only Python >= 3.11, pip and apt-get (Debian 12): `setup` builds
# .venv, installs the package with its test extra, and installs the system libraries Qt needs.
# Every step is idempotent, so the other subcommands simply run `setup` first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.post-coder-install-hash"   # sha256 of pyproject.toml at the last successful install
PYTHON="${PYTHON:-python3}"              # interpreter used to create the venv; override with PYTHON=…

# Debian 12 packages behind the shared libraries that PySide6-Essentials 6.11 loads, found with
# `ldd`/`objdump -p` on QtCore/QtGui/QtWidgets, libQt6{Core,Gui,Widgets,DBus,XcbQpa} and the
# offscreen/xcb platform plugins in .venv.  Offscreen (tests) needs the first line; the xcb plugin
# (the desktop app on a real X11/XWayland display) needs the rest.  A font is needed too, or
# offscreen screenshots render no text.
QT_APT_PACKAGES=(
    libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 libx11-6
    libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
    fonts-dejavu-core
)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'dev.sh: error: %s\n' "$*" >&2; exit 1; }

# Run as root directly, otherwise through sudo (non-interactive: CI has no stdin).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@" || die "'$*' needs root; run it yourself or allow passwordless sudo"
    else
        die "'$*' needs root and sudo is not installed"
    fi
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these packages (or your distro's equivalents) by hand: $*"
    say "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

python_is_311_plus() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

ensure_venv() {
    if [ -x "$PY" ] && python_is_311_plus "$PY"; then
        return
    fi
    if [ -x "$PY" ]; then
        die "$VENV exists but its Python is older than 3.11 or broken; delete it and rerun"
    fi
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; POST Coder needs Python >= 3.11"
    python_is_311_plus "$PYTHON" \
        || die "POST Coder needs Python >= 3.11 but $PYTHON is $("$PYTHON" -V 2>&1); set PYTHON=/path/to/python3.11"
    say "creating $VENV with $("$PYTHON" -V 2>&1)"
    local out
    if ! out="$("$PYTHON" -m venv "$VENV" 2>&1)"; then
        rm -rf "$VENV"
        # Debian's system Python ships venv's ensurepip in a separate package: add it, retry.
        case "$out" in
            *ensurepip*)
                apt_install "python3.$("$PYTHON" -c 'import sys; print(sys.version_info[1])')-venv"
                "$PYTHON" -m venv "$VENV" ;;
            *) die "python -m venv failed: $out" ;;
        esac
    fi
}

# pip install only when pyproject.toml changed since the last successful install.
ensure_installed() {
    local want
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
        return
    fi
    say "installing post-coder[test] into .venv (takes a few minutes the first time)"
    # PYTHONWARNINGS hides setuptools' editable-install banner; real errors still print.
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONWARNINGS=ignore \
        "$PY" -m pip install --quiet --editable "$ROOT[test]"
    printf '%s\n' "$want" > "$STAMP"
}

# The check runs in a subprocess so that a missing shared library becomes a message
# instead of killing this script; its output is shown only when it fails.
qt_check() { QT_QPA_PLATFORM=offscreen "$PY" "$ROOT/scripts/qt_check.py" 2>&1; }

ensure_qt_libs() {
    local problems
    problems="$(qt_check)" && return
    say "Qt cannot run yet:"
    sed 's/^/    /' <<<"$problems" >&2
    apt_install "${QT_APT_PACKAGES[@]}"
    problems="$(qt_check)" || die "Qt still cannot start after installing system packages:
$problems"
}

cmd_setup() {
    ensure_venv
    ensure_installed
    ensure_qt_libs
}

cmd_test() {
    cmd_setup
    cd "$ROOT"   # lint-imports and pytest read their config from pyproject.toml in the cwd
    # Run both even if the contracts fail, so one run shows every problem.
    local lint_rc=0 pytest_rc=0
    say "import-linter contracts"
    "$VENV/bin/lint-imports" --no-cache || lint_rc=$?
    say "pytest"
    QT_QPA_PLATFORM=offscreen "$PY" -m pytest --cov=post_coder --cov-report=term "$@" || pytest_rc=$?
    if [ "$pytest_rc" -eq 5 ]; then
        die "pytest collected no tests (exit 5); check the arguments or the tests/ folder"
    fi
    [ "$lint_rc" -eq 0 ] || die "import-linter contracts failed (see above)"
    [ "$pytest_rc" -eq 0 ] || die "pytest failed (exit $pytest_rc)"
}

cmd_demo() {
    cmd_setup
    # No cd: file paths given on the command line stay relative to the caller's directory.
    "$VENV/bin/post-coder" demo "$@"
}

cmd_bench() {
    [ $# -ge 1 ] || die "usage: bash scripts/dev.sh bench NAME [args…]  (runs benchmarks/bench_NAME.py)"
    local script="$ROOT/benchmarks/bench_$1.py"
    shift
    [ -f "$script" ] || die "no such benchmark: $script"
    cmd_setup
    cd "$ROOT"
    "$PY" "$script" "$@"
}

usage() {
    cat >&2 <<'EOF'
usage: bash scripts/dev.sh COMMAND [args…]
  setup              create .venv, install post-coder[test] and Qt's system libraries
  test [pytest…]     setup, import-linter contracts, pytest with core coverage
  demo [args…]       setup, then `post-coder demo args…`
  bench NAME [args…] setup, then run benchmarks/bench_NAME.py
EOF
    exit 2
}

[ $# -ge 1 ] || usage
command="$1"
shift
case "$command" in
    setup) cmd_setup "$@" ;;
    test) cmd_test "$@" ;;
    demo) cmd_demo "$@" ;;
    bench) cmd_bench "$@" ;;
    -h|--help|help) usage ;;
    *) printf 'dev.sh: unknown command: %s\n' "$command" >&2; usage ;;
esac

"""Can PySide6 run on this machine?  Used by scripts/dev.sh setup; exit 0 = yes.

Run with QT_QPA_PLATFORM=offscreen.  Prints one line per problem (a missing system library,
no fonts) and exits 1 if there is any, so dev.sh can install the Debian packages and retry.
"""

import pathlib
import subprocess
import sys

try:
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
except Exception as exc:  # e.g. ImportError: libEGL.so.1: cannot open shared object file
    sys.exit(f"QtWidgets cannot start offscreen: {exc}")

problems = []
if not QFontDatabase.families():
    problems.append("no fonts found (offscreen rendering would draw no text)")

# The desktop app uses the xcb plugin, whose libraries load only when a display is there,
# so ask ldd instead of starting it.
import PySide6  # noqa: E402

qt = pathlib.Path(PySide6.__file__).parent / "Qt"
xcb_libs = [*qt.glob("lib/libQt6XcbQpa.so.6"), *qt.glob("plugins/platforms/libqxcb.so"),
            *qt.glob("plugins/xcbglintegrations/*.so")]
for lib in xcb_libs:
    out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
    missing = sorted({line.split()[0] for line in out.splitlines() if "not found" in line})
    if missing:
        problems.append(f"{lib.name} needs missing {' '.join(missing)}")

sys.exit("\n".join(problems) or None)

"""The store: the only layer that speaks SQL.

Functions here take the sqlite-utils :class:`~sqlite_utils.Database` of a project and return
plain values, dataclasses or DataFrames. They never open transactions of their own:
the caller (:meth:`post_coder.project.Project.transact`) holds one.
"""

import sys


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without pandas and numpy.

    sqlite-utils imports both at its own import when they are installed, only to map their
    value types to column types in its insert helpers (``table.insert_all``…), which the
    store does not use: it writes its own SQL. pandas alone took about 0.35 s of the app's
    1 s start, so sqlite-utils is imported here first, before any store module, with the
    two hidden if they are not loaded yet; they load as usual when a feature needs them
    (exports, agreement). sqlite-utils' insert helpers then do not know pandas' and numpy's
    value types: hand them plain Python values (the store does). ``tests/
    test_architecture.py`` checks that the main window opens without them and that
    sqlite-utils is imported nowhere else.
    """
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import pandas" fails at once
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


_import_sqlite_utils()

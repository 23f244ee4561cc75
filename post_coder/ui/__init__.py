"""The PySide6 desktop app: windows, item models and dialogs over the core services.

The only package that imports Qt. It holds no SQL and no statistics.
"""

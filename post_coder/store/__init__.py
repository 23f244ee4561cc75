"""The store: the only layer that speaks SQL.

Functions here take the sqlite-utils :class:`~sqlite_utils.Database` of a project and return
plain values, dataclasses or DataFrames. They never open transactions of their own:
the caller (:meth:`post_coder.project.Project.transact`) holds one.
"""

"""Codebook, codings, coders and memos: the services a coding team uses.

Every function that writes takes the :class:`~post_coder.project.Project` first, runs in
one transaction with its audit-log entries, and returns the :class:`~post_coder.changes.Changes`.
"""

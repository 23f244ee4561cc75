"""Publication outputs: theme tables, RE-AIM summaries, figures, documents, REFI-QDA.

Exporters read the project through :mod:`post_coder.queries` and the coding services and
write files; they never change the project, but for keeping the RE-AIM spec in it
(:mod:`post_coder.export.reaim.stored`, one undoable action).
"""

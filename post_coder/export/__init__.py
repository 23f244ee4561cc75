"""Publication outputs: theme tables, RE-AIM summaries, figures, documents, REFI-QDA.

Exporters read the project through :mod:`post_coder.queries` and the coding services and
write files; they never change the project.
"""

"""Teamwork: coding rounds, coder packages, work files, and merging a coder's work.

Not to be confused with *merging codes* (folding one code of the codebook into another),
which is codebook refinement and lives in :mod:`post_coder.coding.refine`. Here "merge"
always means **merging work**: bringing a coder's work file, or a whole copy of the
project, into the lead's project.

- :mod:`.rounds`: coding rounds (who codes what, blinding, :func:`.rounds.read_scope`);
- :mod:`.package`: the lead hands out a coder package; the coder exports "my work";
- :mod:`.workfile`: the work-file format, and reading a work file or project file to merge;
- :mod:`.merge`: merging work (preview, conflicts, one transaction), built on
  :mod:`.merge_codebook` (three-way merge of the codebook) and :mod:`.merge_rows`
  (codings, memos and rounds by id).

Its SQL is in :mod:`post_coder.store.team` (and :mod:`post_coder.store.rounds`). Layers:
``team`` may import ``coding``; nothing in ``coding`` imports ``team``.
"""

"""SQL for the headline counts of a project (status bar, ``post-coder info``)."""

from __future__ import annotations

import json

from sqlite_utils import Database


def totals(db: Database) -> dict[str, int]:
    row = db.execute("""
        SELECT (SELECT count(*) FROM datasets),
               (SELECT count(*) FROM respondents),
               (SELECT count(*) FROM responses),
               (SELECT count(*) FROM coders),
               (SELECT count(*) FROM codes WHERE status = 'active'),
               (SELECT count(*) FROM codings WHERE deleted_at IS NULL),
               (SELECT count(*) FROM memos WHERE deleted_at IS NULL)
    """).fetchone()
    keys = ("datasets", "respondents", "responses", "coders", "codes", "codings", "memos")
    return dict(zip(keys, row))


def coded_per_question(db: Database, coder_ids: tuple[str, ...] | None = None
                       ) -> dict[str, int]:
    """Question id → responses with at least one live coding (by ``coder_ids`` if given)."""
    coders = "" if coder_ids is None else \
        " AND c.coder_id IN (SELECT value FROM json_each(?))"
    rows = db.execute(f"""
        SELECT r.question_id, count(DISTINCT r.id) FROM responses r
        JOIN codings c ON c.response_id = r.id AND c.deleted_at IS NULL{coders}
        GROUP BY r.question_id""", [] if coder_ids is None else [json.dumps(list(coder_ids))]
    ).fetchall()
    return dict(rows)


def codings_per_coder(db: Database) -> dict[str, int]:
    rows = db.execute("SELECT coder_id, count(*) FROM codings WHERE deleted_at IS NULL"
                      " GROUP BY coder_id").fetchall()
    return dict(rows)

"""SQL for the headline counts of a project (status bar, ``post-coder info``)."""

from __future__ import annotations

from sqlite_utils import Database

from post_coder.store.scope import ReadScope, coders_clause


def totals(db: Database, scope: ReadScope) -> dict[str, int]:
    """Headline counts; codings and memos only those ``scope`` sees. Respondents are those
    of surveys: a data table's rows (an interaction log) are not people who answered."""
    codings, codings_params = coders_clause(scope, "coder_id")
    memos, memos_params = coders_clause(scope, "author_id")
    row = db.execute(f"""
        SELECT (SELECT count(*) FROM datasets),
               (SELECT count(*) FROM respondents WHERE dataset_id IN
                   (SELECT id FROM datasets WHERE kind = 'survey')),
               (SELECT count(*) FROM responses),
               (SELECT count(*) FROM coders),
               (SELECT count(*) FROM codes WHERE status = 'active'),
               (SELECT count(*) FROM codings WHERE deleted_at IS NULL{codings}),
               (SELECT count(*) FROM memos WHERE deleted_at IS NULL{memos})
    """, [*codings_params, *memos_params]).fetchone()
    keys = ("datasets", "respondents", "responses", "coders", "codes", "codings", "memos")
    return dict(zip(keys, row))


def more_codings_than(db: Database, scope: ReadScope, limit: int) -> bool:
    """Whether ``scope`` sees more than ``limit`` live codings (counting stops there: a
    window deciding whether to read counts in the background needs no more)."""
    codings, params = coders_clause(scope, "coder_id")
    (n,) = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM codings WHERE deleted_at IS NULL"
                      f"{codings} LIMIT ?)", [*params, limit + 1]).fetchone()
    return n > limit


def coded_per_question(db: Database, scope: ReadScope) -> dict[str, int]:
    """Question id → responses with at least one live coding that ``scope`` sees."""
    coders, params = coders_clause(scope, "c.coder_id")
    rows = db.execute(f"""
        SELECT r.question_id, count(DISTINCT r.id) FROM responses r
        JOIN codings c ON c.response_id = r.id AND c.deleted_at IS NULL{coders}
        GROUP BY r.question_id""", params).fetchall()
    return dict(rows)


def codings_per_coder(db: Database, scope: ReadScope) -> dict[str, int]:
    """Coder id → live codings, for the coders ``scope`` sees."""
    coders, params = coders_clause(scope, "coder_id")
    rows = db.execute(f"SELECT coder_id, count(*) FROM codings WHERE deleted_at IS NULL{coders}"
                      " GROUP BY coder_id", params).fetchall()
    return dict(rows)

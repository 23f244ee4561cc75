"""The project file's schema, created and upgraded with sqlite-utils' ``Migrations``.

Migrations are append-only: a released one is never edited. A file whose applied
migrations include names this list does not know was written by a newer POST Coder.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from post_coder.ids import new_id

MIGRATION_SET = "post_coder"
migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE coders (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    initials TEXT NOT NULL,
    color TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    original_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    platform TEXT,
    kind TEXT NOT NULL DEFAULT 'survey' CHECK (kind IN ('survey', 'log')),
    options TEXT NOT NULL DEFAULT '{}',
    row_count INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL,
    imported_by TEXT REFERENCES coders(id)
);
CREATE INDEX datasets_sha256 ON datasets(sha256);

CREATE TABLE respondents (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    row_number INTEGER NOT NULL,
    UNIQUE (dataset_id, external_id)
);

CREATE TABLE variables (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL CHECK (type IN
        ('categorical', 'ordinal', 'numeric', 'date', 'multi_select', 'text')),
    levels TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL,
    UNIQUE (dataset_id, name)
);

CREATE TABLE variable_values (
    variable_id TEXT NOT NULL REFERENCES variables(id) ON DELETE CASCADE,
    respondent_id TEXT NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
    value NOT NULL,
    PRIMARY KEY (variable_id, respondent_id, value)
) WITHOUT ROWID;
CREATE INDEX variable_values_respondent ON variable_values(respondent_id);

CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    column_name TEXT NOT NULL,
    wording TEXT NOT NULL,
    position INTEGER NOT NULL,
    blank_count INTEGER NOT NULL DEFAULT 0,
    nonanswer_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (dataset_id, column_name)
);

CREATE TABLE responses (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    respondent_id TEXT NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    UNIQUE (question_id, respondent_id)
);
CREATE INDEX responses_respondent ON responses(respondent_id);

CREATE TABLE codes (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES codes(id),
    name TEXT NOT NULL,
    definition TEXT NOT NULL DEFAULT '',
    inclusion TEXT NOT NULL DEFAULT '',
    exclusion TEXT NOT NULL DEFAULT '',
    example TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'retired')),
    merged_into TEXT REFERENCES codes(id),
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT REFERENCES coders(id)
);
CREATE UNIQUE INDEX codes_active_name ON codes(name COLLATE NOCASE) WHERE status = 'active';
CREATE INDEX codes_parent ON codes(parent_id);

CREATE TABLE codings (
    id TEXT PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    code_id TEXT NOT NULL REFERENCES codes(id),
    coder_id TEXT NOT NULL REFERENCES coders(id),
    span_start INTEGER,
    span_end INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    CHECK ((span_start IS NULL) = (span_end IS NULL)),
    CHECK (span_start IS NULL OR (span_start >= 0 AND span_end > span_start))
);
CREATE UNIQUE INDEX codings_live ON codings(
    response_id, code_id, coder_id, ifnull(span_start, -1), ifnull(span_end, -1)
) WHERE deleted_at IS NULL;
CREATE INDEX codings_code ON codings(code_id, response_id);
CREATE INDEX codings_coder ON codings(coder_id);

CREATE TABLE memos (
    id TEXT PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN ('project', 'code', 'response', 'coding')),
    target_id TEXT,
    author_id TEXT REFERENCES coders(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX memos_target ON memos(target_type, target_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor TEXT,
    step_id TEXT NOT NULL,
    step_label TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before TEXT,
    after TEXT,
    rationale TEXT
);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
    )


@migrations(name="0002_response_search")
def _response_search(db: Database) -> None:
    """Full-text index over response text (FTS5, kept in step by triggers)."""
    db.executescript(
        """
CREATE VIRTUAL TABLE responses_fts USING fts5(
    text, content='responses', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER responses_fts_insert AFTER INSERT ON responses BEGIN
    INSERT INTO responses_fts(rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER responses_fts_delete AFTER DELETE ON responses BEGIN
    INSERT INTO responses_fts(responses_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER responses_fts_update AFTER UPDATE OF text ON responses BEGIN
    INSERT INTO responses_fts(responses_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    INSERT INTO responses_fts(rowid, text) VALUES (new.seq, new.text);
END;
INSERT INTO responses_fts(responses_fts) VALUES ('rebuild');
"""
    )


@migrations(name="0003_rounds")
def _rounds(db: Database) -> None:
    """Coding rounds (who codes which responses, blind or not) and merging coders' work.

    ``codings.duplicate_of`` marks a coding hidden because the same coder's other live
    coding of the same code, response and span (``duplicate_of``) came from another laptop;
    it is the coding's true state that merges compare, so it can come back if that one is
    removed. ``merges`` logs every merged file (its SHA-256 makes a repeat a no-op);
    ``merge_bases`` holds, per source package, the codebook values last taken from it,
    which is the base of the next three-way comparison.
    """
    db.executescript(
        """
CREATE TABLE rounds (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    blind INTEGER NOT NULL DEFAULT 1 CHECK (blind IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    sample TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    created_by TEXT REFERENCES coders(id),
    closed_at TEXT,
    closed_by TEXT REFERENCES coders(id)
);
CREATE UNIQUE INDEX rounds_name ON rounds(name COLLATE NOCASE);

CREATE TABLE round_coders (
    round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    coder_id TEXT NOT NULL REFERENCES coders(id),
    PRIMARY KEY (round_id, coder_id)
) WITHOUT ROWID;
CREATE INDEX round_coders_coder ON round_coders(coder_id);

CREATE TABLE round_responses (
    round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, response_id)
) WITHOUT ROWID;
CREATE INDEX round_responses_response ON round_responses(response_id);

ALTER TABLE codings ADD COLUMN duplicate_of TEXT;
CREATE INDEX codings_duplicate ON codings(duplicate_of) WHERE duplicate_of IS NOT NULL;

CREATE TABLE merges (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('work', 'project')),
    source TEXT,
    coder_id TEXT,
    file_name TEXT NOT NULL,
    made_at TEXT,
    merged_at TEXT NOT NULL,
    merged_by TEXT,
    summary TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX merges_sha256 ON merges(sha256);

CREATE TABLE merge_bases (
    source TEXT NOT NULL,
    code_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    redirect TEXT,
    PRIMARY KEY (source, code_id)
) WITHOUT ROWID;
"""
    )


@migrations(name="0004_done_marks_and_agreement_reports")
def _done_marks(db: Database) -> None:
    """Done marks (a coder has read a response: coded it, or found that no code applies)
    and the agreement reports computed for rounds.

    A done mark is keyed by (response, coder): one register per coder and response.
    Un-marking leaves a tombstone (``deleted_at``) so that it travels in work files;
    marking again revives the row. Merges keep the later ``updated_at``. Projects from
    before this migration get a done mark for every response a coder has a live coding
    of (what round progress counted until now).

    ``agreement_reports`` keeps every report computed for a round (its JSON, the filters,
    when and by whom) so convergence across rounds can be shown. It refers to the round
    without a foreign key: undoing "Create round" must not take reports with it.
    """
    db.executescript(
        """
CREATE TABLE done_marks (
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    coder_id TEXT NOT NULL REFERENCES coders(id),
    done_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (response_id, coder_id)
) WITHOUT ROWID;
CREATE INDEX done_marks_coder ON done_marks(coder_id, response_id);

INSERT INTO done_marks (response_id, coder_id, done_at, updated_at, deleted_at)
SELECT response_id, coder_id, min(created_at), min(created_at), NULL FROM codings
WHERE deleted_at IS NULL GROUP BY response_id, coder_id;

CREATE TABLE agreement_reports (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    round_id TEXT,
    computed_at TEXT NOT NULL,
    computed_by TEXT,
    filters TEXT NOT NULL DEFAULT '{}',
    report TEXT NOT NULL
);
CREATE INDEX agreement_reports_round ON agreement_reports(round_id, seq);
"""
    )


@migrations(name="0005_review_sessions")
def _review(db: Database) -> None:
    """Discrepancy-review sessions, their decisions, and the consensus layer.

    A session belongs to a round (``status`` open, paused or closed; ``participants`` a
    JSON list of names). A decision settles one response × code of a session:
    ``applies``, ``not_applies`` or ``other_code`` (``other_code_id`` applies instead);
    deciding the same response × code again in the session changes the row. ``redefined``
    holds the code fields a "refine the definition now" decision changed (JSON), with the
    ``rationale``.

    The consensus layer is the view ``consensus``: for every response × code, the latest
    decision about it (over every session) and the code it applies (none for
    ``not_applies``). It is derived from the decisions, so it never disagrees with them,
    and it is apart from ``codings``: coders' codings are never changed or deleted, and
    agreement keeps using them.
    """
    db.executescript(
        """
CREATE TABLE review_sessions (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds(id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paused', 'closed')),
    participants TEXT NOT NULL DEFAULT '[]',
    opened_at TEXT NOT NULL,
    opened_by TEXT REFERENCES coders(id),
    paused_at TEXT,
    closed_at TEXT,
    closed_by TEXT REFERENCES coders(id)
);
CREATE INDEX review_sessions_round ON review_sessions(round_id, opened_at);

CREATE TABLE review_decisions (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES review_sessions(id),
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    code_id TEXT NOT NULL REFERENCES codes(id),
    decision TEXT NOT NULL CHECK (decision IN ('applies', 'not_applies', 'other_code')),
    other_code_id TEXT REFERENCES codes(id),
    note TEXT NOT NULL DEFAULT '',
    redefined TEXT,
    rationale TEXT,
    decided_by TEXT REFERENCES coders(id),
    decided_at TEXT NOT NULL,
    CHECK ((decision = 'other_code') = (other_code_id IS NOT NULL)),
    UNIQUE (session_id, response_id, code_id)
);
CREATE INDEX review_decisions_response ON review_decisions(response_id, code_id);

CREATE VIEW consensus AS
SELECT d.response_id AS response_id,
       CASE d.decision WHEN 'other_code' THEN d.other_code_id ELSE d.code_id END AS code_id,
       d.id AS decision_id, d.code_id AS decided_code_id, d.decision AS decision,
       d.note AS note, d.decided_by AS decided_by, d.decided_at AS decided_at,
       d.session_id AS session_id
FROM review_decisions d
WHERE d.decision != 'not_applies'
  AND NOT EXISTS (SELECT 1 FROM review_decisions e WHERE e.response_id = d.response_id
                  AND e.code_id = d.code_id AND (e.decided_at > d.decided_at
                  OR (e.decided_at = d.decided_at AND e.id > d.id)));
"""
    )


@migrations(name="0006_code_versions")
def _code_versions(db: Database) -> None:
    """Codebook history: a version of a code per change, and the re-check queue.

    ``code_versions`` has one row per change to a code (numbered from 1 per code): when,
    who, the ``action`` (create, rename, redefine, recolor, move, merge, split, retire,
    team-merge…; one action changing several fields lists them, "rename, redefine"), the
    code's fields after it and the rationale. ``related`` lists (JSON) the other codes a
    merge or split involved. ``step_id`` is the user action's: one action writes at most
    one version per code. Codes made before this migration get a version 1 from their
    current state, dated when they were created.

    ``recheck_flags``: when a code's definition, inclusion or exclusion criteria change,
    each live coding of it is flagged for its coder to re-check under the new definition
    (``version``), made or last checked under ``from_version``; ``status`` open, confirmed
    or removed (the coding removed on re-checking), with who settled it and when. A coding
    has at most one open flag per code.
    """
    db.executescript(
        """
CREATE TABLE code_versions (
    id TEXT PRIMARY KEY,
    code_id TEXT NOT NULL REFERENCES codes(id),
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    coder_id TEXT,
    action TEXT NOT NULL,
    step_id TEXT,
    name TEXT NOT NULL,
    parent_id TEXT,
    definition TEXT NOT NULL DEFAULT '',
    inclusion TEXT NOT NULL DEFAULT '',
    exclusion TEXT NOT NULL DEFAULT '',
    example TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL,
    status TEXT NOT NULL,
    merged_into TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    related TEXT NOT NULL DEFAULT '[]',
    rationale TEXT,
    UNIQUE (code_id, version)
);
CREATE INDEX code_versions_at ON code_versions(at);

CREATE TABLE recheck_flags (
    id TEXT PRIMARY KEY,
    coding_id TEXT NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
    code_id TEXT NOT NULL REFERENCES codes(id),
    from_version INTEGER NOT NULL,
    version INTEGER NOT NULL,
    flagged_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'removed')),
    settled_by TEXT,
    settled_at TEXT
);
CREATE UNIQUE INDEX recheck_flags_open ON recheck_flags(coding_id, code_id)
    WHERE status = 'open';
CREATE INDEX recheck_flags_code ON recheck_flags(code_id, status);
"""
    )
    codes = db.execute(
        "SELECT id, created_at, created_by, name, parent_id, definition, inclusion, exclusion,"
        " example, color, status, merged_into, sort_order FROM codes ORDER BY created_at, id"
    ).fetchall()
    db.conn.executemany(
        "INSERT INTO code_versions (id, code_id, version, at, coder_id, action, name, parent_id,"
        " definition, inclusion, exclusion, example, color, status, merged_into, sort_order)"
        " VALUES (?, ?, 1, ?, ?, 'create', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(new_id(), *row) for row in codes])


@migrations(name="0007_short_labels")
def _short_labels(db: Database) -> None:
    """A short label for every question and attribute variable (``short_label``), shown in
    every view instead of a long column heading; the full text stays in ``wording`` and
    ``label``. Projects from before get the suggestions an import makes now
    (``store/labels.py``)."""
    from post_coder.store import labels

    db.executescript(
        """
ALTER TABLE questions ADD COLUMN short_label TEXT NOT NULL DEFAULT '';
ALTER TABLE variables ADD COLUMN short_label TEXT NOT NULL DEFAULT '';
"""
    )
    labels.fill_missing(db)


@migrations(name="0008_summary_spec")
def _summary_spec(db: Database) -> None:
    """The RE-AIM summary spec: its TOML text as a person wrote it, stored in the project.

    One row per spec ``name`` (``reaim``: the project's summary); ``saved_at`` and
    ``saved_by`` say who last saved it. Saving is an undoable action (the table is
    journaled).
    """
    db.executescript(
        """
CREATE TABLE summary_specs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    toml TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT
);
"""
    )


@migrations(name="0009_exemplars")
def _exemplars(db: Database) -> None:
    """What theme tables need from the team: exemplar quotes and RE-AIM dimensions.

    ``exemplars``: a coding an investigator marked as an exemplar quote of its code (who,
    when); unmarking deletes the row. ``code_dimensions``: the RE-AIM dimension a theme
    (a top-level code) belongs to, one row per code that has one; its sub-codes go with it.
    Both are journaled (undoable); the number 0009 is kept free of other branches' 0007-8.
    """
    db.executescript(
        """
CREATE TABLE exemplars (
    coding_id TEXT PRIMARY KEY REFERENCES codings(id) ON DELETE CASCADE,
    marked_by TEXT REFERENCES coders(id),
    marked_at TEXT NOT NULL
);

CREATE TABLE code_dimensions (
    code_id TEXT PRIMARY KEY REFERENCES codes(id),
    dimension TEXT NOT NULL CHECK (dimension IN
        ('Reach', 'Effectiveness', 'Adoption', 'Implementation', 'Maintenance')),
    set_at TEXT NOT NULL,
    set_by TEXT REFERENCES coders(id)
);
"""
    )


@migrations(name="0010_key_pins")
def _key_pins(db: Database) -> None:
    """Keys 1–9 a coder chose for codes (Pin to key). One code per key and one key per code,
    per coder; keys nobody pinned keep their default code (see ``coding.keys``)."""
    db.executescript(
        """
CREATE TABLE key_pins (
    coder_id TEXT NOT NULL REFERENCES coders(id),
    key INTEGER NOT NULL CHECK (key BETWEEN 1 AND 9),
    code_id TEXT NOT NULL REFERENCES codes(id),
    pinned_at TEXT NOT NULL,
    PRIMARY KEY (coder_id, key)
) WITHOUT ROWID;
CREATE UNIQUE INDEX key_pins_code ON key_pins(coder_id, code_id);
"""
    )


@migrations(name="0011_consensus_layer")
def _consensus_layer(db: Database) -> None:
    """The view ``consensus`` (0005: review decisions only) is dropped. The consensus layer
    now also holds the codes every coder who marked a response done applied, and depends
    on the round asked about (its responses and coders), which a view cannot take: it is
    computed by ``store.review.consensus_sql`` when read."""
    db.executescript("DROP VIEW IF EXISTS consensus;")


@migrations(name="0012_values_by_variable")
def _values_by_variable(db: Database) -> None:
    """The index ``variable_values_respondent`` is dropped: every read of attribute values
    names its variables, so the primary key (variable_id, respondent_id, value) finds them
    (a respondent's attributes: its dataset's variables, one key look-up each). An import
    no longer writes a second B-tree of 36-character keys for every value. (Nothing deletes
    respondents; a delete that cascades to their values would need the index back.)"""
    db.executescript("DROP INDEX IF EXISTS variable_values_respondent;")



@migrations(name="0013_search_index_without_sizes")
def _search_without_sizes(db: Database) -> None:
    """The full-text index ``responses_fts`` is made again with ``columnsize=0``: it no
    longer stores each answer's length in words, which only ranking (``bm25``, ``rank``)
    reads, and nothing ranks hits (searches filter with ``MATCH``; results keep their
    order). Filling it takes about a fifth less time; the words it finds are the same. The
    triggers (0002) keep it in step as before; ``rebuild`` fills it from the responses."""
    db.executescript("""
DROP TABLE responses_fts;
CREATE VIRTUAL TABLE responses_fts USING fts5(
    text, content='responses', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2', columnsize=0
);
INSERT INTO responses_fts(responses_fts) VALUES ('rebuild');
""")

def known_names() -> list[str]:
    return [m.name for m in migrations._migrations]  # noqa: SLF001 - registration order


def applied_names(db: Database) -> list[str]:
    if "_sqlite_migrations" not in db.table_names():
        return []
    return [m.name for m in migrations.applied(db)]


def pending_names(db: Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]


def apply(db: Database, *, stop_before: str | None = None) -> None:
    migrations.apply(db, stop_before=stop_before)

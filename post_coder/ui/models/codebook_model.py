"""The active codebook as a tree: Name (with color swatch) and Respondents (pooled), and
optionally (``set_counts_by_coder``) one column per coder at work with that coder's own
count; a coder whose codings the read scope hides shows "hidden", never 0.

Rows come from :func:`post_coder.queries.codebook_table`. When an action changes only
texts, colors or counts, the model updates in place (``dataChanged``), so views keep
their expansion and selection; when the tree's shape changes it resets, and the owner
(:class:`~post_coder.ui.codebook_panel.CodebookPanel`) restores expansion and selection by
code id. Dragging codes onto a code re-parents them; dropping on the empty area moves
them to the top level. Each drop is one action through ``session.run``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from post_coder.changes import Changes
from post_coder.queries import (Coder, ReadScope, code_counts_by_coder, codebook_table,
                                coders_at_work, more_codings_than)
from post_coder.coding import refine
from post_coder.ui.background import SMALL_PROJECT_CODINGS, BackgroundReader
from post_coder.ui.key_pins import key_tooltip, keys_by_code, swatch
from post_coder.ui.session import Session

#: the count fields of a codebook_table row
COUNT_KEYS = ("respondents", "codings", "respondents_with_children")

MIME_TYPE = "application/x-postcoder-code-ids"
CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: the number key (1–9) that applies the code for the current coder, or None
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Name", "n")
NAME, RESPONDENTS = 0, 1
#: what a per-coder column shows for a coder whose codings the read scope hides
HIDDEN = "hidden"


def counted_table(project: Any, scope: ReadScope, coders: list[str] | None,
                  with_counts: bool = True) -> list[dict[str, Any]]:
    """``codebook_table`` rows; with ``coders``, each row also has ``by_coder``: coder id →
    (respondents, codings, respondents with sub-codes), or None where the scope hides them."""
    table = codebook_table(project, scope, with_counts=with_counts)
    if coders is None or not with_counts:
        return table
    per = code_counts_by_coder(project, scope, coders)
    for row in table:
        row["by_coder"] = {
            c: None if found is None else _triple(found.get(row["id"]))
            for c, found in per.items()}
    return table


def _triple(count: Any) -> tuple[int, int, int]:
    if count is None:
        return (0, 0, 0)
    return (count.respondents, count.codings, count.respondents_with_children)


@dataclass
class _Node:
    key: int
    code_id: str
    info: dict[str, Any]
    parent: "_Node | None" = None
    row: int = 0
    children: list["_Node"] = field(default_factory=list)


class CodebookModel(QAbstractItemModel):
    """A tree of the active codes; refreshes itself on ``Changes.codes``/``codings``.

    Respondents shows distinct respondents coded with the code; a parent also shows, in
    parentheses, those coded with it or any code below it.
    """

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        #: parent for error messages shown by drops
        self.error_parent: QWidget | None = None
        self._keys: dict[str, int] = {}
        self._nodes: dict[int, _Node] = {}
        self._roots: list[_Node] = []
        # on a large project the counts come from a background read (see _table)
        self._counts: dict[str, dict[str, Any]] = {}
        #: coders with a column of their own (empty unless counts per coder are shown)
        self._by_coder = False
        self._coders: list[Coder] = []
        self._large = more_codings_than(session.project, session.scope,
                                        SMALL_PROJECT_CODINGS)
        self.counts_reader = BackgroundReader(session.project.path, self)
        self.counts_reader.did_finish.connect(self._counts_arrived)
        self._counts_later = QTimer(self)  # one count after a burst of codings
        self._counts_later.setSingleShot(True)
        self._counts_later.setInterval(200)
        self._counts_later.timeout.connect(self._request_counts)
        self._code_keys = keys_by_code(session)
        self._load()
        session.coder_did_change.connect(self._keys_changed)
        session.project_did_change.connect(self._on_project_did_change)
        session.visibility_did_change.connect(self._on_scope_changed)

    # -- loading -----------------------------------------------------------------------
    def _key(self, code_id: str) -> int:
        if code_id not in self._keys:
            self._keys[code_id] = len(self._keys) + 1
        return self._keys[code_id]

    def _table(self) -> list[dict[str, Any]]:
        """The codes; with counts here on a small project, else the last known ones for
        now and fresh ones from a background read."""
        coders = self._coder_ids()
        if not self._large:
            return counted_table(self.session.project, self.session.scope, coders)
        table = codebook_table(self.session.project, self.session.scope, with_counts=False)
        for row in table:  # "…" until a count arrives
            row.update(self._counts.get(row["id"], {"counting": True}))
        self._request_counts()
        return table

    def _request_counts(self) -> None:
        scope, coders = self.session.scope, self._coder_ids()
        keys = COUNT_KEYS + (("by_coder",) if coders is not None else ())
        self.counts_reader.request(lambda reader: {
            row["id"]: {k: row[k] for k in keys}
            for row in counted_table(reader, scope, coders)})

    # -- counts per coder --------------------------------------------------------------
    @property
    def counts_by_coder(self) -> bool:
        return self._by_coder

    def coder_columns(self) -> list[str]:
        """Ids of the coders with a count column (by name)."""
        return [c.id for c in self._coders]

    def set_counts_by_coder(self, on: bool) -> None:
        """Add (or remove) one count column per coder at work."""
        if on == self._by_coder:
            return
        self.beginResetModel()
        self._by_coder = on
        self._coders = self._working_coders()
        self._counts = {}
        self._load()
        self.endResetModel()

    def _coder_ids(self) -> list[str] | None:
        return [c.id for c in self._coders] if self._by_coder else None

    def _working_coders(self) -> list[Coder]:
        if not self._by_coder:
            return []
        project = self.session.project
        return sorted(coders_at_work(project, self.session.scope),
                      key=lambda c: (c.name.casefold(), c.id))

    def _counts_arrived(self, counts: dict[str, dict[str, int]]) -> None:
        self._counts = counts
        self._large = sum(c["codings"] for c in counts.values()) > SMALL_PROJECT_CODINGS
        for node in self._nodes.values():
            node.info.update(counts.get(node.code_id, {}))
            node.info.pop("counting", None)
        self._changed(self._roots, QModelIndex())

    def _build(self) -> tuple[list[_Node], dict[int, _Node]]:
        self._code_keys = keys_by_code(self.session)
        table = self._table()
        nodes = {row["id"]: _Node(self._key(row["id"]), row["id"], row) for row in table}
        roots: list[_Node] = []
        for row in table:
            node = nodes[row["id"]]
            parent = nodes.get(row["parent_id"]) if row["parent_id"] else None
            siblings = parent.children if parent else roots
            node.parent, node.row = parent, len(siblings)
            siblings.append(node)
        return roots, {n.key: n for n in nodes.values()}

    def _load(self) -> None:
        self._roots, self._nodes = self._build()

    @staticmethod
    def _shape(roots: list[_Node]) -> list[tuple[str, tuple]]:
        return [(n.code_id, tuple(CodebookModel._shape(n.children))) for n in roots]

    def refresh(self) -> None:
        """Re-read the codebook; in place when only texts or counts changed."""
        coders = self._working_coders()
        if coders != self._coders:  # a coder started, was renamed or became hidden
            self.beginResetModel()
            self._coders = coders
            self._counts = {}
            self._load()
            self.endResetModel()
            return
        roots, nodes = self._build()
        if self._shape(roots) != self._shape(self._roots):
            self.beginResetModel()
            self._roots, self._nodes = roots, nodes
            self.endResetModel()
            return
        for key, node in nodes.items():
            self._nodes[key].info = node.info
        self._changed(self._roots, QModelIndex())

    def _changed(self, siblings: list[_Node], parent: QModelIndex) -> None:
        if not siblings:
            return
        self.dataChanged.emit(self.index(0, 0, parent),
                              self.index(len(siblings) - 1, self.columnCount() - 1, parent))
        for node in siblings:
            self._changed(node.children, self.index(node.row, 0, parent))

    def _keys_changed(self) -> None:
        """Another coder: their keys 1–9 on the swatches."""
        self._code_keys = keys_by_code(self.session)
        self._changed(self._roots, QModelIndex())

    def _on_scope_changed(self) -> None:
        self._counts = {}  # counted through the old scope: "…" until the new ones arrive
        self.refresh()

    def _on_project_did_change(self, changes: Changes, initiator: object) -> None:
        if changes.codes or changes.project or changes.coders or (changes.codings
                                                                  and not self._large):
            self.refresh()
        elif changes.codings:
            self._counts_later.start()

    # -- look-ups for views ------------------------------------------------------------
    def code_id(self, index: QModelIndex) -> str | None:
        node = self._node(index)
        return node.code_id if node else None

    def code_info(self, code_id: str) -> dict[str, Any] | None:
        node = self._nodes.get(self._keys.get(code_id, 0))
        return node.info if node else None

    def index_of(self, code_id: str, column: int = 0) -> QModelIndex:
        node = self._nodes.get(self._keys.get(code_id, 0))
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node.key)

    def code_ids(self) -> list[str]:
        """Every code in the tree, depth first in display order."""
        out: list[str] = []

        def walk(nodes: list[_Node]) -> None:
            for n in nodes:
                out.append(n.code_id)
                walk(n.children)

        walk(self._roots)
        return out

    def _node(self, index: QModelIndex) -> _Node | None:
        if not index.isValid():
            return None
        return self._nodes.get(index.internalId())

    def _children(self, index: QModelIndex) -> list[_Node]:
        if not index.isValid():
            return self._roots
        node = self._node(index)
        return node.children if node and index.column() == 0 else []

    # -- QAbstractItemModel ------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        siblings = self._children(parent)
        if not (0 <= row < len(siblings) and 0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row].key)

    def parent(self, index: QModelIndex | None = None) -> Any:  # type: ignore[override]
        if index is None:  # QObject.parent()
            return QObject.parent(self)
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent.key)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return len(self._children(parent))

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return len(COLUMNS) + len(self._coders)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:
        return bool(self._children(parent))

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        coder = self._coders[section - len(COLUMNS)] if section >= len(COLUMNS) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return coder.initials if coder else COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if coder is None:
                return ("Distinct respondents coded with the code, by everyone whose codings "
                        "you can see" if section == RESPONDENTS else None)
            return f"Respondents {coder.name} coded with the code"
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index)
        if node is None:
            return None
        info, column = node.info, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return info["name"]
            if column > RESPONDENTS:
                return _coder_count(info, self._coders[column - len(COLUMNS)].id,
                                    bool(node.children))
            if info.get("counting"):
                return "…"
            if node.children:  # own count, then with sub-codes: "0 (38)"
                return f"{info['respondents']} ({info['respondents_with_children']})"
            return str(info["respondents"])
        key = self._code_keys.get(node.code_id)
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            return swatch(info["color"], key.key) if key else QColor(info["color"])
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(info, bool(node.children), self._coders) + "<br>" + key_tooltip(key)
        if role == KEY_ROLE:
            return key.key if key else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= RESPONDENTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CODE_ID_ROLE:
            return node.code_id
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)

    # -- drag and drop -----------------------------------------------------------------
    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        ids = list(dict.fromkeys(i for i in (self.code_id(x) for x in indexes) if i))
        data = QMimeData()
        data.setData(MIME_TYPE, "\n".join(ids).encode("utf-8"))
        return data

    def _drop_target(self, data: QMimeData, parent: QModelIndex) -> tuple[list[str], str | None,
                                                                           bool]:
        """(dragged ids, new parent id, allowed)."""
        if data is None or not data.hasFormat(MIME_TYPE):
            return [], None, False
        raw = bytes(data.data(MIME_TYPE).data()).decode("utf-8")
        ids = [i for i in raw.split("\n") if i and i in self._keys and self.code_info(i)]
        target = self.code_id(parent) if parent.isValid() else None
        if not ids:
            return [], target, False
        above: set[str] = set()
        node = self._node(parent)
        while node is not None:  # the target and everything it sits in
            above.add(node.code_id)
            node = node.parent
        if above & set(ids):
            return ids, target, False  # a code cannot go inside itself
        if all(self.code_info(cid)["parent_id"] == target for cid in ids):
            return ids, target, False  # already there
        return ids, target, True

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: QModelIndex) -> bool:
        return self._drop_target(data, parent)[2]

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        ids, target, allowed = self._drop_target(data, parent)
        if not allowed:
            return False
        result = self.session.run(self.error_parent, refine.move_codes, ids, target,
                                  initiator=self)
        return result is not None


def _coder_count(info: dict[str, Any], coder_id: str, has_children: bool) -> str:
    """A coder's cell: their respondents ("3", a parent "0 (3)"), "hidden" or "…"."""
    by_coder = info.get("by_coder")
    if by_coder is None or coder_id not in by_coder:
        return "…"
    found = by_coder[coder_id]
    if found is None:
        return HIDDEN
    respondents, _codings, with_children = found
    return f"{respondents} ({with_children})" if has_children else str(respondents)


def _tooltip(info: dict[str, Any], has_children: bool, coders: Sequence[Coder] = ()) -> str:
    lines = [f"<b>{escape(info['name'], quote=False)}</b>"]
    if info.get("definition"):
        lines.append(escape(info["definition"], quote=False))
    for label, key in (("Include", "inclusion"), ("Exclude", "exclusion"),
                       ("Example", "example")):
        if info.get(key):
            lines.append(f"<i>{label}:</i> {escape(info[key], quote=False)}")
    if info.get("counting"):
        lines.append("Counting…")
        return "<br>".join(lines)
    counts = f"{info['respondents']} respondents, {info['codings']} codings"
    if has_children:
        counts += f"; {info['respondents_with_children']} respondents with sub-codes"
    lines.append(counts)
    for coder in coders:
        found = (info.get("by_coder") or {}).get(coder.id, ())
        name = escape(coder.name, quote=False)
        if found is None:
            lines.append(f"{name}: hidden during the blind round")
        elif found:
            respondents, codings, with_children = found
            more = f"; {with_children} with sub-codes" if has_children else ""
            lines.append(f"{name}: {respondents} respondents, {codings} codings{more}")
    return "<br>".join(lines)


"""Handing work out and bringing it back: coder packages and work files.

1. The lead makes a **coder package** for one coder: a copy of the project (responses,
   codebook, rounds) in which, for every open blind round the coder takes part in, the
   other coders' codings of the round's responses are not merely hidden but absent —
   deleted with their memos and audit entries, and the file rewritten (VACUUM) so no
   trace is left in free pages. The package remembers its coder, its rounds and the
   codebook it started from.
2. The coder codes in the package on their laptop, offline, and exports **my work**: a
   small work file (:mod:`post_coder.team.workfile`) with their codings, removals,
   memos and codebook proposals, tied to the project's id.
3. The lead merges it (:mod:`post_coder.team.merge`).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from post_coder.errors import (ConflictError, InputError, NotFoundError, PostCoderError,
                               ProjectFileError)
from post_coder.ids import CoderId, new_id
from post_coder.project import EXTENSION as PROJECT_EXTENSION
from post_coder.project import Project, plain_error, replace_file
from post_coder.store import codes as codes_store
from post_coder.store import coders as coders_store
from post_coder.store import team as store
from post_coder.store import meta
from post_coder.store import rounds as rounds_store
from post_coder.store import db as store_db
from post_coder.store import done as done_store
from post_coder.store.db import now, remove_with_sidecars
from post_coder.team.workfile import (EXTENSION, PACKAGE_KEY, PLAIN_COPY, code_fields,
                                        code_record, encode_codings, encode_done,
                                        write_work_file)

__all__ = ["PackageInfo", "PackageSummary", "WorkSummary", "codings_by_others",
           "export_package", "export_work", "package_info"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class PackageInfo:
    """What a coder package knows about itself (``None`` for the lead's project)."""

    id: str
    coder_id: str
    coder_name: str
    round_ids: tuple[str, ...]
    made_at: str
    made_by: str | None
    made_from: str
    #: code id → the code's fields when the package was made (the merge base)
    codebook: dict[str, dict[str, Any]]

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "codebook"}


@dataclass(frozen=True)
class PackageSummary:
    path: Path
    coder: str
    rounds: tuple[str, ...]
    codings: int
    #: other coders' codings left out because of blind rounds
    withheld: int

    def as_dict(self) -> dict:
        return {**asdict(self), "path": str(self.path)}


@dataclass(frozen=True)
class WorkSummary:
    path: Path
    coder: str
    codings: int
    removals: int
    memos: int
    codes: int
    #: (coder name, live codings) made in this package since it was made by other coders
    #: (work recorded under another name): a work file holds only the package coder's
    left_out: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict:
        return {**asdict(self), "path": str(self.path),
                "left_out": [{"coder": n, "codings": k} for n, k in self.left_out]}

    def left_out_text(self) -> str | None:
        """What went wrong and what to do, when codings made here are not in the file."""
        if not self.left_out:
            return None
        count = sum(k for _, k in self.left_out)
        names = " and ".join(f"“{n}”" for n, _ in self.left_out)
        return (f"{count} coding{'s' if count != 1 else ''} made in this package since it "
                f"was made {'are' if count != 1 else 'is'} recorded under {names}, not under "
                f"{self.coder}, whose package this is, so {'they are' if count != 1 else 'it is'}"
                " not in the work file. To bring them to the lead, send the whole package "
                "file instead: the lead merges it with Team ▸ Merge Another Project File… "
                f"(post-coder merge), and the codings arrive under {names}. From now on, code "
                f"as {self.coder} (the app offers it when the package opens).")


def package_info(project: Project) -> PackageInfo | None:
    d = store.package_record(project.db)
    if d is None:
        return None
    return PackageInfo(d["id"], d["coder_id"], d["coder_name"], tuple(d["round_ids"]),
                       d["made_at"], d.get("made_by"), d.get("made_from", ""), d["codebook"])


def codings_by_others(project: Project) -> list[tuple[str, str, int]]:
    """In a coder package: (coder id, name, live codings) made here since the package was
    made by coders other than its own — work a work file would leave out (typically done
    under another name, such as "Maya C." on Maya Chen's package). Empty elsewhere."""
    info = package_info(project)
    if info is None:
        return []
    return store.live_codings_by_others_since(project.db, info.coder_id, info.made_at)


def _target(path: str | Path, extension: str, project: Project, overwrite: bool) -> Path:
    path = Path(path)
    if not path.name.endswith(extension):
        path = path.with_name(path.name + extension)
    if not path.parent.is_dir():
        raise InputError(f"the folder {path.parent} does not exist", file=path)
    if path.resolve() == project.path.resolve():
        raise InputError("choose another file name: this is the open project", file=path)
    if path.exists() and not overwrite:
        raise InputError("a file with this name already exists; choose another name",
                         file=path)
    return path


def export_package(project: Project, coder_id: CoderId, target: str | Path, *,
                   round_id: str | None = None, overwrite: bool = False) -> PackageSummary:
    """Write a coder package for ``coder_id`` to ``target`` (``*.postcoder``).

    ``round_id`` names the round it is for (default: every open round the coder takes part
    in). Blind rounds are always honoured. The open project is not changed. An existing
    file is replaced only with ``overwrite``.
    """
    db = project.db
    coder = coders_store.get(db, coder_id)
    if coder is None:
        raise NotFoundError("that coder does not exist")
    if package_info(project) is not None:
        raise ConflictError("this file is itself a coder package; make packages from the "
                            "lead's project")
    if round_id is not None:
        r = rounds_store.get(db, round_id)
        if r is None:
            raise NotFoundError("that round does not exist")
        if r.status != "open":
            raise ConflictError(f'the round "{r.name}" is closed')
        if coder.id not in rounds_store.coder_ids(db, r.id):
            raise ConflictError(f'{coder.name} does not take part in the round "{r.name}"')
        round_ids = [r.id]
    else:
        round_ids = [r.id for r in rounds_store.list_(db) if r.status == "open"
                     and coder.id in rounds_store.coder_ids(db, r.id)]
    target = _target(target, PROJECT_EXTENSION, project, overwrite)
    project.verify()  # never hand out a copy of a damaged file
    tmp = target.with_name(target.name + ".partial")
    try:
        store_db.backup_to(project.db, tmp)
        package = Project.open(tmp)
        try:
            withheld, kept = _make_package(package, project, coder, round_ids)
            store.vacuum(package.db)
        finally:
            package.close()
        replace_file(tmp, target)
    except OSError as exc:
        raise ProjectFileError(f"the package cannot be written ({exc.strerror})",
                               file=target) from exc
    except PostCoderError as exc:
        if exc.file == tmp.name:  # name the package, not its scratch file
            exc.file = target.name
        raise
    except Exception as exc:  # a full disk, say, while writing the package
        plain = plain_error(exc, target)
        if plain is None:
            raise
        raise plain from exc
    finally:
        remove_with_sidecars(tmp)
    names = tuple(rounds_store.get(db, i).name for i in round_ids)  # type: ignore[union-attr]
    return PackageSummary(target, coder.name, names, kept, withheld)


def _make_package(package: Project, lead: Project, coder: coders_store.Coder,
                  round_ids: list[str]) -> tuple[int, int]:
    db = package.db
    package.actor = lead.actor
    with package.transact("Make coder package", undoable=False) as step:
        hidden = rounds_store.blind_response_ids(db, coder.id)
        codings = set(store.withhold_codings(db, coder.id, hidden))
        memos = set(store.withhold_memos(db, coder.id))
        gone = codings | memos | set(store.withhold_decisions(db))
        purge = []
        for seq, entity, entity_id, before, after in store.audit_entries_for_scan(db):
            if entity_id in gone or (gone and set(_UUID.findall(f"{before} {after}")) & gone):
                purge.append(seq)
        store.purge_audit(db, purge)
        info = {"id": new_id(), "coder_id": coder.id, "coder_name": coder.name,
                "round_ids": round_ids, "made_at": now(), "made_by": lead.actor,
                "made_from": lead.path.name,
                "codebook": {c.id: code_fields(c)
                             for c in codes_store.list_(db, include_inactive=True)}}
        meta.set_(db, PACKAGE_KEY, json.dumps(info, ensure_ascii=False, sort_keys=True))
        step.audit("package", "project", None,
                   after={"package": info["id"], "coder": coder.id, "rounds": round_ids,
                          "withheld_codings": len(codings)})
        kept = len(store.true_codings(db))
    return len(codings), kept


def export_work(project: Project, target: str | Path, *, coder_id: CoderId | None = None,
                overwrite: bool = False) -> WorkSummary:
    """Write one coder's work to ``target`` (``*.postcoder-work``) for the lead to merge.

    In a coder package the coder is the package's; elsewhere give ``coder_id``. The file
    holds only that coder's codings (removals as tombstones), done marks (un-markings as
    tombstones) and memos, their coder record, and the codes added or changed since the
    package was made (every code, outside a package).
    """
    db = project.db
    info = package_info(project)
    if coder_id is None:
        if info is None:
            raise InputError("say whose work to export: this is not a coder package")
        coder_id = CoderId(info.coder_id)
    coder = coders_store.get(db, coder_id)
    if coder is None:
        raise NotFoundError("that coder does not exist")
    if info is not None and info.coder_id != coder.id:
        raise ConflictError(f"this package was made for {info.coder_name}; only their work "
                            "can be exported from it")
    target = _target(target, EXTENSION, project, overwrite)
    codings = store.true_codings(db, coder.id)
    memos = store.memos_by(db, coder.id)
    done = done_store.all_rows(db, coder.id)
    codes = []
    for code in codes_store.list_(db, include_inactive=True):
        if info is None:
            codes.append(code_record(code, None))
        elif code.id not in info.codebook:
            codes.append(code_record(code, None))
        elif code_fields(code) != info.codebook[code.id]:
            codes.append(code_record(code, info.codebook[code.id]))
    header = {"project_id": project.id, "project_name": project.name,
              "source": info.id if info else PLAIN_COPY, "coder": coder.as_dict(),
              "made_at": now(),
              "counts": {"codings": len(codings), "memos": len(memos), "codes": len(codes),
                         "done": len(done)}}
    payload = {"coders": [coder.as_dict()], "codes": codes,
               "codings": encode_codings(codings), "memos": [list(m) for m in memos],
               "done": encode_done(done)}
    write_work_file(target, header, payload)
    removals = sum(1 for r in codings if r.deleted_at is not None)
    left_out = tuple((name, n) for _, name, n in codings_by_others(project))
    return WorkSummary(target, coder.name, len(codings) - removals, removals, len(memos),
                       len(codes), left_out)

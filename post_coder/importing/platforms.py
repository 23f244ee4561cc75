"""Recognise the platform that exported a survey and read its header rows.

Each detector looks at the first rows of a :class:`Grid` and, when it recognises its
platform, returns a :class:`Layout`: how many header rows there are, the column names and
question wording they give, the respondent-id column, multi-select groups and hints for
system columns (skip: personal data such as e-mail or IP address; attribute: start date…).
:func:`to_frame` then cuts the data rows into columns and checks them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from post_coder.importing.frame import Group, Hint

PLATFORMS = ("qualtrics", "qualtrics-legacy", "surveymonkey", "microsoft-forms", "google-forms",
             "redcap", "limesurvey", "generic")

PRIVATE = "personal data"
SYSTEM = "survey system column"


@dataclass
class Layout:
    platform: str
    header_rows: int
    names: list[str]
    wording: dict[int, str] = field(default_factory=dict)
    hints: dict[str, Hint] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    id_column: str | None = None


def norm(name: str) -> str:
    """``"Response ID"`` → ``"responseid"``: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", name.casefold())


# -- system and personal columns ---------------------------------------------------------------

_PRIVATE = re.compile(
    r"(e?mail|.*email|emailaddress.*|ip|ipaddr|.*ipaddress|(recipient)?(first|last|full|sur)?name"
    r"|name(first|last)|(tele)?phone\d*|phonenumber|mobile|cellphone|(street|home|postal)?address"
    r"|address\d*|location(latitude|longitude|accuracy)|latitude|longitude|dob|dateofbirth"
    r"|birthdate|zip|zipcode|postcode|postalcode|token|recipient.*)")

#: per platform: normalised column name → suggested role
_SYSTEM: dict[str, dict[str, str]] = {
    "qualtrics": {
        "startdate": "attribute", "enddate": "attribute", "recordeddate": "attribute",
        "progress": "attribute", "durationinseconds": "attribute", "finished": "attribute",
        "userlanguage": "attribute", "status": "skip", "externalreference": "skip",
        "externaldatareference": "skip", "distributionchannel": "skip", "responseset": "skip",
        "qrecaptchascore": "skip", "qrelevantidduplicate": "skip",
        "qrelevantidduplicatescore": "skip", "qrelevantidfraudscore": "skip",
    },
    "surveymonkey": {"collectorid": "skip", "startdate": "attribute", "enddate": "attribute",
                     "customdata1": "attribute"},
    "microsoft-forms": {"starttime": "attribute", "completiontime": "attribute",
                        "lastmodifiedtime": "skip", "totalpoints": "attribute",
                        "quizfeedback": "skip"},
    "google-forms": {"timestamp": "attribute", "score": "attribute"},
    "redcap": {"redcapsurveyidentifier": "skip", "redcapeventname": "attribute",
               "redcaprepeatinstrument": "attribute", "redcaprepeatinstance": "attribute",
               "redcapdataaccessgroup": "attribute", "surveyidentifier": "skip",
               "eventname": "attribute", "repeatinstrument": "attribute",
               "repeatinstance": "attribute", "dataaccessgroup": "attribute",
               "surveytimestamp": "attribute", "complete": "skip"},
    "limesurvey": {"submitdate": "attribute", "datesubmitted": "attribute", "lastpage": "skip",
                   "startlanguage": "attribute", "seed": "skip", "startdate": "attribute",
                   "datestarted": "attribute", "datestamp": "attribute",
                   "datelastaction": "attribute", "refurl": "skip", "referrerurl": "skip"},
}
_SYSTEM["qualtrics-legacy"] = _SYSTEM["qualtrics"]

_ID_NAMES = ("responseid", "respondentid", "recordid", "id", "participantid", "caseid",
             "respid", "respondent", "subjectid", "studyid", "personid", "submissionid",
             "responsenumber", "respondentnumber", "uuid", "pid", "serial")


def system_hints(platform: str, names: list[str], hints: dict[str, Hint]) -> None:
    """Add skip/attribute hints for personal-data and platform system columns."""
    table = _SYSTEM.get(platform, {})
    for name in names:
        key = norm(name)
        hint = hints.setdefault(name, Hint())
        if hint.role is not None:
            continue
        if _PRIVATE.fullmatch(key):
            hint.role, hint.note = "skip", PRIVATE
        elif key in table:
            hint.role, hint.note = table[key], SYSTEM
        elif platform == "redcap" and (key.endswith("complete") or name.endswith("_timestamp")):
            hint.role, hint.note = ("skip" if key.endswith("complete") else "attribute"), SYSTEM


def guess_id(names: list[str]) -> str | None:
    keys = {norm(n): n for n in reversed(names)}
    for candidate in _ID_NAMES:
        if candidate in keys:
            return keys[candidate]
    return None


# -- detectors ---------------------------------------------------------------------------------

def _cells(row: list[str]) -> list[str]:
    return [c.strip() for c in row]


def _qualtrics(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    keys = {norm(c) for c in head}
    import_row = _cells(top[2]) if len(top) > 2 else []
    imports = [_import_id(c) for c in import_row]
    has_import = sum(i is not None for i in imports) >= max(1, len([c for c in head if c]) // 2)
    meta = len(keys & {"startdate", "enddate", "status", "ipaddress", "progress", "finished",
                       "recordeddate", "durationinseconds", "distributionchannel"})
    if not has_import and not ("responseid" in keys and meta >= 2):
        return None
    rid = next((i for i, c in enumerate(head) if norm(c) == "responseid"), None)
    labels = len(top) > 1 and (has_import or rid is None or rid >= len(top[1])
                               or not re.fullmatch(r"R_\w+", top[1][rid].strip()))
    layout = Layout("qualtrics", 3 if has_import else (2 if labels else 1), head)
    if labels:
        layout.wording = {i: c for i, c in enumerate(_cells(top[1])) if c}
    for name, import_id in zip(head, imports):
        if import_id and re.fullmatch(r"QID\d+(_\d+)*_TEXT", import_id):
            layout.hints[name] = Hint(role="open_ended", note="Qualtrics text entry")
    layout.id_column = head[rid] if rid is not None else None
    return layout


def _import_id(cell: str) -> str | None:
    if not cell.startswith("{") or "ImportId" not in cell:
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        return None
    return str(value.get("ImportId")) if isinstance(value, dict) else None


def _qualtrics_legacy(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    if len(top) < 2 or not head or head[0] != "V1":
        return None
    labels = _cells(top[1])
    if "ResponseID" not in labels:
        return None
    names = [labels[i] if re.fullmatch(r"V\d+", c) and i < len(labels) and labels[i] else c
             for i, c in enumerate(head)]
    layout = Layout("qualtrics-legacy", 2, names, wording=dict(enumerate(labels)))
    layout.id_column = "ResponseID"
    return layout


def _surveymonkey(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    if "Respondent ID" not in head or len(top) < 2:
        return None
    subs = _cells(top[1])
    rid = head.index("Respondent ID")
    if rid < len(subs) and subs[rid]:
        return None
    width = max(len(head), len(subs))
    head += [""] * (width - len(head))
    subs += [""] * (width - len(subs))
    questions, current = [], ""
    for cell in head:
        current = cell or current
        questions.append(current)
    counts: dict[str, int] = {}
    for q in questions:
        counts[q] = counts.get(q, 0) + 1
    names, wording = [], {}
    for i, (q, sub) in enumerate(zip(questions, subs)):
        plain = counts[q] == 1 or sub in ("", "Response")
        names.append(q if plain else f"{q} - {sub}")
        wording[i] = q if plain else f"{q} — {sub}"
    layout = Layout("surveymonkey", 2, names, wording=wording, id_column="Respondent ID")
    layout.groups = _surveymonkey_groups(questions, subs, names)
    return layout


def _surveymonkey_groups(questions: list[str], subs: list[str], names: list[str]) -> list[Group]:
    """Columns of one question whose cells hold their own option text: a multi-select."""
    groups: list[Group] = []
    i = 0
    while i < len(questions):
        j = i
        while j < len(questions) and questions[j] == questions[i]:
            j += 1
        idx = [k for k in range(i, j)
               if subs[k] not in ("", "Response", "Open-Ended Response")
               and not subs[k].lower().startswith("other")]
        if len(idx) >= 2:
            groups.append(Group(questions[i], [names[k] for k in idx], [subs[k] for k in idx],
                                wording=questions[i]))
        i = j
    return groups


def _microsoft_forms(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    keys = {norm(c) for c in head}
    if not {"id", "starttime", "completiontime"} <= keys:
        return None
    return Layout("microsoft-forms", 1, head, id_column=guess_id(head))


_TIMESTAMP = {"timestamp", "marcatemporal", "horodateur", "zeitstempel", "carimbodedatahora",
              "informazionicronologiche", "tijdstempel"}


def _google_forms(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    if not head or norm(head[0]) not in _TIMESTAMP:
        return None
    return Layout("google-forms", 1, head, id_column=None)


_REDCAP_NAME = re.compile(r"[a-z][a-z0-9_]*")
_CHECKBOX = re.compile(r"(.+?)___(.+)")
_CHOICE = re.compile(r"(.+?) \(choice=(.+)\)")


def _redcap(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    filled = [c for c in head if c]
    if not filled:
        return None
    raw = all(_REDCAP_NAME.fullmatch(c) for c in filled) and (
        "record_id" in filled or any(c.startswith("redcap_") for c in filled)
        or any(c.endswith("_complete") for c in filled))
    labels = "Complete?" in filled or any(_CHOICE.fullmatch(c) for c in filled)
    if not (raw or labels):
        return None
    pattern, checked, unchecked = ((_CHECKBOX, {"1"}, {"0"}) if raw
                                   else (_CHOICE, {"checked"}, {"unchecked"}))
    layout = Layout("redcap", 1, head, id_column=head[0])
    layout.groups = _suffix_groups(head, pattern, frozenset(checked), frozenset(unchecked),
                                   minimum=1 if raw else 2)
    return layout


def _suffix_groups(head: list[str], pattern: re.Pattern[str], checked: frozenset[str],
                   unchecked: frozenset[str], *, skip_options: tuple[str, ...] = (),
                   minimum: int = 2) -> list[Group]:
    """Consecutive columns ``base<sep>option`` sharing a base → one multi-select group."""
    groups: list[Group] = []
    for i, name in enumerate(head):
        m = pattern.fullmatch(name)
        if not m or m.group(2).casefold() in skip_options:
            continue
        base, option = m.group(1), m.group(2)
        if groups and groups[-1].name == base and groups[-1].columns[-1] == head[i - 1]:
            groups[-1].columns.append(name)
            groups[-1].options.append(option)
        else:
            groups.append(Group(base, [name], [option], wording=base, checked=checked,
                                unchecked=unchecked))
    return [g for g in groups if len(g.columns) >= minimum]


_LIME_CODES = {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
               "token", "ipaddr", "refurl"}
_LIME_TEXT = {"responseid", "datesubmitted", "lastpage", "startlanguage", "seed", "datestarted",
              "datelastaction", "ipaddress", "referrerurl", "token"}
_LIME_SUB = re.compile(r"(.+?)\s?\[(.+)\]")


def _limesurvey(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    exact = set(head)
    keys = {norm(c) for c in head}
    if not ((len(exact & _LIME_CODES) >= 3 and "id" in exact) or
            (len(keys & _LIME_TEXT) >= 3 and "responseid" in keys)):
        return None
    layout = Layout("limesurvey", 1, head, id_column=guess_id(head))
    layout.groups = _suffix_groups(head, _LIME_SUB, frozenset({"y", "yes"}),
                                   frozenset({"n", "no"}), skip_options=("other", "comment"))
    return layout


DETECTORS: tuple[Callable[[list[list[str]]], Layout | None], ...] = (
    _qualtrics, _qualtrics_legacy, _surveymonkey, _microsoft_forms, _google_forms, _redcap,
    _limesurvey,
)


def detect(top: list[list[str]]) -> Layout:
    for detector in DETECTORS:
        layout = detector(top)
        if layout is not None:
            return layout
    head = _cells(top[0])
    return Layout("generic", 1, head, id_column=guess_id(head))

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
             "redcap", "limesurvey", "typeform", "alchemer", "kobotoolbox", "odk", "generic")
PLATFORM_NAMES = {
    "qualtrics": "Qualtrics", "qualtrics-legacy": "Qualtrics (legacy export)",
    "surveymonkey": "SurveyMonkey", "microsoft-forms": "Microsoft Forms",
    "google-forms": "Google Forms", "redcap": "REDCap", "limesurvey": "LimeSurvey",
    "typeform": "Typeform", "alchemer": "Alchemer (SurveyGizmo)", "kobotoolbox": "KoboToolbox",
    "odk": "ODK Central", "generic": "none recognised (plain table)",
}

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
    #: column index → other names for it (a code from another header row)
    aliases: dict[int, list[str]] = field(default_factory=dict)


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
                   "datelastaction": "attribute", "refurl": "skip", "referrerurl": "skip",
                   # German headings ("Antwort ID", "Datum Abgeschickt"…)
                   "datumabgeschickt": "attribute", "letzteseite": "skip",
                   "startsprache": "attribute", "zufallsstartwert": "skip",
                   "datumgestartet": "attribute", "datumletzteaktivität": "attribute",
                   "ipadresse": "skip", "verweisurl": "skip"},
    "typeform": {"startdateutc": "attribute", "submitdateutc": "attribute",
                 "networkid": "skip", "tags": "skip"},
    "alchemer": {"timestarted": "attribute", "datesubmitted": "attribute", "status": "attribute",
                 "contactid": "skip", "legacycomments": "skip",
                 "language": "attribute", "referer": "skip", "sessionid": "skip",
                 "useragent": "skip", "tags": "skip", "country": "attribute",
                 "city": "skip", "stateregion": "attribute", "postal": "skip",
                 "extendedreferer": "skip", "urlvariable": "skip"},
    "kobotoolbox": {"start": "attribute", "end": "attribute", "today": "attribute",
                    "deviceid": "skip", "simserial": "skip", "subscriberid": "skip",
                    "username": "skip", "audit": "skip", "audit_url": "skip",
                    "uuid": "skip", "submissiontime": "attribute", "validationstatus": "skip",
                    "notes": "skip", "status": "skip", "submittedby": "skip", "tags": "skip",
                    "index": "skip", "version": "skip", "attachments": "skip",
                    "geolocation": "skip", "parentindex": "skip", "parenttablename": "skip",
                    "metainstanceid": "skip", "metarootuuid": "skip",
                    "formhubuuid": "skip", "metadeprecatedid": "skip"},
    "odk": {"submissiondate": "attribute", "metainstanceid": "skip", "metainstancename": "skip",
            "submitterid": "skip", "submittername": "skip", "status": "skip",
            "reviewstate": "skip", "deviceid": "skip", "edits": "skip",
            "attachmentspresent": "skip", "attachmentsexpected": "skip",
            "formversion": "attribute", "start": "attribute", "end": "attribute",
            "today": "attribute", "parentkey": "skip"},
}
_SYSTEM["qualtrics-legacy"] = _SYSTEM["qualtrics"]
#: KoboToolbox writes its own columns with a leading underscore (``_uuid``, ``_index``…); these
#: keep it in the table, as ``_notes`` differs from a question called ``Notes``
_KOBO_UNDERSCORE = {"uuid", "submissiontime", "validationstatus", "notes", "status", "submittedby",
                    "tags", "index", "version", "attachments", "geolocation", "parentindex",
                    "parenttablename"}
#: parts of a GPS point written as several columns (``point-Latitude``, ``_gps_precision``…)
_GPS_PART = re.compile(r"(.*?)(latitude|longitude|altitude|accuracy|precision)")
GPS = "location (GPS)"

_ID_NAMES = ("responseid", "respondentid", "recordid", "id", "participantid", "caseid",
             "respid", "respondent", "subjectid", "studyid", "personid", "submissionid",
             "responsenumber", "respondentnumber", "uuid", "pid", "serial")


def system_hints(platform: str, names: list[str], hints: dict[str, Hint]) -> None:
    """Add skip/attribute hints for personal-data and platform system columns."""
    table = _SYSTEM.get(platform, {})
    gps = _gps_columns(names)
    for name in names:
        key = norm(name)
        hint = hints.setdefault(name, Hint())
        if hint.role is not None:
            continue
        if platform == "kobotoolbox" and key in _KOBO_UNDERSCORE and not name.startswith("_"):
            continue  # a question of the form, not Kobo's own column
        if _PRIVATE.fullmatch(key):
            hint.role, hint.note = "skip", PRIVATE
        elif name in gps:
            hint.role, hint.note = "skip", GPS
        elif key in table:
            hint.role, hint.note = table[key], SYSTEM
        elif platform == "redcap" and (key.endswith("complete") or name.endswith("_timestamp")):
            hint.role, hint.note = ("skip" if key.endswith("complete") else "attribute"), SYSTEM


def _gps_columns(names: list[str]) -> set[str]:
    """Columns holding one part of a GPS point: a latitude and a longitude share a prefix."""
    parts: dict[str, dict[str, str]] = {}
    for name in names:
        m = _GPS_PART.fullmatch(norm(name))
        if m:
            parts.setdefault(m.group(1), {})[m.group(2)] = name
    return {n for found in parts.values() if {"latitude", "longitude"} <= set(found)
            for n in found.values()}


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
    # a second header row holds labels; a respondent's row has an id there (R_…, or a number)
    labels = len(top) > 1 and (has_import or rid is None or rid >= len(top[1])
                               or not re.fullmatch(r"R_\w+|\d+", top[1][rid].strip()))
    layout = Layout("qualtrics", 3 if has_import else (2 if labels else 1), head)
    if labels:
        layout.wording = {i: c for i, c in enumerate(_cells(top[1])) if c}
    for name, import_id in zip(head, imports):
        if import_id and _TEXT_ENTRY.fullmatch(import_id):
            layout.hints[name] = Hint(role="open_ended", note="Qualtrics text entry")
    layout.id_column = head[rid] if rid is not None else None
    return layout


#: the ImportId of a text-entry cell: ``QID2_TEXT``, ``QID3_4_TEXT`` (2016-17: ``QID2-TEXT``,
#: ``QID45#1-5-TEXT``)
_TEXT_ENTRY = re.compile(r"QID\d+(#\d+)?([_-][\w-]+?)*[_-]TEXT")
#: the 2016-17 exporter writes the third header row in Python style: ``{'ImportId': 'QID1'}``
_QUOTED_IMPORT = re.compile(r"\{\s*'ImportId'\s*:\s*'([^']*)'")


def _import_id(cell: str) -> str | None:
    if not cell.startswith("{") or "ImportId" not in cell:
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        quoted = _QUOTED_IMPORT.match(cell)
        return quoted.group(1) if quoted else None
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
    layout.aliases = {i: [c] for i, c in enumerate(head) if c and c != names[i]}
    layout.id_column = "ResponseID"
    return layout


_SM_SUBS = {"Response", "Open-Ended Response"}


def _surveymonkey(top: list[list[str]]) -> Layout | None:
    """Two header rows: questions (blank over a question's further columns), then
    "Response" / "Open-Ended Response" / the option of each column; the id cell is blank."""
    head = _cells(top[0])
    rid = next((i for i, c in enumerate(head) if norm(c) == "respondentid"), None)
    if rid is None or len(top) < 2:
        return None
    subs = _cells(top[1])
    if rid < len(subs) and subs[rid]:
        return None
    if not _SM_SUBS & set(subs) and len(head) > 1 and any(head[1:]):
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
    layout = Layout("surveymonkey", 2, names, wording=wording, id_column=head[rid])
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


# -- checkbox groups on any platform -----------------------------------------------------------

#: cell values of a checkbox column that mean selected / not selected (besides blank and the
#: option's own text)
CHECKED = frozenset({"1", "yes", "y", "checked", "selected", "x", "true"})
UNCHECKED = frozenset({"0", "no", "n", "unchecked", "not selected", "false"})
#: headings of one option of a checkbox question: ``Q13_1`` (Qualtrics), ``q13___1``,
#: ``Q13 [Privacy concerns]`` (Google Forms, LimeSurvey), ``Q13 - Privacy concerns``
_STEMS = (re.compile(r"(.+?)___(.+)"), re.compile(r"(.+?)_(\d+)"),
          re.compile(r"(.+?)\s*\[([^\[\]]+)\]"), re.compile(r"(.+?) - (.+)"))
_LABEL_SEP = re.compile(r"\s+[-–—:]\s+|:\s+|\?\s+")


def stem_groups(names: list[str], wording: dict[str, str], taken: set[str]) -> list[Group]:
    """Runs of two or more adjacent columns named ``stem<sep>option`` with one stem (columns
    in ``taken`` aside): proposed checkbox groups; :func:`build.to_frame` keeps those whose
    cells are all selected/unselected marks or the option's own text. When the columns'
    question wording differs from their names (Qualtrics' second header row: ``Which
    barriers…? - Selected Choice - Privacy concerns``), the options are the wording's
    distinct tails."""
    groups: list[Group] = []
    for pattern in _STEMS:
        run: list[tuple[str, str, str]] = []  # (column, stem, option) of adjacent columns
        for name in [*names, ""]:
            m = pattern.fullmatch(name) if name and name not in taken else None
            if m and run and m.group(1) == run[-1][1]:
                run.append((name, m.group(1), m.group(2).strip()))
                continue
            if len(run) >= 2:
                groups.append(_stem_group(run, wording))
                taken.update(c for c, _, _ in run)
            run = [(name, m.group(1), m.group(2).strip())] if m else []
    return groups


def _stem_group(run: list[tuple[str, str, str]], wording: dict[str, str]) -> Group:
    columns = [c for c, _, _ in run]
    stem = run[0][1].strip()
    options = [o for _, _, o in run]
    labels = [" ".join(wording.get(c, c).split()) for c in columns]
    question = stem
    if all(label != c for label, c in zip(labels, columns)) and len(set(labels)) == len(labels):
        named = option_names(labels, options)
        if named is not options:
            common = _common_head(labels)
            options = named
            question = re.sub(r"\s*-\s*Selected Choice\s*$", "", common.strip(" -–—:")) or stem
    return Group(stem, columns, options, wording=question, checked=CHECKED, unchecked=UNCHECKED)


def option_names(labels: list[str], fallback: list[str]) -> list[str]:
    """The options of a checkbox group from its columns' labels: each label without the
    beginning they share (``Which barriers…? - Selected Choice - ``); ``fallback`` when
    that leaves an option empty or two the same."""
    labels = [" ".join(label.split()) for label in labels]
    common = _common_head(labels) if len(labels) > 1 else ""
    tails = [label[len(common):].strip(" -–—:") for label in labels]
    return tails if all(tails) and len(set(tails)) == len(tails) else fallback


def _common_head(labels: list[str]) -> str:
    """The longest common beginning of the labels that ends at a separator (`` - ``,
    ``: ``, ``? ``), so an option is never cut in the middle of a word."""
    head = labels[0]
    for label in labels[1:]:
        while not label.startswith(head):
            head = head[:-1]
    cuts = [m.end() for m in _LABEL_SEP.finditer(head)]
    # Qualtrics 2016-17 joins without spaces ("…eat?-Kale"): a hyphen no label continues
    # in lower case (not "Multi-site")
    cuts += [i + 1 for i, ch in enumerate(head) if ch == "-"
             and all(len(label) > i + 1 and not label[i + 1].islower() for label in labels)]
    return head[:max(cuts)] if cuts else ""


_LIME_CODES = {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
               "token", "ipaddr", "refurl"}
_LIME_TEXT = {"responseid", "datesubmitted", "lastpage", "startlanguage", "seed", "datestarted",
              "datelastaction", "ipaddress", "referrerurl", "token"}
#: "Response ID" in the languages LimeSurvey writes full-text headings in
_LIME_RESPONSE_ID = {"responseid", "antwortid", "iddelaréponse", "idderespuesta", "idrisposta",
                     "antwoordid", "iddaresposta", "idodpowiedzi"}
_LIME_SUB = re.compile(r"(.+?)\s?\[(.+)\]")
#: "code. question text" headings: ``id. Response ID``, ``B4[SQ002comment]. Who…``
_LIME_CODE_TEXT = re.compile(r"([A-Za-z][\w]*(?:\[[\w#]+\])?)\. (.+)", re.S)


def _limesurvey(top: list[list[str]]) -> Layout | None:
    head = _cells(top[0])
    exact = set(head)
    keys = {norm(c) for c in head}
    split = [_LIME_CODE_TEXT.fullmatch(c) for c in head]
    codes = [m.group(1) if m else "" for m in split]
    if len(set(codes) & _LIME_CODES) >= 3 and "id" in codes:
        return _limesurvey_code_text(head, codes, split)
    subs = sum(1 for c in head if _LIME_SUB.fullmatch(c))
    localised = bool(head) and norm(head[0]) in _LIME_RESPONSE_ID and subs >= 2
    if not ((len(exact & _LIME_CODES) >= 3 and "id" in exact) or
            (len(keys & _LIME_TEXT) >= 3 and "responseid" in keys) or localised):
        return None
    layout = Layout("limesurvey", 1, head, id_column=guess_id(head))
    if layout.id_column is None and localised:
        layout.id_column = head[0]
    layout.groups = _suffix_groups(head, _LIME_SUB, frozenset({"y", "yes", "ja", "oui", "sí"}),
                                   frozenset({"n", "no", "nein", "non"}),
                                   skip_options=("other", "comment", "sonstiges"))
    return layout


def _limesurvey_code_text(head: list[str], codes: list[str],
                          split: list[re.Match[str] | None]) -> Layout:
    """Headings ``code. text``: named as written; the code alone also names the column, and
    system columns are recognised by their code."""
    layout = Layout("limesurvey", 1, head)
    table = _SYSTEM["limesurvey"]
    for i, (name, code, m) in enumerate(zip(head, codes, split)):
        if not code:
            continue
        layout.aliases[i] = [code]
        layout.wording[i] = m.group(2).strip() if m else name
        if code == "id":
            layout.id_column = name
        elif code.casefold() in table:
            layout.hints[name] = Hint(role=table[code.casefold()], note=SYSTEM)
        elif code in ("token", "ipaddr", "refurl"):
            layout.hints[name] = Hint(role="skip", note=PRIVATE)
    return layout


# -- Typeform, Alchemer, KoboToolbox, ODK -------------------------------------------------------

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _typeform(top: list[list[str]]) -> Layout | None:
    """``#`` (the response token) first; ``Start Date (UTC)``, ``Submit Date (UTC)`` and
    ``Network ID`` last; headings may carry HTML (``<strong>``), which is taken off."""
    head = _cells(top[0])
    keys = {norm(c) for c in head}
    if not head or head[0] != "#" or not {"submitdateutc", "networkid"} & keys:
        return None
    names = [(" ".join(_TAG.sub("", c).split()) or c) if "<" in c else c for c in head]
    aliases = {i: [c] for i, (c, n) in enumerate(zip(head, names)) if c != n}
    return Layout("typeform", 1, names, id_column="#", aliases=aliases)


_ALCHEMER = {"timestarted", "contactid", "legacycomments", "sessionid", "useragent", "referer"}


def _alchemer(top: list[list[str]]) -> Layout | None:
    """Alchemer, formerly SurveyGizmo: ``Response ID``, ``Time Started``, ``Date Submitted``,
    ``Status``, ``Contact ID``, ``Legacy Comments``, ``SessionID``, ``User Agent``…"""
    head = _cells(top[0])
    keys = {norm(c) for c in head}
    if "responseid" not in keys or "datesubmitted" not in keys or len(keys & _ALCHEMER) < 2:
        return None
    return Layout("alchemer", 1, head, id_column=guess_id(head))


def _kobotoolbox(top: list[list[str]]) -> Layout | None:
    """KoboToolbox: its own columns start with an underscore (``_id``, ``_uuid``,
    ``_submission_time``, ``_index``…); ``start``/``end`` are the form's metadata."""
    head = _cells(top[0])
    if not {"_uuid", "_submission_time"} <= set(head):
        return None
    rid = "_id" if "_id" in head else "_uuid"
    return Layout("kobotoolbox", 1, head, id_column=rid)


def _odk(top: list[list[str]]) -> Layout | None:
    """ODK Central / Briefcase: ``SubmissionDate``, ``meta-instanceID``, group paths joined
    by ``-``, then ``KEY`` (the submission's id), ``SubmitterID``, ``SubmitterName``…"""
    head = _cells(top[0])
    exact = set(head)
    if "KEY" not in exact or not {"SubmissionDate", "meta-instanceID"} & exact:
        return None
    return Layout("odk", 1, head, id_column="KEY")


DETECTORS: tuple[Callable[[list[list[str]]], Layout | None], ...] = (
    _alchemer, _qualtrics, _qualtrics_legacy, _surveymonkey, _microsoft_forms, _google_forms, _redcap,
    _typeform, _kobotoolbox, _odk, _alchemer, _limesurvey,
)


def detect(top: list[list[str]]) -> Layout:
    for detector in DETECTORS:
        layout = detector(top)
        if layout is not None:
            return layout
    head = _cells(top[0])
    return Layout("generic", 1, head, id_column=guess_id(head))

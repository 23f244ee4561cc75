"""Read survey files: CSV/TSV text, workbooks (Excel ``.xlsx``/``.xls``, OpenDocument
``.ods``) and SPSS ``.sav``.

The format is decided by the file's first bytes (a ``.xlsx`` saved as ``.csv`` still reads),
with the extension only used to refuse a workbook or ``.sav`` whose content is something else.
Text files are decoded deterministically: a byte-order mark first (UTF-8, UTF-16 LE/BE),
then strict UTF-8, then UTF-8 with some lines in Windows-1252 (an Excel round trip; those
lines are named in a note), then Windows-1252. Positions are physical lines (a quoted cell
with line breaks spans several). The delimiter is sniffed among ``, ; TAB |``.
Every cell is read as text, exactly as written (no "NA" → missing conversion); SPSS
numbers are written out as text too, with their value labels applied.

Any failure of the underlying libraries becomes an :class:`InputError` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from post_coder.errors import InputError
from post_coder.importing.frame import Frame, Grid

_ZIP = b"PK\x03\x04"
_SAV = (b"$FL2", b"$FL3")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_SAV_SUFFIXES = {".sav", ".zsav"}
DELIMITERS = (",", "\t", ";", "|")
_UNSUPPORTED = "CSV, TSV, Excel .xlsx or .xls, OpenDocument .ods or SPSS .sav"
#: a byte that is not blank (searched for, so a large file is not copied to strip it)
_SOMETHING = re.compile(rb"[^ \t\r\n\x00]")
_SEP_LINE = re.compile(r"sep=([,;\t|])\r?\n")


def read(path: str | Path, *, sheet: str | None = None) -> Grid | Frame:
    """The file as a :class:`Grid` of text rows (CSV, TSV, XLSX, XLS, ODS) or a
    :class:`Frame` (SAV)."""
    path = Path(path)
    data = _read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    if not _SOMETHING.search(data) or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                                codecs.BOM_UTF16_BE):
        raise InputError("the file is empty", file=path)
    suffix = path.suffix.lower()
    if data.startswith(_ZIP):
        if suffix in _SAV_SUFFIXES:
            raise InputError("this is not an SPSS .sav file (it looks like a zip or Excel file)",
                             file=path)
        fmt = "ods" if data[30:38] == b"mimetype" and _ODS_MIME in data[38:120] else "xlsx"
        return _read_workbook(path, data, sha, sheet, fmt)
    if data.startswith(_SAV):
        from post_coder.importing.spss import read_sav

        return read_sav(path, sha)
    if data.startswith(_OLE):  # an Excel 97-2003 workbook (or a password-protected .xlsx)
        return _read_workbook(path, data, sha, sheet, "xls")
    if suffix in _EXCEL_SUFFIXES:
        kind = "an OpenDocument spreadsheet (.ods)" if suffix == ".ods" else \
            f"an Excel workbook ({suffix})"
        raise InputError(f"this is not {kind}: it may be damaged, truncated or another kind of "
                         "file renamed", file=path)
    if suffix in _SAV_SUFFIXES:
        raise InputError("this is not an SPSS .sav file: it may be damaged or another kind of "
                         "file renamed", file=path)
    grid = _read_utf8(path, data, sha, suffix)
    if grid is not None:
        return grid
    text, encoding, odd = decode_lines(path, data)
    del data  # a large file is not held twice (as bytes and as text) while it is parsed
    return _read_text(path, text, encoding, odd, sha, suffix)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (to check a file did not change since it
    was read, without holding it twice)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(f"the file cannot be read ({exc.strerror or exc})", file=path) from exc


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError("there is no such file", file=path)
    if path.is_dir():
        raise InputError("this is a folder, not a survey file", file=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"the file cannot be read ({exc.strerror or exc})", file=path) from exc


# -- text files --------------------------------------------------------------------------------

def _read_text(path: Path, text: str, encoding: str, odd: list[int], sha: str,
               suffix: str) -> Grid:
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError("the file contains a NUL byte, which a text survey export never has; "
                         "the file may be damaged", file=path, line=line_at(text, nul))
    hinted = _SEP_LINE.match(text)
    skipped = 0
    if hinted:  # "sep=;" first line, written for Excel: it names the delimiter
        delimiter, text, skipped = hinted.group(1), text[hinted.end():], 1
    else:
        delimiter = sniff_delimiter(text, prefer_tab=suffix in {".tsv", ".tab"})
    rows, lines = parse_csv(path, text, delimiter, first_line=1 + skipped)
    fmt = "tsv" if delimiter == "\t" else "csv"
    notes = [odd_lines_note(odd, encoding)] if odd else []
    return Grid(path=path, sha256=sha, format=fmt, rows=rows, encoding=encoding,
                delimiter=delimiter, lines=lines, notes=notes)


def _read_utf8(path: Path, data: bytes, sha: str, suffix: str) -> Grid | None:
    """The text file read straight from its bytes (:func:`plain_records_utf8`) when it is
    UTF-8, with or without a byte-order mark, and every cell is plain; the same
    :class:`Grid` :func:`_read_text` gives, without the whole file ever being one text.
    None for anything else (another encoding, a NUL byte, irregular quotes), which the
    long way then reads or explains."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if not start and (data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                      or _utf16_without_bom(data) or _looks_binary(data)):
        return None
    if data.find(b"\x00") >= 0:
        return None
    try:  # the start, for the "sep=" line and sniffing (which reads 65,536 characters)
        head = codecs.getincrementaldecoder("utf-8")().decode(data[start:start + 4 * 65_600])
    except UnicodeDecodeError:
        return None
    hinted = _SEP_LINE.match(head)
    skipped = 0
    if hinted:  # "sep=;" first line, written for Excel: it names the delimiter
        delimiter, skipped, start = hinted.group(1), 1, start + hinted.end()  # ASCII
    else:
        delimiter = sniff_delimiter(head, prefer_tab=suffix in {".tsv", ".tab"})
    del head
    parsed = plain_records_utf8(data, delimiter, 1 + skipped, start=start)
    if parsed is None:
        return None
    return Grid(path=path, sha256=sha, format="tsv" if delimiter == "\t" else "csv",
                rows=parsed[0],
                encoding="utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8",
                delimiter=delimiter, lines=parsed[1], notes=[])


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then strict UTF-8, then Windows-1252; raises on anything else."""
    text, encoding, _ = decode_lines(path, data)
    return text, encoding


def decode_lines(path: Path, data: bytes) -> tuple[str, str, list[int]]:
    """(text, encoding, odd lines): as :func:`decode`; a UTF-8 file with some lines in
    Windows-1252 (what an Excel round trip leaves) is read line by line, and the physical
    lines read as Windows-1252 are listed."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body = data[len(bom):]
            if encoding == "utf-8-sig":
                mixed = _mixed_utf8(body)
                if mixed is not None:
                    return mixed[0], encoding, mixed[1]
            return _decode_strict(path, body, encoding.replace("-sig", "")), encoding, []
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode_strict(path, data, utf16), utf16, []
    if _looks_binary(data):
        raise InputError(f"this is not a spreadsheet or text file that can be read ({_UNSUPPORTED})",
                         file=path)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    mixed = _mixed_utf8(data)
    if mixed is not None:
        return mixed[0], "utf-8", mixed[1]
    return _decode_strict(path, data, "cp1252"), "cp1252", []


def _mixed_utf8(data: bytes) -> tuple[str, list[int]] | None:
    """Text and odd line numbers when some lines are UTF-8 (with non-ASCII characters) and
    others are not valid UTF-8 but are Windows-1252; None for any other file."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8 = False
    odd: list[int] = []
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            out.append(line.decode("utf-8"))
            utf8 = True
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                return None
            odd.append(number)
    if not utf8 or not odd:
        return None
    return "\n".join(out), odd


def odd_lines_note(odd: list[int], encoding: str) -> str:
    shown = ", ".join(str(n) for n in odd[:10])
    more = f" and {len(odd) - 10} more" if len(odd) > 10 else ""
    which = f"line {shown}" if len(odd) == 1 else f"lines {shown}{more}"
    return (f"{which} of this {encoding.replace('-sig', '').upper()} file "
            f"{'is' if len(odd) == 1 else 'are'} not valid UTF-8 and "
            f"{'was' if len(odd) == 1 else 'were'} read as Windows-1252 (as Excel saves them); "
            "check the accented letters there")


def _decode_strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        prefix = data[:exc.start].decode(encoding, errors="replace")
        label = {"cp1252": "UTF-8 or Windows-1252"}.get(encoding, encoding.upper())
        raise InputError(f"the file has bytes that are not valid {label} text; save it again as "
                         "CSV UTF-8", file=path, line=line_at(prefix, len(prefix))) from exc


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte of the start is NUL (text with no BOM)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    """Many control bytes (or NULs) at the start: an image, a PDF, a zip… not text."""
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 11, 12, 13))
    return controls > max(8, 0.05 * len(sample)) or sample.count(0) > max(4, 0.01 * len(sample))


def line_at(text: str, index: int) -> int:
    """The physical line (1-based; CRLF, LF or CR ends a line) holding character ``index``."""
    prefix = text[:index]
    return prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1


def sniff_delimiter(text: str, *, prefer_tab: bool = False) -> str:
    """The delimiter among , TAB ; | that splits the first records into the steadiest columns."""
    sample = text[:65536]
    truncated = len(text) > len(sample)
    order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in order:
        rows = _sample_rows(sample, delimiter, truncated)
        if not rows:
            continue
        width = len(rows[0])
        body = rows[1:] or rows
        steady = sum(1 for r in body if len(r) == width) / len(body)
        score = (width > 1, round(steady, 2), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sample_rows(sample: str, delimiter: str, truncated: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        rows.extend(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error:
        pass
    if truncated and rows:
        rows.pop()  # probably cut in the middle
    return [r for r in rows if any(c.strip() for c in r)][:50]


def parse_csv(path: Path, text: str, delimiter: str, *,
              first_line: int = 1) -> tuple[list[list[str]], list[int] | None]:
    """All records as lists of cells, and the physical line where each starts (None when
    every record is one line); an unclosed quote is an error naming its line."""
    _raise_field_limit()
    plain = plain_records(text, delimiter, first_line)
    if plain is not None:
        return plain
    try:
        return _records(text, delimiter, first_line, strict=True)
    except _Broken as broken:
        if "unexpected end of data" in str(broken.error):
            raise InputError('a quoted cell is never closed (a " is missing), so the rest of '
                             "the file would be read as one cell", file=path,
                             line=broken.line) from broken.error
    # something Excel would read leniently (text after a closing quote): read it the same way
    try:
        return _records(text, delimiter, first_line, strict=False)
    except _Broken as broken:
        raise InputError(f"the file cannot be read as CSV ({broken.error})", file=path,
                         line=broken.line) from broken.error


#: a quoted cell: quotes inside it doubled; line breaks and delimiters kept
_QUOTED = re.compile(r'"([^"]*+(?:""[^"]*+)*+)"')
_QUOTED_BYTES = re.compile(rb'"([^"]*+(?:""[^"]*+)*+)"')
_UNQUOTED: dict[str | bytes, re.Pattern] = {}
#: bytes of a line without quotes above which its cells are decoded one by one
_LONG_LINE = 1 << 16


def plain_records(text: str, delimiter: str,
                  first_line: int = 1) -> tuple[list[list[str]], list[int] | None] | None:
    """What :func:`parse_csv` returns, read without the csv module, for a text whose every
    cell is unquoted (holding no quote) or quoted whole; None for anything else (a quote
    inside an unquoted cell, text after a closing quote, a quote never closed), which the
    csv module then reads with its own rules and messages.

    Lines without a quote are split at the delimiter; a quoted cell is cut out of the text
    as it is. The csv module would copy every cell through a buffer of four bytes per
    character: a 50 MB answer pasted into one cell took 200 MB there.
    """
    return _plain(text, delimiter, first_line, None)


def plain_records_utf8(data: bytes, delimiter: str, first_line: int = 1, *,
                       start: int = 0) -> tuple[list[list[str]], list[int] | None] | None:
    """:func:`plain_records` of ``data[start:]`` decoded as UTF-8, reading the bytes as they
    are: each line or quoted cell is decoded on its own, so the file is never one text.
    (Python stores a text at the width of its widest character: one Chinese character or
    emoji made a 54 MB file a 108 or 216 MB text.) None also when a line is not valid UTF-8."""
    try:
        return _plain(data, delimiter, first_line, memoryview(data), start)
    except UnicodeDecodeError:
        return None


def _plain(text, delimiter: str, first_line: int, view: memoryview | None, pos: int = 0):
    """The reader of :func:`plain_records` for a ``str``, or for ``bytes`` (with ``view``,
    a memoryview of them, to decode pieces from without copying them first) from ``pos``."""
    if view is None:
        quote, cr, lf, crlf, pattern, sep = '"', "\r", "\n", "\r\n", _QUOTED, delimiter
    else:
        quote, cr, lf, crlf, pattern = b'"', b"\r", b"\n", b"\r\n", _QUOTED_BYTES
        sep = delimiter.encode("ascii")
    unquoted = _UNQUOTED.get(sep)
    if unquoted is None:
        unquoted = _UNQUOTED[sep] = re.compile(
            f'[^"{re.escape(delimiter)}\r\n]*' if view is None else
            b'[^"' + re.escape(sep) + b'\r\n]*')

    def piece(start: int, end: int) -> str:
        return text[start:end] if view is None else str(view[start:end], "utf-8")

    rows: list[list[str]] = []
    starts: list[int] = []
    add_row, add_start = rows.append, starts.append
    find, size = text.find, len(text)
    line, spans = first_line, False
    while pos < size:
        newline = find(lf, pos)
        end = size if newline < 0 else newline
        body_end = end - 1 if end > pos and text[end - 1:end] == cr else end
        if find(quote, pos, end) < 0 and find(cr, pos, body_end) < 0:
            if view is not None and body_end - pos > _LONG_LINE:  # not decoded whole first
                cells, cut = [], pos - 1
                while cut < body_end:
                    after, cut = cut + 1, find(sep, cut + 1, body_end)
                    cut = body_end if cut < 0 else cut
                    cells.append(piece(after, cut))
                add_row(cells)
            else:
                add_row(piece(pos, body_end).split(delimiter) if body_end > pos else [])
            add_start(line)
            pos, line = end + 1, line + 1
            continue
        row: list[str] = []
        start_line, quoted = line, False
        while True:  # one record, cell by cell
            if text.startswith(quote, pos):
                found = pattern.match(text, pos)
                if found is None:
                    return None
                cell = piece(*found.span(1))
                if '"' in cell:
                    cell = cell.replace('""', '"')
                if "\n" in cell or "\r" in cell:
                    line += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
                    spans = True
                quoted = True
            else:
                found = unquoted.match(text, pos)
                cell = piece(*found.span())
            row.append(cell)
            pos = found.end()
            if pos >= size:
                break
            char = text[pos:pos + 1]
            if char == sep:
                pos, quoted = pos + 1, False
                continue
            if char == lf or char == cr:
                pos += 2 if text.startswith(crlf, pos) else 1
                line += 1
                break
            return None
        add_row([] if row == [""] and not quoted else row)
        add_start(start_line)
    if not spans and first_line == 1:
        return rows, None
    return rows, starts


class _Broken(Exception):
    def __init__(self, error: csv.Error, line: int) -> None:
        super().__init__(str(error))
        self.error, self.line = error, line


def _records(text: str, delimiter: str, first_line: int,
             *, strict: bool) -> tuple[list[list[str]], list[int] | None]:
    reader = csv.reader(physical_lines(text), delimiter=delimiter, strict=strict)
    rows: list[list[str]] = []
    starts: list[int] = []
    add_row, add_start = rows.append, starts.append
    done = 0  # physical lines read so far
    try:
        for row in reader:
            add_row(row)
            add_start(done + first_line)
            done = reader.line_num
    except csv.Error as exc:
        raise _Broken(exc, done + first_line) from exc
    if done == len(rows) and first_line == 1:
        return rows, None  # no line break inside a cell: record i is line i + 1
    return rows, starts


#: one physical line with its ending (CRLF, LF or CR, as ``newline=""`` splits them), or the
#: last line without one
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def physical_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` yields them, one at a time
    (a StringIO would copy the whole text into a buffer of its own first)."""
    if text.count("\r") != text.count("\r\n"):  # some line ends with a lone CR
        for found in _LINE.finditer(text):
            yield found.group()
        return
    start, find = 0, text.find
    while True:
        end = find("\n", start) + 1
        if not end:
            if start < len(text):
                yield text[start:]
            return
        yield text[start:end]
        start = end


def _raise_field_limit() -> None:
    if csv.field_size_limit() < 2**30:
        csv.field_size_limit(2**30)


# -- Excel ------------------------------------------------------------------------------------

_TEXT_ONLY = frozenset({str})


def _read_workbook(path: Path, data: bytes, sha: str, sheet: str | None, fmt: str) -> Grid:
    """An Excel (.xlsx, .xls) or OpenDocument (.ods) workbook's sheet, read with calamine."""
    import python_calamine as calamine

    what = "an OpenDocument spreadsheet" if fmt == "ods" else "an Excel workbook"
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = list(book.sheet_names)
        if not sheets:
            raise InputError("the workbook has no sheets", file=path)
        chosen = sheets[0] if sheet is None else sheet
        if chosen not in sheets:
            listed = ", ".join(f'"{s}"' for s in sheets)
            raise InputError(f'the workbook has no sheet "{sheet}"; its sheets are {listed}',
                             file=path)
        cells = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except calamine.PasswordError as exc:
        raise InputError("the workbook is password-protected (encrypted); save an unprotected "
                         "copy", file=path) from exc
    except (calamine.CalamineError, ValueError, OSError) as exc:
        other = " or another Office file (a Word document?)" if fmt == "xls" else ""
        raise InputError(f"this file cannot be read as {what}: it may be damaged, truncated, "
                         f"password-protected{other} or another kind of file renamed",
                         file=path) from exc
    # most cells are text already: a sheet (or else a row) of text alone is kept as calamine
    # made it (its cells' types looked at in C, up to the first that is not text); the
    # others' cells that are not text go through cell_text
    if _TEXT_ONLY.issuperset(map(type, chain.from_iterable(cells))):
        rows = cells
    else:
        rows = [row if _TEXT_ONLY.issuperset(map(type, row))
                else [c if c.__class__ is str else cell_text(c) for c in row] for row in cells]
    return Grid(path=path, sha256=sha, format=fmt, rows=rows, sheet=chosen, sheets=sheets)


def cell_text(value: object) -> str:
    """An Excel cell as the text a person sees (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of a workbook (.xlsx, .xls, .ods), in order (empty for CSV, TSV and SPSS)."""
    grid = read(path)
    return list(grid.sheets)

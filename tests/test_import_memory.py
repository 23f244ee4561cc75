"""A UTF-8 text file is read straight from its bytes (``readers.plain_records_utf8``), each
line or quoted cell decoded on its own: the same rows as decoding the whole file first, with
the file never held as one text (Python stores a text at the width of its widest character,
so one Chinese character doubled a large file). Small data here; the 54 MB case is in
benchmarks/bench_import.py."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

from post_coder.importing import build, readers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PIECES = ["a", "é", "很", "😀", ",", ";", "\t", '"', '""', "\n", "\r\n", "\r", " "]


@pytest.mark.parametrize("seed, longest, long_line", [(1, 12, 1 << 16), (2, 40, 3)])
def test_reading_the_bytes_gives_what_reading_the_text_gives(monkeypatch, seed, longest,
                                                             long_line):
    monkeypatch.setattr(readers, "_LONG_LINE", long_line)  # 3: lines cut cell by cell too
    rng = random.Random(seed)
    used = 0
    for _ in range(6000):
        delimiter = rng.choice([",", ";", "\t"])
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, longest)))
        first = rng.choice([1, 1, 2])
        want = readers.plain_records(text, delimiter, first)
        prefix = rng.choice(["", "sep=;\n", "\ufeff"])
        data = (prefix + text).encode("utf-8")
        got = readers.plain_records_utf8(data, delimiter, first, start=len(prefix.encode()))
        assert got == want, text
        used += want is not None
    assert used > 1000


def test_bytes_that_are_not_utf8_are_left_to_the_long_way():
    assert readers.plain_records_utf8("a,b\n1,é\n".encode("cp1252"), ",") is None
    assert readers.plain_records_utf8(b'a,b\n1,"\xff"\n', ",") is None
    assert readers.plain_records_utf8("a,b\n1,é\n".encode(), ",") == ([["a", "b"], ["1", "é"]],
                                                                      None)


def test_every_fixture_reads_as_the_long_way_reads_it(monkeypatch, tmp_path):
    files = sorted(FIXTURES.glob("*.csv"))
    sep_line = tmp_path / "excel_sep.csv"
    sep_line.write_bytes(b"sep=;\r\nid;answer\r\n1;\"caf\xc3\xa9\r\nau lait\"\r\n2;ok\r\n")
    files.append(sep_line)
    fast, taken = {}, []
    real = readers._read_utf8

    def spy(*args):
        grid = real(*args)
        taken.append(grid is not None)
        return grid

    monkeypatch.setattr(readers, "_read_utf8", spy)
    for f in files:
        fast[f.name] = readers.read(f)
    monkeypatch.setattr(readers, "_read_utf8", lambda *args: None)
    for f in files:
        assert readers.read(f) == fast[f.name], f.name
    assert fast["excel_sep.csv"].rows == [["id", "answer"], ["1", "café\r\nau lait"], ["2", "ok"]]
    assert fast["excel_sep.csv"].lines == [2, 3, 5]
    assert fast["excel_utf8_bom_crlf.csv"].encoding == "utf-8-sig"
    # most fixtures are plain UTF-8; the Windows-1252 ones go the long way
    assert sum(taken) >= len(files) - 4 and not all(taken)


def test_blank_row_is_what_joining_and_stripping_said():
    rng = random.Random(3)
    for _ in range(3000):
        row = [rng.choice(["", " ", "\t", "\n", "\u00a0", "x", " y "]) for _ in range(4)]
        assert build.blank_row(row) == (not "".join(row).strip()), row


def test_a_long_answer_is_held_once_while_the_file_is_read(tmp_path):
    """Reading: the file's bytes and the cells, not a whole text besides (here a 2 MB
    answer and a Chinese word elsewhere: decoding the whole file made a 4 MB text); making
    the table: no copy of the row holding the answer."""
    path = tmp_path / "long.csv"
    path.write_text("id,answer,other\n1," + "word " * 400_000 + "end,x\n2,short,很好\n",
                    encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        grid = readers.read(path)
        read_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        frame = build.to_frame(grid)
        frame_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert frame.columns["answer"][0] == "word " * 400_000 + "end"
    assert frame.columns["other"] == ["x", "很好"]
    assert read_peak < 2.3 * size  # bytes + cells (was 4x)
    assert frame_peak < 1.3 * size  # the cells only (was 2x)

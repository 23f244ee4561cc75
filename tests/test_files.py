"""Files for people are written whole or not at all."""

from __future__ import annotations

import pytest

from post_coder.errors import PostCoderError
from post_coder.files import written_whole


def test_the_file_appears_only_when_complete(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old", encoding="utf-8")
    with written_whole(target, "table") as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_text("new", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "old"  # not yet
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_a_failure_leaves_the_old_file_and_no_partial_one(tmp_path):
    target = tmp_path / "minutes.docx"
    target.write_bytes(b"old")
    with pytest.raises(ZeroDivisionError):
        with written_whole(target, "minutes") as tmp:
            tmp.write_bytes(b"half")
            1 / 0
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minutes.docx"]


def test_a_disk_error_is_a_plain_message_naming_the_file(tmp_path):
    target = tmp_path / "codebook.csv"
    with pytest.raises(PostCoderError) as caught:
        with written_whole(target, "codebook") as tmp:
            raise OSError(28, "No space left on device")
    assert str(caught.value) == ("codebook.csv: the codebook could not be written "
                                 "(No space left on device)")
    assert list(tmp_path.iterdir()) == []


def test_a_written_file_has_ordinary_permissions_not_the_temporary_files(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    os.umask(mask)
    new = tmp_path / "report.docx"
    with written_whole(new, "report") as tmp:
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o600  # private while being written
        tmp.write_bytes(b"x")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~mask
    kept = tmp_path / "shared.csv"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    with written_whole(kept, "table") as tmp:
        tmp.write_bytes(b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640  # a replaced file keeps its own

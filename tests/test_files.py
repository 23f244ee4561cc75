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

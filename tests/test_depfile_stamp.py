"""make's stamp is always newer than the inputs once a command has run: its text
rarely changes, and a stamp left older than an edited input made every later
`make` build that target again."""

from __future__ import annotations

import os

from dossier.depfile import write_stamp


def test_a_stamp_with_the_same_text_is_still_touched(tmp_path):
    stamp, data = tmp_path / "na-tam", tmp_path / "na-tam.yaml"
    write_stamp(stamp, "na-tam\n")
    data.write_text("population: 4001\n")
    old = stamp.stat().st_mtime_ns - 10_000_000_000
    os.utime(stamp, ns=(old, old))  # as if built ten seconds before the edit
    write_stamp(stamp, "na-tam\n")  # the same text after the rebuild
    assert stamp.read_text() == "na-tam\n"
    assert stamp.stat().st_mtime_ns >= data.stat().st_mtime_ns

"""A one-off `handouts make` starts from what earlier processes kept on disk: parsed YAML, compiled
templates and checked covers; each is keyed by the bytes it came from and safe to lose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from handouts.load import parsed_cache
from handouts.load.yamlio import load_yaml
from handouts.render.pdf import cover_cache
from handouts.render.pdf.cover import load_cover
from handouts.render.pdf.ready import ReadyPages

_MAKE = ["make", "--patient-id", "c1", "--name", "Zoë Łukasz", "--diagnosis", "herniated-disc",
         "--phase", "subacute", "--start-date", "2026-12-07", "--force"]


def _make(folder: Path, cache_home: Path, *, fast: str = "1") -> tuple[bytes, list[str]]:
    """The handout a fresh process makes, and the pypdf and yaml modules it loaded."""
    # every printed document gets a random id for its QR: one fixed id lets two processes' files compare
    code = ("import handouts.render.pdf.build as b; b.new_document_id = lambda: 'CQLDST2345'; "
            "import sys; from handouts.cli import main; main(sys.argv[1:]); "
            "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(('pypdf', 'yaml'))}))")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "HANDOUTS_FAST_PATH": fast}
    out = subprocess.run([sys.executable, "-c", code, *_MAKE, "-o", str(folder)], check=True,
                         capture_output=True, text=True, env=env).stdout
    return (folder / "c1.pdf").read_bytes(), json.loads(out.strip().splitlines()[-1].replace("'", '"'))


def test_a_second_process_parses_no_yaml_and_no_cover(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    first, _ = _make(tmp_path / "a", cache_home)
    kept = cache_home / "handouts"
    assert list(kept.glob("yaml-*.json")) and list(kept.glob("covers-*.json")) and list(kept.glob("jinja-*/*"))
    second, loaded = _make(tmp_path / "b", cache_home)
    assert second == first
    assert loaded == []  # no YAML parsed, and the cover came ready from the disk: neither pypdf nor PyYAML loaded


def test_damaged_cache_files_are_ignored(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    first, _ = _make(tmp_path / "a", cache_home)
    for pattern in ("yaml-*.json", "covers-*.json", "jinja-*/*"):
        for file in (cache_home / "handouts").glob(pattern):
            file.write_bytes(b'{"x": ["cut short')
    again, _ = _make(tmp_path / "b", cache_home)
    assert again == first


def test_the_plain_path_keeps_nothing_on_disk(tmp_path: Path) -> None:
    _make(tmp_path / "a", tmp_path / "cache", fast="0")
    assert not (tmp_path / "cache").exists()


def test_a_date_comes_back_as_a_date(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("content: {version: '2026.12', reviewed: 2026-12-02}\n", encoding="utf-8")
    assert load_yaml(path) == load_yaml(path) == {"content": {"version": "2026.12", "reviewed": date(2026, 12, 2)}}


def test_an_edited_yaml_file_is_parsed_afresh(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    first = load_yaml(path)
    first["a"] = 99  # what a caller changes never reaches the cache
    assert load_yaml(path) == {"a": 1, "b": ["x", "y"]}
    path.write_text("a: 2\n", encoding="utf-8")
    assert load_yaml(path) == {"a": 2}


@pytest.mark.parametrize("text", [
    pytest.param("reviewed: 2026-12-02 10:30:00\n", id="time-stamp"),
    pytest.param("__date__: 2026-12-02\n", id="looks-like-a-kept-date"),
    pytest.param("1: one\n", id="number-key"),
    pytest.param("on: yes\n", id="boolean-key"),
])
def test_data_json_cannot_give_back_is_not_kept(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_yaml(path) == load_yaml(path)
    assert not parsed_cache._plain(load_yaml(path))


def test_ready_pages_round_trip_through_json(tmp_path: Path) -> None:
    ready = ReadyPages(objects=((b"<< /A ", 1, b" >>"), (b"\x00\xff binary",)), forms=(0,),
                       boxes=((0.0, 0.0, 612.0, 792.0),), digest="abc")
    assert ReadyPages.from_json(json.loads(json.dumps(ready.to_json()))) == ready
    damaged = ready.to_json()
    damaged["objects"][0][1] = 7  # a reference to no object
    with pytest.raises(ValueError):
        ReadyPages.from_json(damaged)


def test_a_cover_checked_in_this_process_is_not_taken_from_the_cache() -> None:
    """Only earlier processes' covers skip the check, so a cover is always checked once per process."""
    cover = load_cover(Path(__file__).parents[1] / "data" / "clinics" / "sample" / "cover.pdf")
    cover.ready()
    assert cover_cache.known(cover.sha256) is None


def test_a_kept_file_is_read_whole_or_not_at_all_and_a_failed_write_leaves_nothing(tmp_path: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.load import kept_json

    path = tmp_path / "kept.json"
    assert kept_json.read_kept(path) is None
    path.write_text('{"cut": [1, ', encoding="utf-8")
    assert kept_json.read_kept(path) is None
    assert kept_json.write_kept(path, {"ñ": [1, 2]}) and kept_json.read_kept(path) == {"ñ": [1, 2]}

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kept_json.json, "dump", full_disk)
    assert not kept_json.write_kept(path, {"other": 1})
    assert kept_json.read_kept(path) == {"ñ": [1, 2]} and sorted(p.name for p in tmp_path.iterdir()) == ["kept.json"]

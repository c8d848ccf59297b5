"""The fast path (one ReportLab pass, per-process caches, print file from the handouts' own bytes)
makes the same handouts as the plain path (HANDOUTS_FAST_PATH=0): same pages, same text, the same
bookmarks, destinations and metadata, and pages that look the same at 50 dpi (pdftoppm)."""

from __future__ import annotations

import csv
import gc
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from conftest import START
from PIL import Image, ImageChops
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from handouts.compose.templates import load_templates
from handouts.load import locations as resources
from handouts.model import HandoutRequest, Patient
from handouts.model.options import PrintOptions
from handouts.render.pdf import caches, frozen
from handouts.render.pdf.combined import CombinedWriter
from handouts.render.pdf.own_file import NotOwnFile, OwnFile
from handouts.rules.plan import make_plan
from handouts.run.batch import BatchOptions, run
from handouts.run.handout import make_handout
from handouts.run.library import Library, open_library

DPI = 50
MOST_PIXELS_DIFFERING = 0.001  # of a page
#: Every printed document gets a random id for its checklist pages' QR; both paths are given this one, so
#: the pages compare. A fresh process is given it by the same patch, run before the command line.
DOCUMENT_ID = "GQLDEN2345"
FIXED_ID = f"import handouts.render.pdf.build as b; b.new_document_id = lambda: {DOCUMENT_ID!r}; "


@pytest.fixture(autouse=True)
def _one_document_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.render.pdf import build

    monkeypatch.setattr(build, "new_document_id", lambda: DOCUMENT_ID)


def _pixels(pdf: bytes, folder: Path, name: str) -> list[Image.Image]:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is needed (Debian poppler-utils; .ci/run installs it)")
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(path), str(folder / name)], check=True)
    return [Image.open(page).convert("RGB") for page in sorted(folder.glob(f"{name}-*.png"),
                                                                   key=lambda p: int(p.stem.rsplit("-", 1)[1]))]


def _lines(page: Any) -> list[str]:
    """A page's lines of text, in order. A block replayed as a form XObject starts a text run of its
    own, so pypdf may leave out a space it puts before the block's first word: ends are not compared."""
    return [line.strip() for line in page.extract_text().splitlines()]


def _page_texts(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text as poppler's pdftotext reads them (in C: pypdf parses every font's
    character map again for every page and form, most of this file's time)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is needed (Debian poppler-utils; .ci/run installs it)")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def _parts(pdf: bytes) -> dict[str, Any]:
    """What a reader sees of a PDF, besides its pixels."""
    reader = PdfReader(BytesIO(pdf))
    text = _page_texts(pdf)
    assert len(text) == len(reader.pages)
    return {
        "pages": len(reader.pages),
        "sizes": [tuple(float(v) for v in page.mediabox) for page in reader.pages],
        "text": text,
        "outline": [(item.title, reader.get_destination_page_number(item)) for item in reader.outline],
        "destinations": sorted((name, reader.get_destination_page_number(dest))
                               for name, dest in reader.named_destinations.items()),
        "metadata": dict(reader.metadata or {}),
        "lang": reader.trailer["/Root"].get("/Lang"),
    }


def assert_same_handout(fast: bytes, plain: bytes, folder: Path) -> None:
    """Same pages, text, outline, destinations and metadata; each page within 0.1% of pixels."""
    assert _parts(fast) == _parts(plain)
    fast_pages, plain_pages = _pixels(fast, folder, "fast"), _pixels(plain, folder, "plain")
    assert len(fast_pages) == len(plain_pages)
    for number, (a, b) in enumerate(zip(fast_pages, plain_pages), start=1):
        assert a.size == b.size, number
        differing = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v else 0).histogram()[255]
        assert differing / (a.size[0] * a.size[1]) <= MOST_PIXELS_DIFFERING, (number, differing)
    for image in folder.glob("*.png"):
        image.unlink()


def _both(monkeypatch: pytest.MonkeyPatch, make: Callable[[], bytes]) -> tuple[bytes, bytes]:
    """The fast path's file (made a second time, so the caches answer) and the plain path's."""
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    make()
    fast = make()
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    plain = make()
    return fast, plain


RARE = "Nguyễn Thị Ánh Đặng Ǿlaf Ŵyn"  # letters outside the primed font subset
REQUESTS = [
    pytest.param({}, PrintOptions(), id="sample-clinic-with-cover"),
    pytest.param({"large_print": True, "leg_pain": True}, PrintOptions(), id="large-print-weeks-in-parts"),
    pytest.param({"language": "es"}, PrintOptions(), id="spanish"),
    pytest.param({"paper": "a4"}, PrintOptions(), id="a4-cover-scaled"),
    pytest.param({"patient": Patient("p-rare", RARE)}, PrintOptions(), id="rare-glyph-name"),
    pytest.param({"phase": "acute", "diagnosis": "herniated-disc"}, PrintOptions(use_cover=False, duplex=True),
                 id="no-cover-duplex"),
    pytest.param({}, PrintOptions(name_in_metadata=True, duplex=True), id="name-in-metadata"),
    pytest.param({"weeks": 3}, PrintOptions(kind="checklist"), id="checklist"),
]


@pytest.mark.parametrize(("changes", "options"), REQUESTS)
def test_fast_and_plain_paths_make_the_same_handout(library: Library, request_for, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any],
                                                    options: PrintOptions) -> None:
    request: HandoutRequest = request_for(**changes)
    fast, plain = _both(monkeypatch, lambda: make_handout(request, library=library, options=options).pdf)
    assert_same_handout(fast, plain, tmp_path)


def test_a_card_taller_than_a_page_is_the_same_on_both_paths(templates_copy: Path, request_for, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    source = (templates_copy / "en" / "exercise.md.j2").read_text()
    padded = source + "\n" + "\n".join(f"Extra line {i} to make this card too long." for i in range(80)) + "\n"
    (templates_copy / "en" / "exercise.md.j2").write_text(padded, encoding="utf-8")
    load_templates.cache_clear()
    try:
        library = open_library(None, templates_copy)
        request = request_for(exercises=("hamstring-stretch",))
        fast, plain = _both(monkeypatch, lambda: make_handout(request, library=library).pdf)
    finally:
        load_templates.cache_clear()
    assert_same_handout(fast, plain, tmp_path)


def test_every_sample_and_the_print_file_are_the_same_on_both_paths(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sample row in a batch (workers inherit the setting), and the combined print file.

    Each sample is compared as a reader sees it; the pixels are compared once, in the print file,
    which holds every page of every sample as each path copied it."""
    sample = resources.data_dir() / "sample-patients.csv"
    rows = list(csv.DictReader(io.StringIO(sample.read_text(encoding="utf-8-sig"))))
    made: dict[str, Path] = {}
    for fast in ("1", "0"):
        monkeypatch.setenv("HANDOUTS_FAST_PATH", fast)
        out = tmp_path / f"out-{fast}"
        result = run(sample, BatchOptions(output=out, workers=1, combined=out / "print.pdf"))
        assert result.count("written") == len(rows), [r.message for r in result.rows if not r.ok]
        made[fast] = out
    pages = 0
    for row in rows:
        name = f"{row['patient_id']}.pdf"
        fast_parts, plain_parts = _parts((made["1"] / name).read_bytes()), _parts((made["0"] / name).read_bytes())
        assert fast_parts == plain_parts, name
        pages += fast_parts["pages"]
    combined = (made["1"] / "print.pdf").read_bytes()
    assert _parts(combined)["pages"] == pages  # every sample page is in it: its pixels are compared there
    assert_same_handout(combined, (made["0"] / "print.pdf").read_bytes(), tmp_path)


def test_a_print_file_from_each_renders_keys_is_the_file_read_whole(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch hands the print file each handout it wrote with the keys of its objects alike in other
    handouts (``render.pdf.alike``): the print file is the same bytes as one that reads every object of
    every file, with one worker and with two (whose keys are made in other processes).

    The sample rows, each again under a name with letters outside the common font subset: those take a
    subset of their own, so the font dictionary and every form drawn with it differ from the first
    row's; a key that left the fonts out would share the first row's forms wrongly."""
    from handouts.run import print_file

    sample = resources.data_dir() / "sample-patients.csv"
    rows = list(csv.DictReader(io.StringIO(sample.read_text(encoding="utf-8-sig"))))
    again = [{**row, "patient_id": "again-" + row["patient_id"], "name": "Đức Ǿrsted"} for row in rows]
    patients = tmp_path / "patients.csv"
    with patients.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, *again])
    from handouts.render.pdf import combined

    printing = PrintOptions(document_id=DOCUMENT_ID, today=date(2026, 12, 2))
    found: list[int] = []  # objects numbered from their keys alone, a handout at a time
    known = combined._Serializer.known_alike
    monkeypatch.setattr(combined._Serializer, "known_alike",
                        lambda self, alike: found.append(len(mapping := known(self, alike))) or mapping)
    made: dict[str, bytes] = {}
    for run_as, workers in (("keys", 1), ("keys-2", 2), ("read", 1)):
        if run_as == "read":  # the print file is given the paths alone, as for a row an earlier run wrote
            whole = print_file.PrintFile.append
            monkeypatch.setattr(print_file.PrintFile, "append",
                                lambda self, path, title, made=None: whole(self, path, title))
        out = tmp_path / run_as
        result = run(patients, BatchOptions(output=out, workers=workers, combined=out / "print.pdf",
                                            printing=printing))
        assert result.count("written") == 2 * len(rows), [r.message for r in result.rows if not r.ok]
        made[run_as] = (out / "print.pdf").read_bytes()
        if run_as != "read":  # the keys were used: most handouts after the first find fonts and forms by them
            assert sum(number > 0 for number in found) > len(rows), found
        found.clear()
    assert made["keys"] == made["read"]
    assert made["keys-2"] == made["read"]


def _combine(paths: list[Path], combined: Path) -> int:
    """The print file of ``paths``, in order; its page count."""
    with combined.open("wb") as out:
        writer = CombinedWriter(out)
        for path in paths:
            writer.append(path.read_bytes(), path.stem)
        return writer.finish()


def test_the_print_file_copies_a_fast_path_handout_without_pypdf(  # type: ignore[no-untyped-def]
        library: Library, request_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    fast = make_handout(request_for(), library=library).pdf
    assert len(OwnFile(fast).pages()) == len(PdfReader(BytesIO(fast)).pages)
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    plain = make_handout(request_for(), library=library).pdf
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    locked = make_handout(request_for(), library=library, options=PrintOptions(password="pw")).pdf
    with pytest.raises(NotOwnFile):
        OwnFile(locked)  # encrypted: only pypdf reads it
    linked = BytesIO()
    canvas = Canvas(linked)
    canvas.linkURL("https://example.org", (0, 0, 10, 10))
    canvas.save()
    with pytest.raises(NotOwnFile):
        OwnFile(linked.getvalue()).pages()  # a page with annotations: pypdf copies it, leaving them out
    paths = [tmp_path / "fast.pdf", tmp_path / "plain.pdf"]
    for path, pdf in zip(paths, (fast, plain)):
        path.write_bytes(pdf)
    combined = tmp_path / "print.pdf"
    assert _combine(paths, combined) == 2 * len(PdfReader(BytesIO(fast)).pages)
    reader = PdfReader(combined)
    texts = [_lines(page) for page in reader.pages]
    half = len(texts) // 2
    assert texts[:half] == texts[half:]


def test_caches_stay_within_their_caps() -> None:
    cache: caches.Capped[int, int] = caches.Capped(3)
    for number in range(10):
        cache.put(number, number)
    assert len(cache) == 3 and cache.get(0) is None and cache.get(9) == 9


def test_a_look_up_whose_entry_goes_meanwhile_still_answers() -> None:
    """Look-ups take no lock, so another thread may let go of an entry between its look-up finding
    it and moving it to the recent end. Here the key's own hash does that at the very moment: the
    look-up must still give the value it found, with no error, and the entry stays gone."""
    cache: caches.Capped[object, str] = caches.Capped(4)

    class GoesWhileMoved:
        hashed = 0

        def __hash__(self) -> int:
            self.hashed += 1
            if self.hashed == 3:  # once put, once found: now it is being moved to the recent end
                cache.clear()
            return 1

    key = GoesWhileMoved()
    cache.put(key, "found")
    cache.put(2, "another")  # (the last entry put is not hashed again to be moved)
    assert cache.get(key) == "found" and len(cache) == 0 and cache.get(key) is None


def test_the_plain_path_uses_no_cache(library: Library, request_for, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    caches.clear_all()
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    make_handout(request_for(), library=library)
    assert all(len(cache) == 0 for cache in caches.ALL)
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    make_handout(request_for(), library=library)
    assert len(caches.PARSED) > 0 and len(caches.FIGURE_FORMS) > 0 and len(frozen.DRAWN) > 0
    assert len(caches.DRAWN_TEXT) > 0


def _make_in_a_fresh_process(folder: Path, cache_home: Path, *, fast: str = "1", phase: str = "subacute",
                             hash_seed: str = "random") -> bytes:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "HANDOUTS_FAST_PATH": fast, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, "-c", FIXED_ID + "import sys; from handouts.cli import main; sys.exit(main())",
                    "make", "--patient-id", "d1", "--name", "Zoë Łukasz",
                    "--diagnosis", "herniated-disc", "--phase", phase, "--start-date", "2026-12-07",
                    "-o", str(folder), "--force"], check=True, capture_output=True, env=env)
    return (folder / "d1.pdf").read_bytes()


def test_a_fresh_process_starts_from_the_disk_cache(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    cold = _make_in_a_fresh_process(tmp_path / "a", cache_home)
    files = list((cache_home / "handouts").glob("render-*.json"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    warm = _make_in_a_fresh_process(tmp_path / "b", cache_home)
    plain = _make_in_a_fresh_process(tmp_path / "c", tmp_path / "unused", fast="0")
    assert warm == cold  # replayed from disk, byte for byte what drawing afresh wrote
    assert_same_handout(warm, plain, tmp_path)
    assert not (tmp_path / "unused").exists()  # the plain path neither reads nor writes it


def test_a_handout_is_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    """String hashing changes from process to process: a set's order in a key (the standing back bend's
    picture has two segments drawn short) gave its picture another name in each process, so a record
    kept on disk by one process made another's handout differ from its own."""
    first = _make_in_a_fresh_process(tmp_path / "a", tmp_path / "cache-1", phase="acute", hash_seed="1")
    assert _make_in_a_fresh_process(tmp_path / "b", tmp_path / "cache-2", phase="acute", hash_seed="2") == first
    assert _make_in_a_fresh_process(tmp_path / "c", tmp_path / "cache-1", phase="acute", hash_seed="3") == first


def test_a_damaged_disk_cache_is_ignored(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    first = _make_in_a_fresh_process(tmp_path / "a", cache_home)
    for file in (cache_home / "handouts").glob("render-*.json"):
        file.write_text('{"figures": {"x": [1, 2, ')  # cut short
    assert _make_in_a_fresh_process(tmp_path / "b", cache_home) == first


def test_what_is_kept_on_disk_is_keyed_on_the_renderer_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Code that draws differently never replays records an older renderer drew, even at one version."""
    from handouts.render.pdf import cover_cache, disk_cache

    keys = (disk_cache.digest, cover_cache._version)
    before = [key() for key in keys]
    for key in keys:
        key.cache_clear()
    monkeypatch.setattr(caches, "renderer_code", lambda: b"a renderer that draws otherwise")
    try:
        assert [key() for key in keys] != before and all(a != b for a, b in zip([k() for k in keys], before))
    finally:
        for key in keys:
            key.cache_clear()


def test_the_print_file_writes_shared_cards_weeks_and_resources_once(library: Library, request_for,  # type: ignore[no-untyped-def]
                                                                      tmp_path: Path) -> None:
    """Two patients with one plan: the second handout's cards, weeks and page resources are the first's
    objects, so the print file grows by little more than the pages' own text (names, page ids)."""
    paths = []
    for number, name in enumerate(("Ana Ruiz", "Bea Soto")):
        path = tmp_path / f"h{number}.pdf"
        path.write_bytes(make_handout(request_for(patient=Patient(f"p-{number}", name), weeks=2),
                                      library=library).pdf)
        paths.append(path)
    combined = tmp_path / "print.pdf"
    pages = _combine(paths, combined)
    reader = PdfReader(combined)
    assert len(reader.pages) == pages
    half = pages // 2
    resources = [page.raw_get("/Resources") for page in reader.pages]
    assert all(hasattr(ref, "idnum") for ref in resources)  # each an object of its own
    assert [r.idnum for r in resources[:half]] == [r.idnum for r in resources[half:]]

    def forms(page: Any) -> set[int]:
        return {ref.idnum for ref in page["/Resources"].get("/XObject", {}).values()}

    first = set().union(*(forms(p) for p in reader.pages[:half]))
    second = set().union(*(forms(p) for p in reader.pages[half:]))
    assert first and first == second  # the cards and weeks as one set of forms
    assert combined.stat().st_size < 1.15 * paths[0].stat().st_size  # (1.05 when written)


@pytest.mark.parametrize("name", ["Zoë Łukasz Nguyễn Ñandú", "Ana Ruiz"])
@pytest.mark.parametrize("kind", ["handout", "checklist"])
def test_a_handout_made_again_in_one_process_is_the_same_bytes(library: Library, request_for,  # type: ignore[no-untyped-def]
                                                                  monkeypatch: pytest.MonkeyPatch, name: str,
                                                                  kind: str) -> None:
    """The first handout draws and records; the next ones are written from what was kept (forms formatted
    and compressed, paragraphs, cards, weeks): the file is the same, byte for byte.

    With a name in the primed letters nothing of the second file is drawn afresh: its header said
    PDF 1.3 where the first, whose paragraphs set their colours, said 1.4."""
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    caches.clear_all()
    request = request_for(weeks=2, patient=Patient("p-1", name))
    options = PrintOptions(kind=kind, document_id="ABCDEFGHJK")
    made = [make_handout(request, library=library, options=options).pdf for _ in range(3)]
    assert made[0][:8] == b"%PDF-1.4"
    assert made[0] == made[1] == made[2]


@pytest.mark.parametrize("options", [PrintOptions(), PrintOptions(kind="checklist", duplex=True, use_cover=False)])
def test_a_written_handout_leaves_nothing_for_the_cycle_collector(library: Library, request_for,  # type: ignore[no-untyped-def]
                                                                 options: PrintOptions) -> None:
    """Once a handout is made, its ReportLab document, canvas, page template and PDF objects are freed by
    reference counting: nothing of them waits in a cycle (a batch paid for collecting hundreds a row)."""
    request = request_for(weeks=2)
    make_handout(request, library=library, options=options)  # the caches warm
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        make_handout(request, library=library, options=options)
        gc.collect()
        left = [type(obj) for obj in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    ours = sorted({f"{kind.__module__}.{kind.__qualname__}" for kind in left
                   if kind.__module__.split(".")[0] in ("handouts", "reportlab") or kind is type})
    assert ours == []


def test_a_handout_for_a_new_patient_leaves_few_objects_behind(library: Library, request_for) -> None:  # type: ignore[no-untyped-def]
    """What outlives a handout (in the per-process caches) is soon among the objects every full
    collection goes through, and enough of it sets one off: a batch row should leave little. The
    handout's own text, parsed and kept for the last 512 handouts, left some 60 objects a row."""
    def made(start: int, count: int) -> None:
        for number in range(start, start + count):
            make_handout(request_for(patient=Patient(f"p-{number}", f"Ana Ruiz {number}"), weeks=2), library=library)

    made(0, 20)  # warm: every card, week and paragraph that recurs is kept
    gc.collect()
    before = len(gc.get_objects())
    made(20, 40)
    gc.collect()
    left = (len(gc.get_objects()) - before) / 40
    assert left < 35, f"{left:.0f} objects a handout outlive it"


def test_a_card_is_rendered_from_its_template_once_per_process(library: Library, request_for,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from handouts.compose import templates as templates_module
    from handouts.compose.document import compose
    from handouts.rules.plan import make_plan

    plan = make_plan(request_for(patient=Patient("p-kept", "Kept Once")), library.dataset)
    templates = library.templates(plan.language)
    rendered: list[int] = []
    real = templates_module.run_limited
    monkeypatch.setattr(templates_module, "run_limited", lambda *a, **k: rendered.append(1) or real(*a, **k))

    def renders() -> int:
        rendered.clear()
        doc = compose(plan, templates, today=date(2026, 12, 2))
        assert doc.blocks
        return len(rendered)

    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    every = renders()  # the handout's own templates and one per card
    assert every == renders() >= 1 + len(plan.exercises)
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    renders()
    assert renders() == every - len(plan.exercises)  # the cards come from what was kept


def test_a_card_is_one_object_per_process_until_its_words_change(library: Library, request_for,  # type: ignore[no-untyped-def]
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The renderer knows a card it has drawn by the card's identity, so composing must give a new card
    whenever anything it prints changes: here the dose, and the language."""
    from datetime import date

    from handouts.compose.document import compose
    from handouts.model.document import Cards

    def cards(**changes: Any) -> tuple[Any, ...]:
        plan = make_plan(request_for(weeks=1, **changes), library.dataset)
        doc = compose(plan, library.templates(plan.language), today=date(2026, 12, 2))
        found = [b for b in _all_blocks(doc.blocks) if isinstance(b, Cards)]
        return found[0].cards

    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    first, again = cards(), cards(patient=Patient("p-2", "Bea Soto"))
    assert all(a is b for a, b in zip(first, again)) and len(first) == len(again) >= 2
    planned = make_plan(request_for(weeks=1), library.dataset).exercises
    index, held = next((i, p) for i, p in enumerate(planned) if p.dose.hold)
    longer = held.exercise.bounds("hold")[1]
    assert longer != held.dose.hold
    changed = cards(dose_changes={held.id: {"hold": longer}})
    assert changed[index] is not first[index] and changed[index] != first[index]
    assert all(a is b for i, (a, b) in enumerate(zip(first, changed)) if i != index)
    spanish = cards(language="es")
    assert all(a is not b and a != b for a, b in zip(first, spanish))
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    assert all(a is not b and a == b for a, b in zip(first, cards()))  # made afresh, the same card


def test_a_kept_week_is_the_week_made_afresh_whatever_changes(library: Library, request_for,  # type: ignore[no-untyped-def]
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Weeks are made once per process for the same dates and rows: each change to what a week prints
    (start date, exercises and their times a day, walking, leg pain, language) must give the week the
    plain path makes, and the same request the very same weeks."""
    from datetime import date, timedelta

    from handouts.compose.document import compose
    from handouts.model.document import Checklist

    planned = make_plan(request_for(weeks=2), library.dataset).exercises
    once = next(p for p in planned if p.exercise.kind != "aerobic")
    changes: list[dict[str, Any]] = [
        {}, {"patient": Patient("p-2", "Bea Soto")}, {"start_date": START + timedelta(days=1)},
        {"dose_changes": {once.id: {"times_a_day": once.dose.times_a_day + 1}}}, {"leg_pain": True},
        {"diagnosis": "herniated-disc", "phase": "acute"},  # the same exercises with leg pain
        {"diagnosis": "herniated-disc", "phase": "acute", "leg_pain": True}, {"diagnosis": "spinal-stenosis"},
        {"language": "es"},
    ]

    def weeks(fast: str, **change: Any) -> tuple[Any, ...]:
        monkeypatch.setenv("HANDOUTS_FAST_PATH", fast)
        plan = make_plan(request_for(weeks=2, **change), library.dataset)
        doc = compose(plan, library.templates(plan.language), today=date(2026, 12, 2))
        return next(b for b in _all_blocks(doc.blocks) if isinstance(b, Checklist)).weeks

    kept = [weeks("1", **change) for change in changes]
    for change, made in zip(changes, kept):
        assert weeks("1", **change) == made and all(a is b for a, b in zip(weeks("1", **change), made))
        assert weeks("0", **change) == made, change
    assert len({repr(made) for made in kept}) == len(changes) - 1  # only the patient's name changed nothing


def _all_blocks(blocks: Any) -> Any:
    for block in blocks:
        yield block
        yield from _all_blocks(getattr(block, "blocks", ()))


@pytest.mark.parametrize("remembered", [3, 2048])
def test_the_print_file_is_the_same_however_few_copied_objects_it_remembers(  # type: ignore[no-untyped-def]
        library: Library, request_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, remembered: int) -> None:
    """Objects found again by their parts are the objects written before: the file is the same bytes
    whether few or many are remembered, each shared object is written once, and memory stays capped."""
    from handouts.render.pdf import combined

    paths = []
    for number, name in enumerate(("Ana Ruiz", "Bea Soto", "Ana Ruiz")):
        path = tmp_path / f"h{number}.pdf"
        path.write_bytes(make_handout(request_for(patient=Patient(f"p-{number}", name), weeks=2), library=library,
                                      options=PrintOptions(document_id="ABCDEFGHJK")).pdf)
        paths.append(path)
    none = tmp_path / "none.pdf"
    monkeypatch.setattr(combined, "_COPIED", 0)
    _combine(paths, none)
    monkeypatch.setattr(combined, "_COPIED", remembered)
    out = tmp_path / "print.pdf"
    with out.open("wb") as stream:
        writer = CombinedWriter(stream)
        for path in paths:
            writer.append(path.read_bytes(), path.stem)
        writer.finish()
    assert len(writer.serializer.copied) <= remembered
    assert out.read_bytes() == none.read_bytes()
    assert len(PdfReader(out).pages) == 3 * len(PdfReader(paths[0]).pages)


def test_the_cross_reference_table_is_read_whatever_its_rows_end_with() -> None:
    """Rows of 20 bytes are read at once, each ending in " \\n", "\\r\\n" or " \\r"; a damaged row is found."""
    from handouts.render.pdf.own_file import _xref

    buffer = BytesIO()
    canvas = Canvas(buffer)
    for page in range(3):
        canvas.drawString(72, 72, f"page {page}")
        canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    expected = _xref(data, start)
    assert len(expected) >= 8 and all(data[offset:].split(b" ", 1)[0].isdigit() for offset in expected.values())
    for ending in (b"\r\n", b" \r"):
        table = data[start:].replace(b" n \n", b" n" + ending).replace(b" f \n", b" f" + ending)
        assert _xref(data[:start] + table, start) == expected
    damaged = data[:start] + data[start:].replace(b" n \n", b" x \n", 1)
    with pytest.raises(NotOwnFile):
        _xref(damaged, start)


def test_an_object_alike_in_two_handouts_is_shared_only_when_what_it_refers_to_is_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two files whose outer form has the same bytes (the same object numbers) but draws another inner
    form: the print file keeps both inner forms and each page shows its own."""
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    paths = []
    for number, inner in enumerate(("0 0 10 10 re f", "5 5 m 9 9 l S")):
        buffer = BytesIO()
        canvas = Canvas(buffer, invariant=True)
        canvas.beginForm("Inner", 0, 0, 10, 10)
        canvas._code.append(inner)
        canvas.endForm()
        canvas.beginForm("Outer", 0, 0, 10, 10)
        canvas.doForm("Inner")
        canvas.endForm()
        canvas.doForm("Outer")
        canvas.showPage()
        canvas.save()
        paths.append(tmp_path / f"f{number}.pdf")
        paths[-1].write_bytes(buffer.getvalue())
    combined = tmp_path / "print.pdf"
    assert _combine(paths, combined) == 2
    drawn = []
    for page in PdfReader(combined).pages:
        outer = page["/Resources"]["/XObject"]["/FormXob.Outer"].get_object()
        inner = outer["/Resources"]["/XObject"]["/FormXob.Inner"].get_object()
        drawn.append(inner.get_data())
    assert b"re f" in drawn[0] and b"l S" in drawn[1]


def test_a_value_kept_with_its_source_is_made_again_for_another_object_under_the_same_key() -> None:
    cache: caches.Capped[int, tuple[Any, str]] = caches.Capped(4)
    first, second = ["a"], ["a"]
    made: list[str] = []
    assert caches.made_from(cache, 1, first, lambda: made.append("first") or "from first") == "from first"
    assert caches.made_from(cache, 1, first, lambda: made.append("again") or "x") == "from first"
    assert caches.made_from(cache, 1, second, lambda: made.append("second") or "from second") == "from second"
    assert made == ["first", "second"]

"""How fast handouts are made, against the floor of this stack, measured in one run.

    python benchmarks/bench.py [--repeats 15] [--rows 1000] [--memory-rows 1000,10000,100000] [--work DIR] [--json FILE]

Rows of the table (CPU milliseconds per handout, ``time.process_time``, medians of interleaved
rounds after a warm-up, so every figure of a round saw the same machine; CPU time, not wall
time, because the machines this runs on are shared):

* full        - the library call the CLI makes: plan, templates, layout, cover, write, in a
                warm process (the fast path: caches filled by the warm-up);
* plain path  - the same with HANDOUTS_FAST_PATH=0 (no caches; pypdf puts the cover in front),
                in rounds of its own with WeasyPrint and a full handout: a 200 ms plain-path
                handout between the warm figures' rounds fills the CPU caches with its own work
                (no warm process making handouts does that), which cost the full handout some
                15% and the floors little; the full handout among them is printed as well;
* layout      - the same without the cover;
* text floor  - the same pages' text, line by line in its font and size, on a bare
                ReportLab canvas with the same embedded fonts (cover included), written;
* fair floor  - the text floor plus every box, rule, grid, tick box and figure shape at
                precomputed positions: what any renderer must at least draw (floors.py);
* WeasyPrint  - the same handout as HTML (html_equivalent.py) printed by WeasyPrint, when
                it is installed (pip install weasyprint);
* cold   - CPU milliseconds of a fresh `handouts make` process (fast path with the disk cache
           filled by an earlier process, and empty; plain path), against a fresh process that
           imports ReportLab's canvas, registers the shipped fonts with ReportLab alone and draws
           the text floor (it imports no handouts module: ``handouts.render.pdf.fonts`` would bring
           in the whole renderer, platypus and the document model with it). Beside it, the same
           process also importing Click, Jinja2 and ReportLab's platypus, unused: what any cold
           `make` on these libraries pays before its own code runs. The handouts package is
           byte-compiled first, as ``pip install`` leaves it: with PYTHONDONTWRITEBYTECODE set and an
           editable install, every cold process would otherwise compile each module from source
           (~100 ms that no installed copy pays);
* batch  - handouts per second for ROWS CSV rows with 1 and with 2 workers, the CPU of the
           whole 1-worker batch (parent and worker) per row, peak memory of the parent and
           of a worker (in the 2-worker batch), and the combined print file's size. A row is measured against the
           text floor of the rows themselves (six plans of two weeks, each drawn as the text
           floor is, averaged), not of the one-week handout above. A batch is one long sample on a
           shared machine whose speed moves within minutes, so the 1-worker batch runs
           --batch-rounds times (3), and the median of their ratios is the figure (the lowest and
           highest are printed beside it). Each batch's floor is timed in the batch's own process,
           between its rows (every 100 rows, each of the six once to warm up and once timed; that
           CPU is taken out of the batch's), so a noisy minute slows the rows and their floor
           alike; the same floors timed right after the batch are printed too. Batches write
           into --work (default: the project's output/, where `handouts batch` writes), each into a
           new folder removed afterwards; before each, the CPU one new file costs there (created,
           written, synced, named) is measured and printed: a row makes three, and on a shared disk
           that cost moved from 0.06 ms to over 1 ms a file with the folder's place on the disk and
           the moment, where the floors make no new file;
* memory - the batch parent's peak memory for 1,000, 10,000 and 100,000 CSV rows (2
           workers), before the first row is done and at the end. The workers make no
           PDF here (a stand-in returns each row's result at once): the parent reads,
           checks, orders and records every row as in a real batch, and its memory is
           what must stay flat in the number of rows. 100,000 real handouts would take
           most of an hour and some 6 GB of disk.

Every target of issue 19 is printed beside its figure: full / text floor, full / fair floor,
WeasyPrint / full, a batch row (1 worker, CPU) / text floor, cold make / cold floor, the print
file of 1,000 handouts, and the parent's memory against the number of rows.
Timings live here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from floors import fair_floor, read_pages, text_floor
from html_equivalent import to_html

from handouts.compose.document import compose
from handouts.model import HandoutRequest, Patient
from handouts.model.options import PrintOptions
from handouts.render.pdf.fonts import _FONT_FILES, FONTS_DIR, register_fonts
from handouts.rules.plan import make_plan
from handouts.run.handout import write_handout
from handouts.run.library import open_library

REQUEST = HandoutRequest(
    patient=Patient("bench-1", "Zoë Łukasz Nguyễn"), diagnosis="herniated-disc", phase="acute",
    start_date=date(2026, 12, 7), weeks=1, clinician="Ana Ruiz")
DIAGNOSES = [("herniated-disc", "acute"), ("herniated-disc", "subacute"), ("spinal-stenosis", "maintenance"),
             ("nonspecific", "maintenance"), ("nonspecific", "subacute"), ("spinal-stenosis", "acute")]
NAMES = ["Zoë Łukasz", "Nguyễn Văn An", "Ñandú Pérez", "Siobhán Ó Briain", "Björn Ågren", "Chloé Dubois"]


def interleaved_ms(actions: dict[str, Callable[[], object]], rounds: int,
                   every: dict[str, int] | None = None) -> dict[str, float]:
    """The median milliseconds of each action, timed in turn round after round (after one warm-up each).

    ``every`` runs a slow action only every n-th round (WeasyPrint takes a second a handout).
    """
    for action in actions.values():
        action()  # warm-up: fonts, templates, cover parsed once per process
    times: dict[str, list[float]] = {name: [] for name in actions}
    for round_number in range(rounds):
        for name, action in actions.items():
            if round_number % (every or {}).get(name, 1):
                continue
            start = time.process_time()
            action()
            times[name].append((time.process_time() - start) * 1000)
    return {name: statistics.median(found) for name, found in times.items()}


def weasyprint_action(html: str) -> Callable[[], object] | None:
    """Print ``html`` with WeasyPrint, or None when it is not installed."""
    try:
        import weasyprint
    except ImportError:
        return None
    return lambda: weasyprint.HTML(string=html).write_pdf()


ROW_WEEKS = 2


def row_requests() -> list[HandoutRequest]:
    """One request for each kind of row ``write_csv`` writes (the plans repeat every six rows)."""
    return [HandoutRequest(patient=Patient(f"floor-{i}", f"{NAMES[i]} {i}"), diagnosis=diagnosis, phase=phase,
                           start_date=date(2026, 12, 7), weeks=ROW_WEEKS)
            for i, (diagnosis, phase) in enumerate(DIAGNOSES)]


def write_csv(path: Path, rows: int) -> None:
    lines = ["patient_id,name,diagnosis,phase,start_date,weeks"]
    for i in range(rows):
        diagnosis, phase = DIAGNOSES[i % len(DIAGNOSES)]
        lines.append(f"r{i:05d},{NAMES[i % len(NAMES)]} {i},{diagnosis},{phase},2026-12-07,{ROW_WEEKS}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


BATCH_CHILD = """
import json, pickle, resource, statistics, sys, time
from pathlib import Path
from handouts.run.batch import BatchOptions, run
csv_path, out, workers, floors_file, every = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:6]
every = int(every)
floors, floor_cpu, floor_wall, seen = [], [0.0], [0.0], [0]
if floors_file:  # the rows' text floors, timed between the rows (see batch())
    sys.path.insert(0, sys.argv[6])
    from floors import text_floor
    with open(floors_file, "rb") as pickled:
        drawn = pickle.load(pickled)
    floors = [(text_floor(size, pages, Path(floors_file).with_name(f"floor-{i}.pdf")), [])
              for i, (size, pages) in enumerate(drawn)]

def progress(row, total):
    seen[0] += 1
    if not floors or seen[0] % every:
        return
    began, wall = time.process_time(), time.perf_counter()
    for action, _ in floors:
        action()  # warm, as the interleaved rounds' floors are
    for action, times in floors:
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1000)
    floor_cpu[0] += time.process_time() - began
    floor_wall[0] += time.perf_counter() - wall

start = time.perf_counter()
result = run(csv_path, BatchOptions(output=out, workers=workers, combined=out / "print.pdf"), progress=progress)
seconds = time.perf_counter() - start - floor_wall[0]
try:  # this process's own high-water mark (ru_maxrss carries over the RSS of the process that started it)
    with open("/proc/self/status") as status:
        parent_mb = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
except OSError:
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({
    "seconds": seconds, "written": result.count("written"), "combined_bytes": result.combined_bytes,
    "parent_rss_mb": parent_mb,
    "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "floor_cpu_s": floor_cpu[0],
    "floor_ms": statistics.mean(statistics.median(times) for _, times in floors) if floors else None,
}))
"""


MEMORY_CHILD = """
import json, resource, sys
from pathlib import Path
from handouts.model.options import PrintOptions
from handouts.run import batch
from handouts.run.batch import BatchOptions, run

def stand_in(task):
    return batch.RowResult(task.line, task.request.patient.patient_id, "written", "", task.path.name, 5, 60000,
                           "0" * 64, task.input_sha256)

def peak_mb():
    # VmHWM is this process's own high-water mark; ru_maxrss would carry over the RSS of the
    # process that started this one (Linux keeps it across exec)
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

batch._render_one = stand_in  # forked workers see it too
csv_path, out = sys.argv[1], Path(sys.argv[2])
first = []
result = run(csv_path, BatchOptions(output=out, workers=2, printing=PrintOptions(use_cover=False)),
             progress=lambda row, total: first or first.append(peak_mb()))
print(json.dumps({"rows": result.total, "first_row_mb": first[0], "peak_mb": peak_mb()}))
"""


def parent_memory(rows: int, folder: Path) -> dict[str, float]:
    """The batch parent's peak memory for ``rows`` rows, in a fresh process (workers make no PDF)."""
    csv_path = folder / f"memory-{rows}.csv"
    write_csv(csv_path, rows)
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(csv_path), out],
                              check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


#: Rows between two timings of the rows' text floors inside a 1-worker batch.
FLOOR_EVERY = 100


def batch(csv_path: Path, workers: int, work: Path, floors: Path | None = None) -> dict[str, float]:
    """One batch in a fresh process, so its memory is its own, writing into a new folder in ``work``.

    With ``floors`` (the rows' pages, pickled) a 1-worker batch also times the rows' text floors in
    its own process every FLOOR_EVERY rows, between two rows: a noisy minute of a shared machine then
    slows the rows and their floor alike. Their CPU is taken out of the batch's.
    """
    with tempfile.TemporaryDirectory(dir=work, prefix=".bench-") as folder:
        before = _children_cpu()
        done = subprocess.run([sys.executable, "-c", BATCH_CHILD, str(csv_path), folder, str(workers),
                               str(floors or ""), str(FLOOR_EVERY), str(Path(__file__).resolve().parent)],
                              check=True, capture_output=True, text=True)
        cpu = _children_cpu() - before
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return {**found, "cpu_s": cpu - found["floor_cpu_s"]}


NEW_FILE_BYTES = 150_000  # about a batch row's PDF


def new_file_ms(work: Path, files: int = 40) -> float:
    """CPU milliseconds to make one new file in ``work`` as a batch makes each of a row's three: created,
    written, synced and named (the median of ``files``). How much it costs depends on the file system
    and on where the folder lies in it, not on handouts: on one ext4 disk it was measured at 0.06 ms
    in one folder and 1.3 ms in another, a minute apart."""
    data = os.urandom(NEW_FILE_BYTES)
    times = []
    with tempfile.TemporaryDirectory(dir=work, prefix=".bench-") as folder:
        for index in range(files):
            start = time.process_time()
            temp = os.path.join(folder, f".{index}.tmp")
            descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(descriptor, data)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.rename(temp, os.path.join(folder, f"{index}.pdf"))
            times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def _children_cpu() -> float:
    """CPU seconds of every finished child process (and theirs), user and system."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def plain(action: Callable[[], object]) -> object:
    """``action`` on the plain path (HANDOUTS_FAST_PATH=0), as the project made handouts before the fast path."""
    os.environ["HANDOUTS_FAST_PATH"] = "0"
    try:
        return action()
    finally:
        os.environ.pop("HANDOUTS_FAST_PATH", None)


COLD_FLOOR_CHILD = """
import json, sys
from io import BytesIO
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
if sys.argv[3:]:  # the other libraries a handout needs, imported and unused: the least any cold make pays
    import click, jinja2, reportlab.platypus
fonts, size, pages = json.load(open(sys.argv[1]))
for name, path in fonts.items():  # the shipped fonts, registered by ReportLab alone (no handouts module)
    pdfmetrics.registerFont(TTFont(name, path))
buffer = BytesIO()
canvas = Canvas(buffer, pagesize=size, invariant=True, initialFontName=next(iter(fonts)))
for lines in pages:
    for x, y, text, font, font_size in lines:
        canvas.setFont(font, font_size)
        canvas.drawString(x, y, text)
    canvas.showPage()
canvas.save()
open(sys.argv[2], "wb").write(buffer.getvalue())
"""


def cold(work: Path, drawn: list[Any], size: tuple[float, float], repeats: int) -> dict[str, float]:
    """Median CPU milliseconds of fresh processes: `handouts make` (fast, plain), and the text floor."""
    lines = work / "floor-lines.json"
    fonts = {name: str(FONTS_DIR / file) for name, file in _FONT_FILES.items()}  # FONT first
    lines.write_text(json.dumps([fonts, size, [page.lines for page in drawn]]))
    import compileall

    import handouts

    compileall.compile_dir(str(Path(handouts.__file__).parent), quiet=1)  # as an installed copy has it
    make = [sys.executable, "-m", "handouts.cli", "make", "--patient-id", "cold-1", "--name", REQUEST.patient.name,
            "--diagnosis", REQUEST.diagnosis, "--phase", REQUEST.phase, "--start-date", str(REQUEST.start_date),
            "--weeks", str(REQUEST.weeks), "--clinician", REQUEST.clinician, "-o", str(work / "cold"), "--force"]
    filled = work / "cache-filled"
    subprocess.run(make, check=True, capture_output=True, env={**os.environ, "XDG_CACHE_HOME": str(filled)})
    runs = {
        "cold_make_ms": (make, {"XDG_CACHE_HOME": str(filled)}),
        "cold_make_empty_ms": (make, {}),  # a new, empty cache folder each time
        "cold_plain_ms": (make, {"HANDOUTS_FAST_PATH": "0"}),
        "cold_floor_ms": ([sys.executable, "-c", COLD_FLOOR_CHILD, str(lines), str(work / "cold-floor.pdf")], {}),
        "cold_libraries_ms": ([sys.executable, "-c", COLD_FLOOR_CHILD, str(lines), str(work / "cold-libs.pdf"),
                               "libraries"], {}),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_number in range(repeats):  # interleaved, as the warm figures
        for name, (command, env) in runs.items():
            env = {"XDG_CACHE_HOME": str(work / f"cache-empty-{name}-{round_number}"), **env}
            before = _children_cpu()
            subprocess.run(command, check=True, capture_output=True, env={**os.environ, **env})
            times[name].append((_children_cpu() - before) * 1000)
    return {name: statistics.median(found) for name, found in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--memory-rows", default="1000,10000,100000",
                        help="row counts for the parent's memory (comma-separated; empty: skip)")
    parser.add_argument("--cold-repeats", type=int, default=5, help="fresh processes per cold figure")
    parser.add_argument("--batch-rounds", type=int, default=3,
                        help="1-worker batches, each with its rows' floor timed between its rows (the median counts)")
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent.parent / "output",
                        help="the folder the batches write in (each in a new folder of its own, removed after); "
                             "default: the project's output/, where 'handouts batch' writes")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    memory_rows = [int(n) for n in args.memory_rows.split(",") if n.strip()]

    library = open_library()
    register_fonts()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        full_pdf, layout_pdf = work / "full.pdf", work / "layout.pdf"
        written = write_handout(REQUEST, full_pdf, library=library, force=True)
        results["pages"] = written.handout.pages
        size, drawn = read_pages(full_pdf)
        plan = make_plan(REQUEST, library.dataset)
        html = to_html(compose(plan, library.templates(plan.language), today=REQUEST.start_date),
                       clinic_address=", ".join(plan.clinic.address))
        full = lambda: write_handout(REQUEST, full_pdf, library=library, force=True)  # noqa: E731
        actions: dict[str, Callable[[], object]] = {
            "full_ms": full,
            "layout_ms": lambda: write_handout(REQUEST, layout_pdf, library=library, force=True,
                                               options=PrintOptions(use_cover=False)),
            "text_floor_ms": text_floor(size, drawn, work / "text-floor.pdf"),
            "fair_floor_ms": fair_floor(size, drawn, work / "fair-floor.pdf"),
        }
        # The batch's rows are other handouts (six plans, two weeks each): their own text floor, averaged
        # over the rows, is what a row is measured against.
        row_pages: list[tuple[tuple[float, float], Any]] = []
        for index, request in enumerate(row_requests()):
            row_pdf = work / f"row-{index}.pdf"
            write_handout(request, row_pdf, library=library, force=True)
            row_size, row_drawn = read_pages(row_pdf)
            row_pages.append((row_size, row_drawn))
            actions[f"row_floor_{index}"] = text_floor(row_size, row_drawn, work / f"row-floor-{index}.pdf")
        results.update(interleaved_ms(actions, args.repeats))
        row_floors = [results.pop(name) for name in list(results) if name.startswith("row_floor_")]
        results["row_text_floor_ms"] = statistics.mean(row_floors)
        # The slow comparisons in rounds of their own: a plain-path handout (some 200 ms) or a WeasyPrint
        # one (500 ms) between the warm figures' rounds fills the caches with its own work, which no warm
        # process that makes handouts does; a handout among them is reported too ("full_among_slow_ms").
        slow: dict[str, Callable[[], object]] = {
            "plain_ms": lambda: plain(lambda: write_handout(REQUEST, work / "plain.pdf", library=library, force=True)),
            "full_among_slow_ms": full,
        }
        weasy = weasyprint_action(html)
        if weasy is not None:
            slow["weasyprint_ms"] = weasy
        results.update(interleaved_ms(slow, args.repeats, every={"weasyprint_ms": 5}))

        results.update(cold(work, drawn, size, args.cold_repeats))
        csv_path = work / "patients.csv"
        write_csv(csv_path, args.rows)
        # A batch is one long sample on a shared machine: several batches, each against its rows' text floor
        # timed between its rows (and, for comparison, right after it), and the median of those ratios.
        row_floor_actions = {name: action for name, action in actions.items() if name.startswith("row_floor_")}
        args.work.mkdir(parents=True, exist_ok=True)
        floors_file = work / "row-floors.pickle"
        with floors_file.open("wb") as pickled:
            pickle.dump(row_pages, pickled)
        rounds = []
        for _ in range(max(args.batch_rounds, 1)):
            new_file = new_file_ms(args.work)
            one = batch(csv_path, 1, args.work, floors_file)
            cpu_ms = one["cpu_s"] * 1000 / max(one["written"], 1)
            after_ms = statistics.mean(interleaved_ms(row_floor_actions, 5).values())
            rounds.append((cpu_ms / one["floor_ms"], cpu_ms, one["floor_ms"], after_ms, one, new_file))
        rounds.sort(key=lambda found: found[0])
        ratio, row_ms, results["batch1_floor_ms"], results["batch1_floor_after_ms"], one, results["new_file_ms"] = (
            rounds[len(rounds) // 2])
        results["batch1_rounds"] = len(rounds)
        results["batch1_ratio_low"], results["batch1_ratio_high"] = rounds[0][0], rounds[-1][0]
        results["batch1_row_over_text_floor"] = ratio
        results["batch1_row_over_floor_after"] = row_ms / results["batch1_floor_after_ms"]
        results["batch1_each"] = [{"row_ms": row_ms, "floor_ms": floor_ms, "floor_after_ms": after_ms,
                                   "new_file_ms": new_file} for _, row_ms, floor_ms, after_ms, _, new_file in rounds]
        two = batch(csv_path, 2, args.work)
        memory = [parent_memory(rows, work) for rows in memory_rows]
    results.update({
        "rows": args.rows,
        "batch1_per_s": one["written"] / one["seconds"], "batch2_per_s": two["written"] / two["seconds"],
        "batch1_s": one["seconds"], "batch2_s": two["seconds"],
        "batch1_cpu_ms_per_row": one["cpu_s"] * 1000 / max(one["written"], 1),
        "parent_rss_mb": two["parent_rss_mb"],  # the 1-worker batch's process also renders and times floors
        "worker_rss_mb": two["worker_rss_mb"],
        "combined_mb": two["combined_bytes"] / 1e6,
        "combined_mb_per_1000": two["combined_bytes"] / 1e6 * 1000 / max(two["written"], 1),
    })
    for figures in memory:
        results[f"parent_{figures['rows']}_rows_mb"] = figures["peak_mb"]
        results[f"parent_{figures['rows']}_rows_first_mb"] = figures["first_row_mb"]
    results["full_over_text_floor"] = results["full_ms"] / results["text_floor_ms"]
    results["full_over_fair_floor"] = results["full_ms"] / results["fair_floor_ms"]
    if "weasyprint_ms" in results:
        results["weasyprint_over_full"] = results["weasyprint_ms"] / results["full_ms"]
    results["plain_over_full"] = results["plain_ms"] / results["full_ms"]
    results["cold_make_over_cold_floor"] = results["cold_make_ms"] / results["cold_floor_ms"]
    results["cold_libraries_over_cold_floor"] = results["cold_libraries_ms"] / results["cold_floor_ms"]
    results["batch2_over_batch1"] = results["batch2_per_s"] / results["batch1_per_s"]
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def table(r: dict[str, float]) -> str:
    memory = sorted(int(k.split("_")[1]) for k in r if k.endswith("_rows_mb"))
    flat = (f"{r[f'parent_{memory[0]}_rows_mb']:.0f} -> {r[f'parent_{memory[-1]}_rows_mb']:.0f} MB"
            if memory else "not measured")
    rows = [
        ("full (plan, layout, cover, write)", f"{r['full_ms']:.1f} ms", f"{int(r['pages'])} pages with cover, CPU"),
        ("full, plain path (HANDOUTS_FAST_PATH=0)", f"{r['plain_ms']:.1f} ms",
         f"the fast path is {r['plain_over_full']:.1f}x quicker"),
        ("full, between plain-path and WeasyPrint runs", f"{r['full_among_slow_ms']:.1f} ms",
         f"{r['full_among_slow_ms'] / r['text_floor_ms']:.2f}x the text floor"),
        ("layout only (no cover)", f"{r['layout_ms']:.1f} ms", ""),
        ("text floor (the text on a bare canvas)", f"{r['text_floor_ms']:.1f} ms", ""),
        ("fair floor (text, boxes, figures)", f"{r['fair_floor_ms']:.1f} ms", ""),
        ("text floor of a batch row", f"{r['row_text_floor_ms']:.1f} ms",
         f"mean of the {len(DIAGNOSES)} plans the CSV repeats, {ROW_WEEKS} weeks each"),
        ("WeasyPrint, equivalent HTML", f"{r['weasyprint_ms']:.0f} ms" if "weasyprint_ms" in r else "not installed",
         "pip install weasyprint" if "weasyprint_ms" not in r else ""),
        ("cold `handouts make` (fresh process)", f"{r['cold_make_ms']:.0f} ms", "CPU, fast path, filled disk cache"),
        ("cold `handouts make`, empty disk cache", f"{r['cold_make_empty_ms']:.0f} ms", ""),
        ("cold `handouts make`, plain path", f"{r['cold_plain_ms']:.0f} ms", ""),
        ("cold floor (import ReportLab, text floor)", f"{r['cold_floor_ms']:.0f} ms",
         "ReportLab's canvas and the shipped fonts alone: no handouts module"),
        ("cold floor + Click, Jinja2, platypus imported", f"{r['cold_libraries_ms']:.0f} ms",
         f"{r['cold_libraries_over_cold_floor']:.2f}x the cold floor: the least a make on these libraries pays"),
        (f"batch, 1 worker, {int(r['rows'])} rows", f"{r['batch1_per_s']:.1f} /s",
         f"{r['batch1_s']:.1f} s; {r['batch1_cpu_ms_per_row']:.1f} ms CPU a row"),
        ("a new file in the batch's folder", f"{r['new_file_ms']:.2f} ms",
         f"CPU to create, write {NEW_FILE_BYTES // 1000} KB, sync and name it; a row makes 3 (the disk's share)"),
        (f"batch, 2 workers, {int(r['rows'])} rows", f"{r['batch2_per_s']:.1f} /s", f"{r['batch2_s']:.1f} s"),
        ("peak memory: parent / a worker", f"{r['parent_rss_mb']:.0f} / {r['worker_rss_mb']:.0f} MB", ""),
        ("combined print file", f"{r['combined_mb']:.1f} MB", f"{int(r['rows'])} handouts"),
        *((f"parent memory, {int(rows):,} rows", f"{r[f'parent_{rows}_rows_mb']:.0f} MB",
           f"{r[f'parent_{rows}_rows_first_mb']:.0f} MB at the first row")
          for rows in memory),
        ("TARGETS (issue 19)", "", ""),
        ("full / text floor", f"{r['full_over_text_floor']:.2f}x", _met(r['full_over_text_floor'] <= 1.6)
         + "target 1.6x or less, stretch 1.3x"),
        ("full / fair floor", f"{r['full_over_fair_floor']:.2f}x", _met(r['full_over_fair_floor'] <= 0.8)
         + "target 0.8x or less"),
        ("batch row (1 worker, CPU) / its text floor", f"{r['batch1_row_over_text_floor']:.2f}x",
         _met(r['batch1_row_over_text_floor'] <= 1.8) + "target 1.8x or less; median of "
         f"{int(r['batch1_rounds'])} batches ({r['batch1_ratio_low']:.2f}x to {r['batch1_ratio_high']:.2f}x), "
         f"floor {r['batch1_floor_ms']:.1f} ms between its rows; against the floor after it "
         f"({r['batch1_floor_after_ms']:.1f} ms) {r['batch1_row_over_floor_after']:.2f}x"),
        ("cold make / cold floor", f"{r['cold_make_over_cold_floor']:.2f}x",
         _met(r['cold_make_over_cold_floor'] <= 1.5) + "target 1.5x or less, with a filled disk cache"),
        (("WeasyPrint / full", f"{r['weasyprint_over_full']:.0f}x", _met(r['weasyprint_over_full'] >= 40)
          + "target 40x or more") if "weasyprint_over_full" in r
         else ("WeasyPrint / full", "-", "not measured: pip install weasyprint")),
        ("print file of 1,000 handouts", f"{r['combined_mb_per_1000']:.1f} MB",
         _met(r['combined_mb_per_1000'] <= 8) + "target 8 MB or less"
         + ("" if int(r["rows"]) == 1000 else f" (scaled from {int(r['rows'])} rows)")),
        ("parent memory, fewest -> most rows", flat, "target flat in rows"),
        ("batch(2) / batch(1)", f"{r['batch2_over_batch1']:.2f}x", "target 1.8x (2 cores shared)"),
    ]
    width = max(len(name) for name, _, _ in rows)
    return "\n".join(f"{name:<{width}}  {value:>14}  {note}" for name, value, note in rows)


def _met(ok: bool) -> str:
    return "met:     " if ok else "NOT met: "


if __name__ == "__main__":
    sys.exit(main())

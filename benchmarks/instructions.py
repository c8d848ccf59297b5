"""Instructions a warm handout takes, and its text floor: a measure that does not move with the machine.

    python benchmarks/instructions.py [--count 10] [--batch-rows 20,120]

CPU time on a shared machine moves by a tenth from run to run; an instruction count
(valgrind's callgrind) is the same every time, so it shows what a change to the code did.
Each figure runs in its own process under callgrind with instrumentation off: the process
makes 15 handouts (or text floors) to warm up, then instrumentation is switched on
(``callgrind_control -i on``) and it makes ``--count`` more. The same with none is
subtracted, so the process's exit (the disk caches written) is not counted.

A batch row is counted whole, in a process of its own from start to exit: a 1-worker batch of
each size in ``--batch-rows`` (CSV rows as ``bench.py`` writes them), the instructions a row
being the difference between the two batches over the rows between them, and the rest the
process's start (imports, fonts, the first handouts) and exit; beside it, the warm text floors
of the batch's six plans, a row each in turn. Kernel time
(the synced files) and how fast the instructions run are not in these numbers: compare them
with ``bench.py``'s CPU times. Needs valgrind (Debian/Ubuntu: apt-get install valgrind).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WARM_UP = 15


def child(kind: str, count: int, signal: Path) -> None:
    """Runs under callgrind: warm up, say so, wait for instrumentation, then make ``count`` of ``kind``."""
    sys.path.insert(0, str(HERE))
    from bench import REQUEST, row_requests
    from floors import read_pages, text_floor

    from handouts.render.pdf.fonts import register_fonts
    from handouts.run.handout import write_handout
    from handouts.run.library import open_library

    if kind == "batch":  # counted whole, start to exit: no warm-up, no signals
        from bench import write_csv

        from handouts.run.batch import BatchOptions, run

        csv_path = signal.with_suffix(".csv")
        write_csv(csv_path, count)
        run(csv_path, BatchOptions(output=signal.with_suffix(".out"), workers=1,
                                   combined=signal.with_suffix(".out") / "print.pdf"))
        return
    library = open_library()
    register_fonts()
    out = signal.with_suffix(".pdf")
    write_handout(REQUEST, out, library=library, force=True)
    if kind == "handout":
        def action() -> object:
            return write_handout(REQUEST, out, library=library, force=True)
    elif kind == "rowfloor":  # the batch's six plans' text floors, one each in turn
        floors = []
        for index, request in enumerate(row_requests()):
            path = signal.with_name(f"{signal.name}-row{index}.pdf")
            write_handout(request, path, library=library, force=True)
            floors.append(text_floor(*read_pages(path), signal.with_name(f"{signal.name}-floor{index}.pdf")))
        turn = iter(range(1 << 62))

        def action() -> object:
            return floors[next(turn) % len(floors)]()
    else:
        size, drawn = read_pages(out)
        action = text_floor(size, drawn, signal.with_suffix(".floor.pdf"))
    for _ in range(WARM_UP):
        action()
    signal.with_suffix(".warm").write_text("warm")
    while not signal.with_suffix(".go").exists():
        time.sleep(0.05)
    for _ in range(count):
        action()


def measure(kind: str, count: int, folder: Path) -> int:
    """Instructions of ``count`` warm ``kind`` (handout or floor) in a process under callgrind."""
    signal = folder / f"{kind}-{count}"
    out = folder / f"{kind}-{count}.callgrind"
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         sys.executable, __file__, "--child", kind, str(count), str(signal)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONHASHSEED": "0"})
    while not signal.with_suffix(".warm").exists():
        if process.poll() is not None:
            raise SystemExit(f"the {kind} process ended early (exit {process.returncode})")
        time.sleep(0.2)
    subprocess.run(["callgrind_control", "-i", "on", str(process.pid)], check=True, capture_output=True)
    signal.with_suffix(".go").write_text("go")
    if process.wait() != 0:
        raise SystemExit(f"the {kind} process failed (exit {process.returncode})")
    found = re.search(r"^summary: (\d+)", out.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no summary in {out}")
    return int(found[1])


def measure_batch(rows: int, folder: Path, name: str) -> int:
    """Instructions of a whole 1-worker batch of ``rows`` rows into a new folder, in a process under callgrind."""
    signal = folder / name
    out = folder / f"{name}.callgrind"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    sys.executable, __file__, "--child", "batch", str(rows), str(signal)],
                   check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"^summary: (\d+)", out.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no summary in {out}")
    return int(found[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--batch-rows", default="20,120",
                        help="the two batch sizes a batch row is counted between (none: --batch-rows '')")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, count, signal = args.child
        child(kind, int(count), Path(signal))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        per = {}
        for kind in ("handout", "floor"):
            per[kind] = (measure(kind, args.count, Path(folder)) - measure(kind, 0, Path(folder))) / args.count
            print(f"{kind:8s} {per[kind] / 1e6:6.1f} million instructions a {kind}")
        print(f"handout / text floor  {per['handout'] / per['floor']:.2f}x in instructions")
        sizes = sorted({int(n) for n in args.batch_rows.split(",") if n.strip()})
        if len(sizes) == 2:
            # The disk cache (cards, figures) and the byte-compiled package as a second run finds them.
            measure_batch(sizes[0], Path(folder), "batch-warm-up")
            small, large = (measure_batch(rows, Path(folder), f"batch-{rows}") for rows in sizes)
            row = (large - small) / (sizes[1] - sizes[0])
            start = small - row * sizes[0]
            floors = 6 * max(1, round(args.count / 6))  # each of the six plans as often
            floor = (measure("rowfloor", floors, Path(folder)) - measure("rowfloor", 0, Path(folder))) / floors
            print(f"batch row {row / 1e6:6.1f} million instructions a row (1 worker, print file included), and "
                  f"{start / 1e6:,.0f} million to start and end the process")
            print(f"row floor {floor / 1e6:6.1f} million instructions, the text floors of the batch's six plans")
            print(f"batch row / its text floor  {row / floor:.2f}x in instructions; with the start shared by "
                  f"1,000 rows {(row + start / 1000) / floor:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

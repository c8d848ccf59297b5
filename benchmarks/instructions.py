"""Instructions a warm handout takes, and its text floor: a measure that does not move with the machine.

    python benchmarks/instructions.py [--count 10]

CPU time on a shared machine moves by a tenth from run to run; an instruction count
(valgrind's callgrind) is the same every time, so it shows what a change to the code did.
Each figure runs in its own process under callgrind with instrumentation off: the process
makes 15 handouts (or text floors) to warm up, then instrumentation is switched on
(``callgrind_control -i on``) and it makes ``--count`` more. The same with none is
subtracted, so the process's exit (the disk caches written) is not counted. Kernel time
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
    from bench import REQUEST
    from floors import read_pages, text_floor

    from handouts.render.pdf.fonts import register_fonts
    from handouts.run.handout import write_handout
    from handouts.run.library import open_library

    library = open_library()
    register_fonts()
    out = signal.with_suffix(".pdf")
    write_handout(REQUEST, out, library=library, force=True)
    if kind == "handout":
        def action() -> object:
            return write_handout(REQUEST, out, library=library, force=True)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

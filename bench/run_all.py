"""Run every benchmark module in bench/ and write docs/benchmarks.md.

Each module `bench/bench_*.py` exposes `run() -> str`, returning one Markdown section
(a `## Heading` and its figures). Figures are measured here, on the machine running
`make bench`; nothing in the file is typed by hand.
"""

import datetime
import importlib
import os
import pathlib
import platform
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(selected: list[str]) -> None:
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    sections = []
    for name in names:
        print(f"running {name} ...", flush=True)
        module = importlib.import_module(f"bench.{name}")
        sections.append(module.run().strip())
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (bench/run_all.py); do not edit by hand.\n\n"
        f"- measured: {datetime.date.today().isoformat()}\n"
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text(header + "\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])

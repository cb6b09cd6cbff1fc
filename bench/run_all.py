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


MARKER = "<!-- section: {} -->"


def previous_sections(path: pathlib.Path) -> dict[str, str]:
    """The sections an earlier run wrote, by module name (kept when only some are re-run)."""
    if not path.exists():
        return {}
    sections = {}
    for chunk in path.read_text(encoding="utf-8").split("<!-- section: ")[1:]:
        name, _, body = chunk.partition(" -->")
        sections[name] = body.strip()
    return sections


def main(selected: list[str]) -> None:
    out = ROOT / "docs" / "benchmarks.md"
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    kept = previous_sections(out)
    sections = []
    for name in names:
        if selected and not any(s in name for s in selected):
            if name in kept:
                sections.append(MARKER.format(name) + "\n" + kept[name])
            continue
        print(f"running {name} ...", flush=True)
        module = importlib.import_module(f"bench.{name}")
        sections.append(MARKER.format(name) + "\n" + module.run().strip())
    # Sections written by other tools (`make loadtest`: "loadtest") are kept as they are.
    sections += [MARKER.format(name) + "\n" + body for name, body in sorted(kept.items())
                 if name not in names]
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (bench/run_all.py); do not edit by hand. `make bench "
        "BENCH=name` re-runs one module and keeps the other sections as last measured.\n\n"
        f"- measured: {datetime.date.today().isoformat()}\n"
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    out.write_text(header + "\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])

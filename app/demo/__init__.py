"""The demo content: three invented articles with two annotators' work (demo.jsonl, in the
interchange format of docs/formats.md), the claimant registry they refer to (claimants.json) and
annotation guidelines (guidelines.md). This package only says where the files are."""

import pathlib

DEMO_DIR = pathlib.Path(__file__).resolve().parent
DEMO_FILES = ("demo.jsonl", "claimants.json", "guidelines.md")


def demo_path(name: str) -> pathlib.Path:
    """Path of one of DEMO_FILES."""
    if name not in DEMO_FILES:
        raise ValueError(f"no demo file named {name!r}; expected one of {', '.join(DEMO_FILES)}")
    return DEMO_DIR / name

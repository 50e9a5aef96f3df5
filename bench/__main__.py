"""`python -m bench [NAME ...]`: runs every benchmark module, or the named ones."""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Before any benchmark module is imported: some import models at their top.
django.setup()


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    modules = {p.stem.removeprefix("bench_"): f"bench.{p.stem}" for p in here.glob("bench_*.py")}
    # A benchmark that grew past one module is a package: bench/load/.
    modules |= {p.parent.name: f"bench.{p.parent.name}" for p in here.glob("*/__init__.py")}
    names = sorted(modules)
    chosen = [a for a in argv if not a.startswith("-")] or names
    unknown = set(chosen) - set(names)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}")
        return 2
    for name in chosen:
        module = importlib.import_module(modules[name])
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        module.main([a for a in argv if a.startswith("-")])
        print(f"--- {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

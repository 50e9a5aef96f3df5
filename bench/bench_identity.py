"""Names and job titles against the hand-labelled sample, beside the earlier rule.

`python -m bench identity [--mistakes]`. Reads the 150 resumes of
`matcher/evaluation/data/identity_labels.csv` from ../shared (livecareer PDFs, DOCX) and the
repository (plain text), and prints precision and recall of the name and the title on the dev
half (rules were tuned on it), the test half (never tuned on) and both. `--mistakes` lists the
dev half's wrong answers only, so the test half stays unread.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matcher.evaluation import identity  # noqa: E402

SHARED = Path(os.environ.get("ROLEMATCH_SHARED_DIR", ROOT.parent / "shared"))


def main(argv: list[str]) -> None:
    if not (SHARED / "datasets").is_dir():
        print(f"{SHARED} is absent: nothing to measure")
        return
    results = identity.run(SHARED)
    print(identity.report(results))
    if "--mistakes" in argv:
        for field in ("name", "title"):
            for key, got, gold in results["RoleMatch"]["dev"][field].mistakes:
                print(f"{field:<5} {key:<28} got {got!r}, label {gold!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

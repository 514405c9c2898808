"""Time `invoke serve`'s quick path on a built corpus: print the median milliseconds to re-render an edited report.

Usage: python bench/preview.py CONTENT OUTPUT (run by bench/run.py after the Sitrep builds, so OUTPUT is warm).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from sitrep.preview import Preview  # noqa: E402

EDITS = 3


def main(content: Path, output: Path) -> None:
    """Build (warm), then edit one report a few times and time each quick re-render."""
    preview = Preview(content, output.resolve(), ROOT / "pelicanconf.py", io.StringIO())
    if preview.rebuild() != 0:
        sys.exit(preview.stream.getvalue())
    report = sorted((content / "reports").rglob("*.md"))[0]  # the one the builds edited: published
    times = []
    for number in range(EDITS):
        report.write_text(report.read_text(encoding="utf-8") + f"\n\nPreview edit {number}.\n", encoding="utf-8")
        started = time.perf_counter()
        if not preview.quick([str(report)]):
            sys.exit(f"{report}: the preview did not re-render it")
        times.append(time.perf_counter() - started)
    print(f"{statistics.median(times) * 1000:.0f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

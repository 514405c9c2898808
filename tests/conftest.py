"""Shared helpers: write small fixture sites into tmp_path and build them."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from sitrep.dates import parse_moment
from sitrep.entities import load_registry
from sitrep.markdown import render
from sitrep.model import Report
from sitrep.settings import load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SETTINGS = ROOT / "pelicanconf.py"


def report_text(title: str = "A report", date: str = "2016-01-12", body: str = "Body text.", **fields: str) -> str:
    """Return a report file's text; extra fields are written as given (YAML)."""
    lines = [f'title: "{title}"', f"date: {date}", f"region: {fields.pop('region', 'Western')}"]
    lines.append(f"actors: {fields.pop('actors', '[]')}")
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + textwrap.dedent(body)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (relative path -> text or bytes) under root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each test from its tmp_path, as an author runs commands from the site's folder."""
    monkeypatch.chdir(tmp_path)  # problem paths are named from the current folder


@pytest.fixture
def site_dir(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Return a function that writes a content folder and gives its path."""

    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "content", files)

    return make


def run_build(content: Path, output: Path) -> tuple[int, str]:
    """Build content into output in this process; return the exit code and messages."""
    from sitrep.build import build

    stream = io.StringIO()
    code = build(content, output, SETTINGS, stream=stream)
    return code, stream.getvalue()


def settings_file(folder: Path, *lines: str) -> Path:
    """Write a settings file: the project's pelicanconf.py plus these lines."""
    conf = folder / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'themes/sitrep')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        + "\n".join(lines)
        + "\n"
    )
    return conf


def run_check(content: Path) -> tuple[int, str]:
    """Check content in this process; return the exit code and messages."""
    from sitrep.build import check

    stream = io.StringIO()
    code = check(content, SETTINGS, stream=stream)
    return code, stream.getvalue()


def tree(root: Path) -> dict[str, bytes]:
    """Return every file under root with its bytes, keyed by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# Reports built directly, without files, for the pure index, timeline and spelling tests.
CONFIG = load({})[0]
REGISTRY = load_registry(
    {"actors": ("actors.yaml", "- name: Islamic State\n  aliases: [ISIS, IS, Daesh]\n  kind: armed group\n")}
)[0]


def report(source: str, date: str, actors=(), locations=(), regions=("Western",), category=None) -> Report:
    moment = parse_moment(date)
    return Report(
        source=source,
        title=source,
        date=moment,
        regions=tuple(regions),
        actors=tuple(actors),
        locations=tuple(locations),
        category=category,
        summary="",
        sources=(),
        author=None,
        status="published",
        slug=source,
        updated=None,
        body_html=render("").html,
        feed_html="",
        url=f"r/{source}/",
        save_as=f"r/{source}/index.html",
        published=moment.instant(CONFIG.timezone),
        lines={"actors": 5},
    )


def newest_first(*reports: Report) -> list[Report]:
    return sorted(reports, key=Report.sort_key, reverse=True)

"""Sitrep commands (`invoke --list`): build, check, serve, new, publish, rollback, clean, screenshots, bench."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))
# invoke turns off writing compiled modules (for tasks.py's sake, without --write-pyc): every command then
# compiled Sitrep's modules anew, 0.05-0.1 s of each build. They are kept as any library's are, unless
# the environment says otherwise.
sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))

from sitrep import build as sitrep_build  # noqa: E402
from sitrep.cli import end_quietly_on_a_closed_pipe, in_utf8_mode  # noqa: E402

in_utf8_mode()  # before any file name is read: under a locale that is not UTF-8 this runs the command again

SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"


def _exit(code: int) -> None:
    """Leave with code, without invoke's traceback."""
    if code:
        raise Exit(code=code)


def _built(code: int) -> None:
    """Leave a build's command with its code, sparing Python's last collection of the build's objects."""
    gc.freeze()  # the process ends now: walking the model once more took 0.1 s at 1,000 reports
    _exit(code)


@task(help={"content": "content folder (default: content)", "output": "output folder (default: output)"})
def build(c, content="content", output="output"):
    """Build the site beside OUTPUT (afresh, or updating the output before last), then swap it in."""
    _built(sitrep_build.build(Path(content), Path(output), SETTINGS))


@task(help={"content": "content folder (default: content)", "dest": "published folder (default: public)"})
def publish(c, content="content", dest="public"):
    """Build with publishconf.py beside DEST, swap it in, keep the old copy for rollback."""
    _built(sitrep_build.build(Path(content), Path(dest), PUBLISH_SETTINGS, keep_previous=True))


@task(help={"dest": "published folder (default: public)"})
def rollback(c, dest="public"):
    """Put back the site the last publish replaced (run again to undo)."""
    _exit(sitrep_build.rollback(Path(dest)))


@task(
    optional=["changed"],
    help={
        "content": "content folder (default: content)",
        "changed": "only files changed since a git ref (default HEAD: uncommitted changes)",
        "format": "text (default), github (Actions annotations) or json",
        "strict": "fail on warnings too",
    },
)
def check(c, content="content", changed=None, format="text", strict=False):
    """Validate every report and the entity registry; write nothing."""
    base = "HEAD" if changed is True else changed
    if format not in sitrep_build.FORMATS and format != "json":
        raise Exit(f"--format must be text, github or json, not {format!r}", code=2)
    options = sitrep_build.CheckOptions(base, (), format, strict)
    end_quietly_on_a_closed_pipe()
    _exit(sitrep_build.check(Path(content), SETTINGS, options=options))


@task(
    help={
        "title": "the report's title",
        "region": "region name(s), comma-separated",
        "actors": 'actor names, comma-separated (quote a name with a comma: "Smith, John", ISIS)',
        "locations": "location names, comma-separated",
        "category": "one category",
        "date": "YYYY-MM-DD (default: today)",
        "content": "content folder (default: content)",
    }
)
def new(c, title, region, actors="", locations="", category=None, date=None, content="content"):
    """Write a new report with complete front matter; never overwrite."""
    import datetime
    import subprocess

    from sitrep.scaffold import day_at, new_day, not_text, scaffold, split_names, title_problem

    if not_text(title, region, actors, locations, category or ""):
        raise Exit("the title and names must be UTF-8 text (a byte of another encoding came in)", code=2)
    if problem := title_problem(title):
        raise Exit(problem, code=2)

    try:
        config, registry = sitrep_build.read_for_new(Path(content), SETTINGS)
    except sitrep_build.SettingsError as failure:
        raise Exit(str(failure), code=1) from None
    now = datetime.datetime.now(datetime.UTC)  # today is the desk's (TIMEZONE), not this machine's
    day = new_day(date, day_at(now, config.timezone if config else None))
    if isinstance(day, str):
        raise Exit(day, code=2)
    try:
        author = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True).stdout.strip() or None
    except OSError:  # no git: no author, which the front matter may then give
        author = None
    made = scaffold(title, day, region, split_names(actors), split_names(locations), registry, category, author)
    path = Path(content) / "reports" / made.path
    if path.exists():
        raise Exit(f"{path}: already exists; not overwritten", code=1)
    # as the build would refuse it, beside the reports already there
    if bad := sitrep_build.check_new(str(path), made.text, config, registry, Path(content)):
        raise Exit("\n".join([*(p.format() for p in bad), f"{path}: not written"]), code=2)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(made.text, encoding="utf-8")
    except OSError as failure:
        raise Exit(f"{path}: cannot write it: {failure.strerror or failure}", code=1) from None
    for note in made.notes:
        print(f"note: {note}")
    print(path)


@task(
    help={
        "port": "port to serve on (default 8000; 0 picks a free one)",
        "content": "content folder (default: content)",
        "output": "output folder (default: output)",
    }
)
def serve(c, port=8000, content="content", output="output"):
    """Build, serve on http://127.0.0.1:PORT/ and rebuild on every change, reloading open pages."""
    from sitrep.preview import Preview
    from sitrep.preview import serve as preview

    _exit(preview(Preview(Path(content), Path(output).resolve(), SETTINGS), int(port)))


@task(help={"output": "built site to photograph (default: output)", "dest": "folder for the PNGs"})
def screenshots(c, output="output", dest="docs/screenshots"):
    """Photograph the built site at desktop and phone width in Chromium (build first)."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(Path(output)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    shots = [("desktop.png", 1280, 900, ""), ("phone.png", 390, 844, "reports/2016/01/western-zliten-truck-bomb/")]
    Path(dest).mkdir(parents=True, exist_ok=True)
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for name, width, height, path in shots:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.goto(base + path)
            page.screenshot(path=str(Path(dest) / name))
            print(Path(dest) / name)
        browser.close()
    server.shutdown()


@task(
    help={
        "reports": "number of synthetic reports (default 1000)",
        "tools": "comma-separated subset of sitrep,pelican,hugo (default: all)",
        "runs": "time each tool this many times, tools in turn, and report the medians (default 1)",
    }
)
def bench(c, reports=1000, tools="sitrep,pelican,hugo", runs=1):
    """Time cold and repeated builds on a generated corpus; print a table (see docs/performance.md)."""
    import shlex

    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--reports", str(int(reports)), "--tools", tools]
    c.run(shlex.join([*command, "--runs", str(int(runs))]), pty=False)


@task(help={"output": "output folder to remove, with its build cache (default: output)"})
def clean(c, output="output"):
    """Remove the output folder and its build cache (the next build is a cold one)."""
    _exit(sitrep_build.clean(Path(output), {"the content": ROOT / "content", "the settings": SETTINGS}))

"""Sitrep commands: `invoke build`, `invoke check`, `invoke serve`, `invoke clean`."""

from __future__ import annotations

import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from sitrep import build as sitrep_build  # noqa: E402

SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"


def _exit(code: int) -> None:
    """Leave with code, without invoke's traceback."""
    if code:
        raise Exit(code=code)


@task(help={"content": "content folder (default: content)", "output": "output folder (default: output)"})
def build(c, content="content", output="output", publish=False):
    """Build the site into a fresh folder, then swap it into OUTPUT."""
    settings = PUBLISH_SETTINGS if publish else SETTINGS
    _exit(sitrep_build.build(Path(content), Path(output), settings))


@task(help={"content": "content folder (default: content)"})
def check(c, content="content"):
    """Validate every report and the entity registry; write nothing."""
    _exit(sitrep_build.check(Path(content), SETTINGS))


@task(help={"port": "port to serve on (default 8000)", "output": "folder to serve (default: output)"})
def serve(c, port=8000, output="output"):
    """Serve the built site on http://127.0.0.1:PORT/ (build first)."""
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(Path(output)))
    with http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), handler) as server:
        print(f"serving {output}/ on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        server.serve_forever()


@task
def clean(c, output="output"):
    """Remove the output folder."""
    import shutil

    shutil.rmtree(output, ignore_errors=True)

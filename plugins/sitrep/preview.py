"""`invoke serve`: build, serve the output, and rebuild on every change, with live reload.

An edited report's own page is re-rendered at once from the last build's state (well under a
second), then an incremental build brings lists, feeds and search up to date and swaps them in.
"""

from __future__ import annotations

import functools
import gc
import http.server
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar, TextIO

from . import build as sitrep_build
from .cache import write_whole
from .crosslinks import resolve
from .generator import SitrepGenerator, site_written
from .model import Report
from .pages import Page
from .pipeline import theme_paths
from .problems import Problem
from .reports import read_report
from .site import labels

POLL_SECONDS = 0.3
VERSION_PATH = "/__sitrep/version"
RELOAD_SCRIPT = (  # served with the version of the site the page was read from (reload_script)
    "<script>(function(){var seen=document.currentScript.dataset.version;setInterval(function(){"
    f"fetch('{VERSION_PATH}',{{cache:'no-store'}}).then(function(r){{return r.text()}})"
    ".then(function(v){if(v!==seen){location.reload()}}).catch(function(){})"
    "},1000)})();</script>"
)

Snapshot = Mapping[str, tuple[int, ...]]


def snapshot(roots: list[Path], skip: Path | None = None) -> dict[str, tuple[int, ...]]:
    """Return every file under the roots with its stamp: a file put in place by rename or `cp -p` changes it too.

    skip: the output folder, left out when it is inside the content (`--content . --output output`):
    the site a build writes is no edit to build again.
    """
    found = {}
    for root in roots:
        for path in _files(root, skip):
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
    return found


def _files(root: Path, skip: Path | None = None) -> Iterator[str]:
    """List the files under root (or root itself), skipping hidden ones, editors' backups and the folder skip."""
    if root.is_file():
        yield str(root)
        return
    skipped = os.path.abspath(skip) if skip else None
    walked: set[tuple[int, int]] = set()
    _first_time(str(root), walked)
    # Links are followed as the build follows them (the reports folder may be a link to another checkout).
    for folder, dirs, files in os.walk(root, followlinks=True):
        kept = [d for d in dirs if not d.startswith(".") and os.path.abspath(os.path.join(folder, d)) != skipped]
        dirs[:] = [d for d in kept if _first_time(os.path.join(folder, d), walked)]
        yield from (os.path.join(folder, f) for f in files if not f.startswith((".", "#", "~")) and not f.endswith("~"))


def _first_time(folder: str, walked: set[tuple[int, int]]) -> bool:
    """Say whether a folder is walked for the first time, and note it: a link up or in a loop is not walked again."""
    try:
        info = os.stat(folder)
    except OSError:  # a link to nothing
        return False
    identity = (info.st_dev, info.st_ino)
    if identity in walked:
        return False
    walked.add(identity)
    return True


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """Return the files added, removed or modified between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


@dataclass
class Preview:
    """The state of a preview session: the last good build and a version that bumps on every update."""

    content: Path
    output: Path
    settings_file: Path
    stream: TextIO = sys.stderr
    generator: SitrepGenerator | None = None
    version: int = 0
    shown: list[Page] = field(default_factory=list)  # the last good pages the quick path wrote over

    def roots(self) -> list[Path]:
        """Return what to watch: the content, the settings, and the theme the last build used (the settings name it)."""
        theme = theme_paths(self.generator.settings) if self.generator else []
        return [self.content, self.settings_file, *theme]

    @property
    def not_found(self) -> str:
        """Return the file of the site's 404 page (NOT_FOUND_SAVE_AS), as the last build planned it."""
        config = self.generator.outcome.config if self.generator else None
        return config.not_found.format()[1] if config else "404.html"

    def rebuild(self) -> int:
        """Build incrementally, remembering the generator; return the exit code."""

        def remember(sender: SitrepGenerator, written: object) -> None:
            self.generator = sender

        site_written.connect(remember)
        try:
            force = self.generator is None  # the quick path needs a build's state, even of an unchanged site
            code = sitrep_build.build(self.content, self.output, self.settings_file, self.stream, force=force)
        finally:
            site_written.disconnect(remember)
        # The build freezes the model it reads, and unfreezing puts it with the oldest objects, which
        # only a full collection frees: each build's model, cycles and all, stayed (20 MB a save at
        # 1,000 reports). One collection now costs some 60 ms there.
        gc.collect()
        self.version += code == 0
        return code

    def quick(self, paths: list[str]) -> list[str]:
        """Re-render the pages of edited reports in place, from the last build; return their URLs."""
        if self.generator is None:
            return []
        done = []
        for path in paths:
            found = self._page_for(Path(path))
            if found is not None:
                old, page = found
                self._write(page)
                self.shown.append(old)
                done.append(page.url)
        self.version += bool(done)
        return done

    def undo_quick(self) -> None:
        """Put back the pages the quick path wrote (the full build failed: the output is the last good site)."""
        for page in self.shown:
            self._write(page)
        self.version += bool(self.shown)
        self.shown = []

    def _write(self, page: Page) -> None:
        """Render a page with the last build's state and write it whole into the output."""
        assert self.generator is not None
        text = self.generator.render_page(page).encode()
        write_whole(self.output / page.save_as, lambda stream: stream.write(text))

    def _page_for(self, path: Path) -> tuple[Page, Page] | None:
        """Return the edited report's page as last built and with the new text (None: moved, new, a draft, wrong)."""
        generator = self.generator
        assert generator is not None and generator.outcome.config and generator.outcome.site
        label = next(iter(labels(self.content, [path])))
        old = next((p for p in generator.outcome.pages if _source(p) == label), None)
        if old is None or not path.is_file():
            return None
        relative = path.relative_to(self.content).as_posix()
        outcome, site = generator.outcome, generator.outcome.site
        history = site.history.get(relative)  # as the full build dates it: Filed, Updated and author from git
        read = read_report(label, path.read_bytes(), outcome.config, site.registry, relative, history)  # type: ignore[arg-type]
        report = read.report
        if report is None or report.save_as != old.save_as or report.is_draft or _errors(read.problems):
            return None  # the full build that follows reports it, moves it, or takes it down
        targets = {other.path: other for other in site.reports}
        drafted = frozenset(draft.path for draft in site.drafts)
        report = resolve(report, targets, drafted, outcome.config.site_url)[0]  # type: ignore[union-attr]
        return old, replace(old, variables={**old.variables, "report": report})


def _errors(problems: list[Problem]) -> bool:
    """Return True if any problem is an error."""
    return any(p.is_error for p in problems)


def _source(page: Page) -> str | None:
    """Return the source of a report page's report."""
    report = page.variables.get("report") if page.template == "report" else None
    return report.source if isinstance(report, Report) else None


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve the output; add the live-reload script to HTML pages; answer the version endpoint."""

    preview: Preview
    # OPML has no type in Python's table: a browser would download the feed list instead of showing it.
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".opml": "text/x-opml",
    }

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the build's own lines are what matter."""

    def send_head(self):  # type: ignore[no-untyped-def]
        """Answer the version endpoint and HTML pages ourselves; the rest as files."""
        if self.path.split("?")[0] == VERSION_PATH:
            return self._send(str(self.preview.version).encode(), "text/plain")
        _wait_for(Path(self.directory))  # a build swaps the output in with two renames: between them it is gone
        try:
            path = Path(self.translate_path(self.path))
            page = path / "index.html" if path.is_dir() and self.path.split("?")[0].endswith("/") else path
            if page.suffix == ".html" and page.is_file():
                version = self.preview.version  # before the page is read: a newer page only reloads once more
                return self._send(_reloading(page.read_text(encoding="utf-8"), version), "text/html; charset=utf-8")
            return super().send_head()
        except (OSError, ValueError):  # a name too long for a file, a NUL byte: no such page
            self.send_error(404, "File not found")
            return None

    def list_directory(self, path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        """Answer a folder without an index page as a published site does (no listing): with its 404 page."""
        self.send_error(404, "File not found")
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a missing page with the site's 404 page, as a web server set up for it does."""
        missing = Path(str(self.directory)) / self.preview.not_found
        version = self.preview.version
        if code != 404 or not missing.is_file():
            return super().send_error(code, message, explain)
        # Served at the root here: its links, relative to the root, must not follow the missing address.
        html = missing.read_text(encoding="utf-8").replace("<head>", '<head>\n<base href="/">', 1)
        answer = self._send(_reloading(html, version), "text/html; charset=utf-8", 404)
        if self.command != "HEAD":
            self.wfile.write(answer.getvalue())

    def _send(self, body: bytes, kind: str, status: int = 200):  # type: ignore[no-untyped-def]
        """Send a small generated response's headers; return its body to copy."""
        import io

        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        """Have the browser keep nothing: a stylesheet, script or image it kept outlived its edit.

        Files came with only Last-Modified, and a reload reused them from the browser's cache (to
        the second: an edit in the same second as the last request would not even be asked for).
        """
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def _reloading(html: str, version: int) -> bytes:
    """Return a served page with the live-reload script of the site's version it was read at, before its end."""
    return html.replace("</body>", reload_script(version) + "</body>", 1).encode()


def reload_script(version: int) -> str:
    """Return the live-reload script of a page read at version.

    It reloads as soon as the site's version is another. Taking the first version it fetched as the
    page's own missed a build that ended within a second of the page loading (a tab reloaded after
    the quick path, before the full build): the tab kept the lists and feeds as they were.
    """
    return RELOAD_SCRIPT.replace("<script>", f'<script data-version="{version}">', 1)


def _wait_for(folder: Path, seconds: float = 1.0) -> None:
    """Wait until folder exists (at most seconds): during a swap a page that is there would get a 404."""
    deadline = time.monotonic() + seconds
    while not folder.is_dir() and time.monotonic() < deadline:
        time.sleep(0.005)


class _Server(http.server.ThreadingHTTPServer):
    """A server that does not print a browser going away as a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when the browser left mid-answer (a tab reloaded, navigated or closed); say anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a broken pipe, a reset: nothing went wrong here
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def start_server(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    """Serve the preview's output folder on 127.0.0.1:port in a background thread."""
    return _started(_bound(preview, port))


def _bound(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    """Return a server of the preview's output bound to 127.0.0.1:port, not answering yet."""
    handler = type("Handler", (_Handler,), {"preview": preview})
    files = functools.partial(handler, directory=str(preview.output))
    return _Server(("127.0.0.1", port), files)


def _started(server: http.server.ThreadingHTTPServer) -> http.server.ThreadingHTTPServer:
    """Answer requests in a background thread; return the server."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch_once(preview: Preview, roots: list[Path], before: Snapshot) -> Snapshot:
    """Wait for a change, then update the preview: edited report pages first, then a full build.

    Return the files as they were before the build: one saved while it ran (after it read the old
    text) is a change at the next look, not taken as built (the preview kept serving the old page).
    """
    after = snapshot(roots, preview.output)
    edits = changed(before, after)
    if not edits:
        return after
    started = time.perf_counter()
    reports = [p for p in edits if p.endswith(".md")]
    for url in preview.quick(reports if len(reports) == len(edits) else []):
        print(f"preview: {url} re-rendered in {(time.perf_counter() - started) * 1000:.0f} ms", file=preview.stream)
    try:
        if preview.rebuild() != 0:
            preview.undo_quick()  # an edit the whole site rejects (a URL another report claims, say) is not shown
    except KeyboardInterrupt:  # the build said the output was left as it was: so it must be, quick pages too
        preview.undo_quick()
        raise
    preview.shown = []
    return after


def serve(preview: Preview, port: int) -> int:
    """Build, serve and rebuild on change until interrupted; return the exit code (1: no site to serve, no port)."""
    kept = {"the content": preview.content, "the settings": preview.settings_file}
    refused = sitrep_build.not_replaceable(preview.output.resolve(), kept)
    if refused:  # the build leaves such a folder alone; serving it would show its every file (`--output .`: .git/)
        print(f"{preview.output.resolve()}: {refused}", file=preview.stream)
        return 1
    try:
        bound = _bound(preview, port)  # before the build: a port in use is said at once, not after it
    except (OSError, OverflowError) as failure:  # in use, a privileged port, a number past 65535
        reason = failure.strerror if isinstance(failure, OSError) and failure.strerror else str(failure)
        print(f"cannot serve on 127.0.0.1:{port}: {reason} (choose another with --port)", file=preview.stream)
        return 1
    preview.rebuild()
    server = _started(bound)
    where = f"http://127.0.0.1:{server.server_port}/"
    print(f"serving {preview.output}/ on {where}; watching for changes (Ctrl-C stops)", file=preview.stream)
    seen = snapshot(preview.roots(), preview.output)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            seen = watch_once(preview, preview.roots(), seen)  # a new THEME's files count as changed once
    except KeyboardInterrupt:
        server.shutdown()
        server.server_close()
    return 0

"""`invoke serve`: edited reports re-rendered at once, then a full incremental build; live reload."""

from __future__ import annotations

import io
import os
import shutil
import socket
import struct
import threading
import urllib.error
import urllib.request
import weakref

import pytest

from conftest import ROOT, SETTINGS, report_text, settings_file, tree, write_tree
from sitrep.generator import site_written
from sitrep.preview import (
    VERSION_PATH,
    Preview,
    changed,
    reload_script,
    serve,
    snapshot,
    start_server,
    watch_once,
)

SITE = {
    "reports/2016/01/zliten.md": report_text("Zliten bomb", "2016-01-07", actors="[IS]", body="Old words.\n"),
    "reports/2016/01/cabinet.md": report_text("Cabinet named", "2016-01-19"),
    "entities/actors.yaml": "- name: Islamic State\n  aliases: [IS]\n",
}
PAGE = "reports/2016/01/zliten-bomb/index.html"


@pytest.fixture
def preview(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    made = Preview(content, tmp_path / "out", SETTINGS, io.StringIO())
    assert made.rebuild() == 0, made.stream.getvalue()
    return made


def edit(preview: Preview, name: str, text: str) -> str:
    path = preview.content / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_snapshots_show_added_changed_and_removed_files(tmp_path):
    write_tree(tmp_path, {"a.md": "a", "b.md": "b", ".hidden/c.md": "c"})
    before = snapshot([tmp_path])
    write_tree(tmp_path, {"a.md": "a changed", "d.md": "d", "a.md~": "a", ".a.md.swp": "", "#a.md#": "a"})  # editors'
    (tmp_path / "b.md").unlink()
    assert changed(before, snapshot([tmp_path])) == [str(tmp_path / n) for n in ("a.md", "b.md", "d.md")]


@pytest.mark.parametrize("words", ["New words.", "New words, after [the cabinet](cabinet.md)."])
def test_an_edited_report_page_is_rerendered_as_the_full_build_renders_it(preview, words):
    path = edit(preview, "reports/2016/01/zliten.md", SITE["reports/2016/01/zliten.md"].replace("Old words.", words))
    assert preview.quick([path]) == ["reports/2016/01/zliten-bomb/"]
    quick = (preview.output / PAGE).read_bytes()
    assert b"New words" in quick and b"sitrep-report:" not in quick
    assert preview.rebuild() == 0
    assert (preview.output / PAGE).read_bytes() == quick


@pytest.mark.parametrize(
    "text",
    [
        report_text("Zliten bomb", "2016-02-31", actors="[IS]"),  # an error: left to the full build to report
        report_text("Renamed", "2016-01-07", actors="[IS]"),  # a new URL: the full build moves it
        report_text("Zliten bomb", "2016-01-07", actors="[IS]", status="draft"),  # never shown at its public URL
    ],
)
def test_a_report_with_errors_or_a_new_url_waits_for_the_full_build(preview, text):
    before = (preview.output / PAGE).read_bytes()
    assert preview.quick([edit(preview, "reports/2016/01/zliten.md", text)]) == []
    assert (preview.output / PAGE).read_bytes() == before


def test_watching_rebuilds_after_a_change_and_bumps_the_version(preview):
    roots = [preview.content]
    seen = snapshot(roots)
    version = preview.version
    edit(preview, "reports/2016/01/cabinet.md", report_text("Cabinet sworn in", "2016-01-19"))
    watch_once(preview, roots, seen)
    assert preview.version > version
    assert "reports/2016/01/cabinet-sworn-in/index.html" in tree(preview.output)
    assert b"Cabinet sworn in" in (preview.output / "index.html").read_bytes()
    assert "preview: reports/2016/01/cabinet-named/" not in preview.stream.getvalue()  # it moved: no quick path


def test_an_edit_saved_while_the_site_builds_is_built_at_the_next_look(preview):
    roots = [preview.content]
    seen = snapshot(roots)
    edit(preview, "reports/2016/01/zliten.md", SITE["reports/2016/01/zliten.md"].replace("Old", "First"))

    def save_again(sender: object, written: object) -> None:  # after the build read the file, before it swaps
        site_written.disconnect(save_again)
        edit(preview, "reports/2016/01/zliten.md", SITE["reports/2016/01/zliten.md"].replace("Old", "Second"))

    site_written.connect(save_again)
    seen = watch_once(preview, roots, seen)
    assert b"First words" in (preview.output / PAGE).read_bytes()
    watch_once(preview, roots, seen)
    assert b"Second words" in (preview.output / PAGE).read_bytes()


def test_the_site_built_inside_the_content_is_no_edit_to_build_again(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "desk", SITE)
    monkeypatch.chdir(tmp_path)  # the output may not hold the current folder
    preview = Preview(content, content / "output", SETTINGS, io.StringIO())
    assert preview.rebuild() == 0
    roots = [preview.content]
    seen = snapshot(roots, preview.output)
    edit(preview, "reports/2016/01/cabinet.md", report_text("Cabinet sworn in", "2016-01-19"))
    seen = watch_once(preview, roots, seen)
    version = preview.version
    assert watch_once(preview, roots, seen) == seen and preview.version == version


def test_a_broken_edit_keeps_the_last_good_site_served(preview):
    before = tree(preview.output)
    roots = [preview.content]
    seen = snapshot(roots)
    edit(preview, "reports/2016/01/cabinet.md", "---\ntitle: [\n---\n")
    watch_once(preview, roots, seen)
    assert tree(preview.output) == before
    assert "build failed: 1 error" in preview.stream.getvalue()


def test_an_edit_the_whole_site_rejects_is_taken_back_from_the_served_page(preview):
    before, roots = tree(preview.output), [preview.content]
    seen = snapshot(roots)
    taken = "reports/2016/01/cabinet-named/"  # another report's URL: only the full build sees the clash
    edit(preview, "reports/2016/01/zliten.md", report_text("Zliten bomb", "2016-01-07", redirect_from=taken))
    watch_once(preview, roots, seen)
    said = preview.stream.getvalue()
    assert "preview: reports/2016/01/zliten-bomb/ re-rendered" in said and "build failed: 2 errors" in said
    assert tree(preview.output) == before  # out/ left as it was, as the build says


def test_a_rebuild_stopped_by_ctrl_c_takes_the_quick_page_back(preview, monkeypatch):
    before, roots = tree(preview.output), [preview.content]
    seen = snapshot(roots)
    edit(preview, "reports/2016/01/zliten.md", report_text("Zliten bomb", "2016-01-07", body="New words.\n"))
    monkeypatch.setattr(preview, "rebuild", lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        watch_once(preview, roots, seen)
    assert "preview: reports/2016/01/zliten-bomb/ re-rendered" in preview.stream.getvalue()
    assert tree(preview.output) == before  # "interrupted; out/ left as it was", as the build says


def test_a_file_put_in_place_with_the_same_size_and_time_is_seen(tmp_path):
    write_tree(tmp_path, {"a.md": "one", "b.md": "two"})
    stamp = (tmp_path / "a.md").stat()
    os.utime(tmp_path / "b.md", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    before = snapshot([tmp_path])
    (tmp_path / "b.md").replace(tmp_path / "a.md")  # `mv` of a copy made with `cp -p`: same size and mtime
    assert changed(before, snapshot([tmp_path])) == [str(tmp_path / "a.md"), str(tmp_path / "b.md")]


def refused(preview: Preview, path: str) -> urllib.error.HTTPError:
    """Request path from a preview server; return the error it answers with."""
    server = start_server(preview, 0)
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}")
    finally:
        server.shutdown()
    return answer.value


@pytest.mark.parametrize("path", ["/" + "a" * 1000, "/index.html%00"])
def test_a_request_for_an_impossible_file_name_is_a_404(preview, path):
    assert refused(preview, path).code == 404


def test_the_theme_watched_is_the_one_the_settings_name(preview, tmp_path):
    assert preview.roots() == [preview.content, SETTINGS, ROOT / "themes/sitrep"]
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "themes/sitrep", theme)
    preview.settings_file = settings_file(tmp_path, f"THEME = {str(theme)!r}")
    assert preview.rebuild() == 0
    assert preview.roots() == [preview.content, preview.settings_file, theme]


def test_a_request_while_the_output_is_swapped_in_waits_for_it(preview):
    server = start_server(preview, 0)
    aside = preview.output.with_name("aside")
    preview.output.rename(aside)  # between a build's two renames
    threading.Timer(0.2, aside.rename, (preview.output,)).start()
    try:
        page = urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/{PAGE}").read().decode()
    finally:
        server.shutdown()
    assert "Zliten bomb" in page and reload_script(preview.version) in page


def test_served_pages_reload_themselves_but_the_files_do_not_change(preview):
    server = start_server(preview, 0)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        page = urllib.request.urlopen(f"{base}/{PAGE.removesuffix('index.html')}").read().decode()
        version = urllib.request.urlopen(base + VERSION_PATH).read().decode()
        css = urllib.request.urlopen(f"{base}/theme/css/sitrep.css").read()
        opml = urllib.request.urlopen(f"{base}/feeds/index.opml")
    finally:
        server.shutdown()
    assert opml.headers["Content-Type"] == "text/x-opml" and b"<script" not in opml.read()
    assert reload_script(preview.version) in page and "Zliten bomb" in page
    assert version == str(preview.version)
    assert css and b"<script" not in css
    assert b"__sitrep" not in (preview.output / PAGE).read_bytes()


def test_a_preview_of_an_up_to_date_site_can_still_rerender_at_once(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    assert Preview(content, tmp_path / "out", SETTINGS, io.StringIO()).rebuild() == 0
    again = Preview(content, tmp_path / "out", SETTINGS, io.StringIO())
    assert again.rebuild() == 0 and "nothing changed" not in again.stream.getvalue()
    path = edit(again, "reports/2016/01/zliten.md", SITE["reports/2016/01/zliten.md"].replace("Old", "New"))
    assert again.quick([path]) == ["reports/2016/01/zliten-bomb/"]


def test_a_missing_page_is_answered_with_the_sites_404_page_linking_from_the_root(preview):
    answer = refused(preview, "/reports/2016/01/no-such-report/")
    page = answer.read().decode()
    assert answer.code == 404 and "<h1>Page not found</h1>" in page
    assert '<head>\n<base href="/">' in page and 'href="./theme/css/sitrep.css"' in page


@pytest.mark.parametrize("path", ["/reports/2016/", "/pagefind/"])
def test_a_folder_without_an_index_page_is_answered_with_the_404_page_not_a_listing(preview, path):
    answer = refused(preview, path)
    page = answer.read().decode()
    assert answer.code == 404 and "<h1>Page not found</h1>" in page and "Directory listing" not in page


def test_a_port_in_use_is_said_in_one_line_before_building(tmp_path):
    preview = Preview(write_tree(tmp_path / "content", SITE), tmp_path / "out", SETTINGS, io.StringIO())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve(preview, port) == 1
    said = preview.stream.getvalue()
    assert said == f"cannot serve on 127.0.0.1:{port}: Address already in use (choose another with --port)\n"
    assert not preview.output.exists()  # nothing built for a preview that cannot be served


@pytest.mark.parametrize("path", ["/theme/css/sitrep.css", "/feeds/all.atom.xml", "/", "/no-such-page/"])
def test_nothing_served_is_kept_by_the_browser_past_the_next_build(preview, path):
    server = start_server(preview, 0)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.server_port}{path}", method="HEAD")
        try:
            headers = urllib.request.urlopen(request).headers
        except urllib.error.HTTPError as missing:
            headers = missing.headers
    finally:
        server.shutdown()
    assert headers["Cache-Control"] == "no-store"


def test_the_last_builds_model_is_freed_by_the_next_build(preview):
    roots = [preview.content]
    seen = snapshot(roots)
    last = weakref.ref(preview.generator)
    edit(preview, "reports/2016/01/zliten.md", SITE["reports/2016/01/zliten.md"].replace("Old", "New"))
    watch_once(preview, roots, seen)
    assert preview.generator is not None and last() is None  # not kept until a full collection some day


def test_a_browser_leaving_mid_answer_is_no_traceback(preview, capfd):
    (preview.output / "big.bin").write_bytes(bytes(16_000_000))  # more than the socket buffers hold
    server = start_server(preview, 0)
    try:
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", server.server_port)) as browser:
                browser.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
                browser.recv(100)
                browser.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, as a tab does
        urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/").read()  # still serving
    finally:
        server.shutdown()
    assert "Traceback" not in capfd.readouterr().err


def test_a_folder_the_build_refuses_to_replace_is_not_served_either(tmp_path, monkeypatch):
    desk = write_tree(tmp_path / "desk", {**{f"content/{name}": text for name, text in SITE.items()}, "notes.txt": "x"})
    preview = Preview(desk / "content", desk, SETTINGS, io.StringIO())
    monkeypatch.setattr("sitrep.preview.watch_once", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt))
    assert serve(preview, 0) == 1
    assert preview.stream.getvalue() == f"{desk}: holds the content; refusing to replace it with the site\n"


def test_an_edit_behind_a_link_in_the_content_is_seen(tmp_path):
    shared = write_tree(tmp_path / "shared", {"2016/01/a.md": "a"})
    content = write_tree(tmp_path / "content", {"entities/actors.yaml": ""})
    (content / "reports").symlink_to(shared)  # the reports kept in another checkout, as the build allows
    (shared / "2016/up").symlink_to("..")  # a link to a folder above: not walked again
    before = snapshot([content])
    (shared / "2016/01/a.md").write_text("a changed")
    assert changed(before, snapshot([content])) == [str(content / "reports/2016/01/a.md")]

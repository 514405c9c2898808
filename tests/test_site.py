from pathlib import Path

import pytest

import sitrep.site
from conftest import report_text
from sitrep.cache import source_digests
from sitrep.indexes import build_index
from sitrep.settings import load
from sitrep.site import ReadCache, load_site

CONFIG = load({})[0]


def test_reports_sorted_newest_first_with_total_order(site_dir):
    content = site_dir(
        {
            "reports/2016/01/b.md": report_text("Beta", "2016-01-12"),
            "reports/2016/01/a.md": report_text("Alpha", "2016-01-12"),
            "reports/2016/01/c.md": report_text("Timed", "2016-01-12T09:00:00+01:00"),
            "reports/2015/12/d.md": report_text("Older", "2015-12-31T23:59:00-05:00"),
        }
    )
    site, problems = load_site(content, CONFIG)
    assert problems == []
    assert [r.title for r in site.reports] == ["Timed", "Beta", "Alpha", "Older"]


def test_drafts_are_kept_apart(site_dir):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("Published"),
            "reports/2016/01/b.md": report_text("Draft", status="draft"),
        }
    )
    site, _ = load_site(content, CONFIG)
    assert [r.title for r in site.reports] == ["Published"]
    assert [r.title for r in site.drafts] == ["Draft"]


def test_two_reports_on_one_url_are_both_reported(site_dir, monkeypatch):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("Same title"),
            "reports/2016/01/b.md": report_text("Other", slug="same-title"),
        }
    )
    monkeypatch.chdir(content.parent)
    _, problems = load_site(content, CONFIG)
    assert [p.format() for p in problems] == [
        "content/reports/2016/01/a.md:2: URL reports/2016/01/same-title/ is also used by "
        "content/reports/2016/01/b.md (give one a different 'slug')",
        "content/reports/2016/01/b.md:6: URL reports/2016/01/same-title/ is also used by "
        "content/reports/2016/01/a.md (give one a different 'slug')",
    ]


def test_an_old_url_claimed_twice_is_reported_at_each_line_that_gives_it(site_dir, monkeypatch):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("Alpha", redirect_from="[reports/2016/01/alpha/, reports/2016/01/b/]"),
            "reports/2016/01/b.md": report_text("Beta", slug="b", redirect_from="reports/2016/01/gamma/"),
            "reports/2016/01/c.md": report_text("Gamma", redirect_from="reports/2016/01/gamma/"),
        }
    )
    monkeypatch.chdir(content.parent)
    _, problems = load_site(content, CONFIG)
    b, own = "content/reports/2016/01/b.md", "(remove it from the other report's redirect_from)"
    assert [p.format() for p in problems] == [
        "content/reports/2016/01/a.md:6: redirect_from reports/2016/01/alpha/ is this report's own URL "
        "(remove it from redirect_from)",
        f"content/reports/2016/01/a.md:6: redirect_from reports/2016/01/b/ is also the URL of {b} "
        "(remove it from redirect_from)",
        f"{b}:6: URL reports/2016/01/b/ is also an old URL of content/reports/2016/01/a.md {own}",
        f"{b}:7: redirect_from reports/2016/01/gamma/ is also the URL of content/reports/2016/01/c.md, "
        "an old URL of content/reports/2016/01/c.md (remove it from redirect_from)",
        f"content/reports/2016/01/c.md:2: URL reports/2016/01/gamma/ is also an old URL of {b} {own}",
        "content/reports/2016/01/c.md:6: redirect_from reports/2016/01/gamma/ is also this report's own URL, "
        f"an old URL of {b} (remove it from redirect_from)",
    ]


def test_an_entity_problem_names_the_line_of_its_item_in_a_block_list(site_dir, monkeypatch):
    text = (
        '---\ntitle: "Probe"\ndate: 2016-01-30\nregion: Western\nactors:\n  - ISIS\n  - Italy\n  - "🔥"\n---\nBody.\n'
    )
    content = site_dir({"reports/2016/01/p.md": text})
    monkeypatch.chdir(content.parent)
    site, _ = load_site(content, CONFIG)
    _, problems = build_index(site.reports, site.registry, CONFIG)
    assert [p.format() for p in problems] == [
        "content/reports/2016/01/p.md:8: actor '🔥' gives an empty URL slug (spell it with letters or digits)"
    ]


def test_draft_may_share_a_url_with_a_published_report(site_dir):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("Same"),
            "reports/2016/01/b.md": report_text("Same", status="draft"),
        }
    )
    assert load_site(content, CONFIG)[1] == []


def test_all_problems_of_all_files_in_one_run(site_dir, monkeypatch):
    content = site_dir(
        {
            "reports/2016/01/a.md": "no front matter\n",
            "reports/2016/01/b.md": report_text("B", date="2016-13-01"),
            "entities/actors.yaml": "- name: A\n  aliases: oops: no\n",
            "reports/2016/01/.hidden.md": "ignored\n",
            "reports/2016/01/notes.txt": "ignored\n",
        }
    )
    monkeypatch.chdir(content)
    _, problems = load_site(content, CONFIG)
    assert [p.format().split(" (")[0] for p in problems] == [
        "entities/actors.yaml:2: invalid YAML: mapping values are not allowed in this context",
        "reports/2016/01/a.md:1: no front matter",
        "reports/2016/01/b.md:3: date '2016-13-01' is not a real day",
    ]


def test_the_read_cache_keeps_only_the_reads_still_needed(site_dir):
    content = site_dir({"reports/2016/01/a.md": report_text("Kept"), "reports/2016/01/b.md": report_text("Gone")})
    first = ReadCache()
    load_site(content, CONFIG, cache=first)
    (content / "reports/2016/01/b.md").unlink()
    second = ReadCache(dict(first.used))
    site, _ = load_site(content, CONFIG, cache=second)
    assert [r.title for r in site.reports] == ["Kept"]
    assert len(second.known) == 1 and second.dropped == 1 and second.changed  # the file must lose "Gone"
    third = ReadCache(dict(second.used))
    load_site(content, CONFIG, cache=third)
    assert third.dropped == 0 and not third.changed


@pytest.mark.parametrize(
    ("cached", "dropped", "changed"),
    [(198, 0, False), (197, 0, True), (200, 2, False), (199, 2, True), (0, 0, True)],
)
def test_the_read_cache_is_written_again_once_more_than_one_read_in_a_hundred_differs(cached, dropped, changed):
    used = {f"key-{n}": f"read-{n}" for n in range(200)}  # 200 reads this run, `cached` of them from the file
    cache = ReadCache({key: used[key] for key in list(used)[:cached]}, used=used, dropped=dropped)
    assert cache.changed is changed


def test_report_files_whose_stamp_is_recorded_are_not_read(site_dir, monkeypatch):
    content = site_dir({"reports/2016/01/a.md": report_text("Alpha"), "reports/2016/01/b.md": report_text("Bravo")})
    first = ReadCache()
    load_site(content, CONFIG, cache=first)
    sources = source_digests(content, {})
    (content / "reports/2016/01/b.md").write_text(report_text("Brave"))  # the same size, a new stamp
    read, real = [], Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(path.name) or real(path))
    site, problems = load_site(content, CONFIG, cache=ReadCache(dict(first.used), sources=sources))
    assert problems == [] and sorted(r.title for r in site.reports) == ["Alpha", "Brave"]
    assert "a.md" not in read and "b.md" in read


def test_a_file_named_like_a_report_but_not_read_as_one_is_a_warning(site_dir, monkeypatch):
    content = site_dir(
        {
            "reports/2016/01/a.markdown": report_text("A"),
            "reports/2016/01/b.MD": report_text("B"),
            "reports/2016/01/notes.txt": "not a report\n",
        }
    )
    monkeypatch.chdir(content)
    site, problems = load_site(content, CONFIG)
    assert site.reports == () and [p.format().split(" (")[0] for p in problems] == [
        "reports/2016/01/a.markdown:1: warning: not read as a report: its name ends in '.markdown'",
        "reports/2016/01/b.MD:1: warning: not read as a report: its name ends in '.MD'",
    ]


def test_a_file_named_like_a_registry_file_but_not_read_as_one_is_a_warning(site_dir, monkeypatch):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("A", actors="[ISIS]"),
            "entities/actors.yml": "- name: Islamic State\n  aliases: [ISIS]\n",
            "entities/locations.yaml": "- name: Sirte\n",
            "entities/Locations.YAML": "- name: Tripoli\n",
            "entities/notes.yaml": "not a registry file\n",
        }
    )
    monkeypatch.chdir(content)
    problems = load_site(content, CONFIG)[1]
    assert [p.format() for p in problems] == [
        "entities/Locations.YAML:1: warning: not read as the registry: its name is 'Locations.YAML' "
        "(rename it to 'locations.yaml')",
        "entities/actors.yml:1: warning: not read as the registry: its name is 'actors.yml' "
        "(rename it to 'actors.yaml')",
    ]


def test_a_link_out_of_the_content_folder_is_refused_unread(site_dir, tmp_path, monkeypatch):
    secret = tmp_path / "secret.md"
    secret.write_text(report_text("Secret", "not-a-date"))  # read, its lines were published, or quoted in CI logs
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/2016-01-12-c.md").write_text(report_text("Secret too"))
    content = site_dir({"reports/2016/01/a.md": report_text("Kept"), ".private/key": "token", "n/e.md": report_text()})
    (content / "reports/2016/01/b.md").symlink_to(secret)
    (content / "reports/2016/01/d.md").symlink_to("../../../.private/key")  # a hidden folder of the content
    (content / "reports/2016/02").symlink_to(tmp_path / "elsewhere")
    (content / "entities").mkdir()
    (content / "entities/actors.yaml").symlink_to(secret)
    (content / "reports/2016/01/e.md").symlink_to("../../../n/e.md")  # a link inside the content is read
    monkeypatch.chdir(tmp_path)
    site, problems = load_site(content, CONFIG)
    said = "outside the content folder or hidden (commit the file itself, not a link to it)"
    assert [p.format() for p in problems] == [
        f"content/entities/actors.yaml:1: not read: a link leads to {secret}, {said}",
        f"content/reports/2016/01/b.md:1: not read: a link leads to {secret}, {said}",
        f"content/reports/2016/01/d.md:1: not read: a link leads to {content}/.private/key, {said}",
        f"content/reports/2016/02/2016-01-12-c.md:1: not read: a link leads to "
        f"{tmp_path}/elsewhere/2016-01-12-c.md, {said}",
    ]
    assert sorted(r.title for r in site.reports) == ["A report", "Kept"]


def test_a_linked_reports_folder_is_read_as_the_reports(site_dir, tmp_path):
    (tmp_path / "shared/2016/01").mkdir(parents=True)
    (tmp_path / "shared/2016/01/a.md").write_text(report_text("Shared"))
    content = site_dir({"notes.txt": "x"})
    (content / "reports").symlink_to(tmp_path / "shared")  # the reports kept in another checkout
    site, problems = load_site(content, CONFIG)
    assert ([r.title for r in site.reports], problems) == (["Shared"], [])


def test_a_file_too_big_to_read_is_an_error_and_not_read(site_dir, monkeypatch):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("Long", body="x" * 2000),  # 200 MB took 6 GB and 80 s to check
            "reports/2016/01/b.md": report_text("Short"),
            "entities/actors.yaml": "".join(f"A{i}: {{}}\n" for i in range(200)),
        }
    )
    monkeypatch.setattr(sitrep.site, "MAX_FILE_BYTES", 1024)
    monkeypatch.chdir(content.parent)
    site, problems = load_site(content, CONFIG)
    hint = "(a report or registry file holds at most 1,024 bytes: split it)"
    assert [p.format() for p in problems] == [
        f"content/entities/actors.yaml:1: the file is too big to read: 1,690 bytes {hint}",
        f"content/reports/2016/01/a.md:1: the file is too big to read: 2,066 bytes {hint}",
    ]
    assert [r.title for r in site.reports] == ["Short"]

"""Git submission: history-derived metadata, --changed, output formats, new, publish and rollback."""

import io
import json
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import sitrep.history
from conftest import ROOT, SETTINGS, report_text, run_build, tree, write_tree
from sitrep.build import CheckOptions, check, rollback
from sitrep.history import parse_log, read_history
from sitrep.preview import Preview
from sitrep.scaffold import day_at, split_names


def git(repo: Path, *args: str, when: str = "2016-01-10T09:00:00+00:00", who: str = "Ann Analyst") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "site"
    write_tree(
        root / "content",
        {
            "reports/2016/01/a.md": report_text("Alpha", "2016-01-05", actors="[LNA]"),
            "reports/2016/01/b.md": report_text("Bravo", "2016-01-06", author="Named Author"),
        },
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first", when="2016-01-07T10:00:00+01:00")
    (root / "content/reports/2016/01/a.md").write_text(
        report_text("Alpha", "2016-01-05", actors="[LNA]", body="Edited.")
    )
    git(root, "commit", "-qam", "edit", when="2016-01-09T12:30:00+01:00", who="Bob Editor")
    return root


def test_parse_log_newest_first():
    text = (
        "\x00\x1e2016-01-09T12:30:00+01:00\x00\x1fBob\n\nreports/a.md\n"
        "\x00\x1e2016-01-07T10:00:00+01:00\x00\x1fAnn\n\nreports/a.md\nreports/b.md\n"
    )
    history = parse_log(text)
    assert (history["reports/a.md"].created.isoformat(), history["reports/a.md"].updated.isoformat()) == (
        "2016-01-07T10:00:00+01:00",
        "2016-01-09T12:30:00+01:00",
    )
    assert (history["reports/a.md"].author, history["reports/a.md"].commits) == ("Ann", 2)
    assert history["reports/b.md"].commits == 1


@pytest.mark.parametrize(
    "who",
    [
        "Mallory\x1e2000-01-01T00:00:00+00:00\x1fForged",  # took the commit's files as a record of its own
        "Mallory\x1eJones",  # stopped the build with a ValueError traceback
        "Mal\u202elory\x1b[31m\x7f",  # a bidi control and a terminal escape: the feeds were not well-formed XML
    ],
)
def test_an_authors_name_cannot_forge_history_or_break_a_feed(tmp_path, who):
    root = tmp_path / "site"
    write_tree(root / "content", {"reports/2016/01/a.md": report_text("Alpha", "2016-01-05")})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first", when="2016-01-07T10:00:00+01:00", who=who)
    history = read_history(root / "content")["reports/2016/01/a.md"]
    assert history.created.isoformat() == "2016-01-07T10:00:00+01:00"
    assert history.author.startswith("Mal") and not any(c in history.author for c in "\x1b\x1e\x1f\x7f\u202e")
    code, messages = run_build(root / "content", tmp_path / "out")
    assert code == 0, messages
    ET.parse(tmp_path / "out/feeds/all.atom.xml")


def test_a_name_git_quotes_keeps_its_history(tmp_path):
    names = ['a"quote.md', "b\\back.md", "c\ttab.md", "plain é.md"]
    write_tree(tmp_path / "content", {f"reports/2016/01/{name}": report_text("A", "2016-01-05") for name in names})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first", when="2016-01-07T10:00:00+01:00")
    history = read_history(tmp_path / "content")
    assert sorted(history) == [f"reports/2016/01/{name}" for name in names]
    assert {entry.created.isoformat() for entry in history.values()} == {"2016-01-07T10:00:00+01:00"}


def test_history_is_one_git_call_and_empty_outside_git(repo, tmp_path):
    history = read_history(repo / "content")
    assert sorted(history) == ["reports/2016/01/a.md", "reports/2016/01/b.md"]
    (tmp_path / "plain").mkdir()
    assert read_history(tmp_path / "plain") == {}


def test_a_shallow_clone_is_warned_about_as_its_git_dates_may_be_wrong(repo, tmp_path):
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(tmp_path / "shallow")], check=True)
    assert "0 errors, 0 warnings" in run_check(repo / "content")[1]  # the whole history: no warning
    code, said = run_check(tmp_path / "shallow/content")
    assert code == 0 and said.splitlines()[0] == (
        "shallow/content: warning: the git history is cut short (a shallow clone): dates and authors taken from git "
        "may be wrong (git fetch --unshallow, or fetch-depth: 0)"
    )


def test_content_in_git_without_a_git_to_run_is_warned_about_as_its_git_dates_are_left_out(repo, tmp_path, monkeypatch):
    (tmp_path / "plain/reports").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path / "plain"))  # no git on it
    monkeypatch.chdir(repo)
    assert "0 errors, 0 warnings" in run_check(tmp_path / "plain")[1]  # outside git: no warning
    code, said = run_check(repo / "content")
    assert code == 0 and said.splitlines()[0] == (
        "content: warning: the content is in a git repository, but git cannot be run: dates and authors taken from "
        "git are left out (install git, or add its folder to PATH)"
    )


def test_content_in_git_that_git_refuses_to_read_is_warned_about_as_its_git_dates_are_left_out(repo, monkeypatch):
    git(repo, "config", "core.repositoryformatversion", "99")  # refused, as a checkout another user owns is
    monkeypatch.chdir(repo)
    code, said = run_check(repo / "content")
    assert code == 0 and said.splitlines()[0] == (
        "content: warning: the content is in a git repository, but git says: Expected git repo version <= 1, "
        "found 99: dates and authors taken from git are left out (git status there says how to fix it)"
    )


def test_gits_messages_are_in_english_whatever_the_language(repo, monkeypatch):
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("LANGUAGE", "tr")  # git's Turkish, where it is installed
    monkeypatch.chdir(repo)
    code, said = run_check(repo / "content", changed="nosuchref")
    assert code == 2 and said == "check: cannot list changed files: fatal: bad revision 'nosuchref'\n"


def test_a_git_failure_is_said_by_its_fatal_line_not_its_advice(repo, monkeypatch):
    monkeypatch.chdir(repo)
    advice = "To add an exception for this directory, call:\n\n\tgit config --global --add safe.directory /r\n"
    fake = subprocess.CompletedProcess(
        [], 128, "", f"fatal: detected dubious ownership in repository at '/r'\n{advice}"
    )
    monkeypatch.setattr(sitrep.history, "git", lambda folder, *args: fake)
    code, said = run_check(repo / "content", changed="HEAD")
    assert (
        code == 2
        and said == "check: cannot list changed files: fatal: detected dubious ownership in repository at '/r'\n"
    )


def test_fetching_the_rest_of_a_shallow_clones_history_builds_its_git_dates_again(repo, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    assert run_build(shallow / "content", tmp_path / "warm/out")[0] == 0
    page = tmp_path / "warm/out/reports/2016/01/alpha/index.html"
    assert "<dt>Author</dt><dd>Bob Editor</dd>" in page.read_text()  # the one commit the clone has
    git(shallow, "fetch", "-q", "--unshallow")  # as the warning says: HEAD stays, the history grows
    code, said = run_build(shallow / "content", tmp_path / "warm/out")
    assert code == 0 and "nothing changed" not in said and "cut short" not in said
    assert "<dt>Author</dt><dd>Ann Analyst</dd>" in page.read_text()
    assert run_build(shallow / "content", tmp_path / "cold/out")[0] == 0
    assert tree(tmp_path / "warm/out") == tree(tmp_path / "cold/out")


def test_git_dates_and_author_on_pages_and_feeds(repo, tmp_path):
    assert run_build(repo / "content", tmp_path / "out")[0] == 0
    page = (tmp_path / "out/reports/2016/01/alpha/index.html").read_text()
    # committed at 10:00+01:00 and 12:30+01:00: shown in the site's zone (TIMEZONE = "UTC")
    assert '<dt>Filed</dt><dd><time datetime="2016-01-07T09:00:00+00:00">7 January 2016, 09:00 UTC</time>' in page
    assert '<dt>Updated</dt><dd><time datetime="2016-01-09T11:30:00+00:00">' in page
    assert "<dt>Author</dt><dd>Ann Analyst</dd>" in page  # the first commit's author
    bravo = (tmp_path / "out/reports/2016/01/bravo/index.html").read_text()
    assert "<dt>Author</dt><dd>Named Author</dd>" in bravo and "<dt>Updated</dt>" not in bravo  # one commit only
    feed = (tmp_path / "out/feeds/all.atom.xml").read_text()
    assert "<updated>2016-01-09T11:30:00+00:00</updated>" in feed


def test_the_previews_quick_page_is_dated_from_git_as_the_full_build_dates_it(repo, tmp_path):
    preview = Preview(repo / "content", tmp_path / "out", SETTINGS, io.StringIO())
    assert preview.rebuild() == 0
    path = repo / "content/reports/2016/01/a.md"
    path.write_text(report_text("Alpha", "2016-01-05", actors="[LNA]", body="Edited again."))
    assert preview.quick([str(path)]) == ["reports/2016/01/alpha/"]
    quick = (tmp_path / "out/reports/2016/01/alpha/index.html").read_text()
    assert '<dt>Updated</dt><dd><time datetime="2016-01-09T11:30:00+00:00">' in quick  # from the last commit
    assert preview.rebuild() == 0
    assert (tmp_path / "out/reports/2016/01/alpha/index.html").read_text() == quick


def run_check(content: Path, **options) -> tuple[int, str]:
    import io

    stream = io.StringIO()
    return check(content, ROOT / "pelicanconf.py", stream, CheckOptions(**options)), stream.getvalue()


def test_changed_reports_only_changed_and_untracked_files(repo, monkeypatch):
    monkeypatch.chdir(repo)
    content = repo / "content"
    (content / "reports/2016/01/new.md").write_text("no front matter\n")  # untracked
    (content / "reports/2016/01/b.md").write_text(report_text("Bravo", "2016-02-30"))  # modified
    code, out = run_check(content)
    assert code == 1 and "new.md:1" in out and "b.md:3" in out
    code, out = run_check(content, changed="HEAD")
    lines = out.splitlines()
    assert lines[:2] == [
        "content/reports/2016/01/b.md:3: date '2016-02-30' is not a real day (use YYYY-MM-DD or an ISO 8601 "
        "date-time with offset, e.g. 2016-01-19T18:30:00+01:00)",
        "content/reports/2016/01/new.md:1: no front matter (start the file with a '---' line, the YAML fields, "
        "then another '---')",
    ]
    assert lines[2].startswith("checked 2 report files: 2 errors, 0 warnings")
    git(repo, "checkout", "-q", "--", "content/reports/2016/01/b.md")
    (content / "reports/2016/01/new.md").unlink()
    code, out = run_check(content, changed="HEAD~1")
    assert code == 0 and out.startswith("checked 1 report file: 0 errors")  # a.md changed in the last commit


def test_changed_tells_a_new_report_whose_page_lands_on_an_old_url_of_an_unchanged_one(repo, monkeypatch):
    monkeypatch.chdir(repo)
    content = repo / "content"
    old = report_text("Charlie", "2016-01-08", redirect_from="actors/new-guy/")  # New Guy was once its title
    write_tree(content, {"reports/2016/01/c.md": old})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "moved")
    write_tree(content, {"reports/2016/01/d.md": report_text("Delta", "2016-01-09", actors="[New Guy]")})
    code, out = run_check(content, changed="HEAD")
    assert code == 1 and out.splitlines()[0] == (
        "content/reports/2016/01/c.md:6: redirect_from actors/new-guy/ is also a page of the site "
        "(remove it from redirect_from)"
    )
    code, out = run_check(content, files=(content / "reports/2016/01/d.md",))  # as the commit hook gives them
    assert code == 1 and "c.md:6: redirect_from actors/new-guy/ is also a page" in out


@pytest.mark.parametrize("staged", [True, False])  # git mv (a rename to git diff), or mv (a deletion and a new file)
def test_changed_warns_of_links_from_unchanged_reports_to_a_report_renamed_or_deleted(repo, monkeypatch, staged):
    monkeypatch.chdir(repo)
    content = repo / "content"
    write_tree(content, {"reports/2016/01/c.md": report_text("Charlie", "2016-01-08", body="See [Bravo](b.md).\n")})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "link")
    if staged:
        git(repo, "mv", "content/reports/2016/01/b.md", "content/reports/2016/01/bravo.md")
    else:
        (content / "reports/2016/01/b.md").rename(content / "reports/2016/01/bravo.md")
    code, out = run_check(content, changed="HEAD")
    assert code == 0 and out.splitlines() == [
        "content/reports/2016/01/c.md:7: warning: link 'b.md' points to no report "
        "(link to a report's file by its path from this one, e.g. ../02/2016-02-01-slug.md)",
        "checked 1 report file: 0 errors, 1 warning in " + out.split(" in ")[-1].strip(),
    ]


def test_a_changed_registry_checks_every_report_it_names_entities_of(repo, monkeypatch):
    monkeypatch.chdir(repo)
    content = write_tree(repo / "content", {"entities/actors.yaml": "- name: LNA!\n"})  # a.md's LNA: its URL now
    said = (
        "content/reports/2016/01/a.md:5: 'LNA' would have the URL actors/lna/ of the registered name 'LNA!' "
        "(write 'LNA!' if it is LNA!, or register 'LNA')"
    )
    for options in ({"changed": "HEAD"}, {"files": (Path("content/entities/actors.yaml"),)}):  # CI, pre-commit
        code, out = run_check(content, **options)
        assert code == 1 and out.splitlines()[0] == said and "checked 2 report files: 1 error" in out


def test_changed_files_with_quotes_backslashes_or_tabs_in_their_names_are_checked(repo, monkeypatch):
    monkeypatch.chdir(repo)
    names = ['q"uote.md', "back\\slash.md", "tab\there.md"]  # git quotes these names unless asked for -z
    for name in names:
        (repo / "content/reports/2016/01" / name).write_text("no front matter\n")
    code, out = run_check(repo / "content", changed="HEAD")
    assert code == 1 and out.splitlines()[-1].startswith("checked 3 report files: 3 errors")


def test_a_base_that_looks_like_an_option_is_refused_not_passed_to_git(repo, monkeypatch, tmp_path):
    monkeypatch.chdir(repo)
    code, out = run_check(repo / "content", changed=f"--output={tmp_path / 'x.txt'}")
    assert code == 2 and "a ref cannot start with '-'" in out and not (tmp_path / "x.txt").exists()


def test_a_check_that_cannot_run_still_answers_in_json(repo, monkeypatch, tmp_path):
    monkeypatch.chdir(repo)
    code, out = run_check(repo / "content", changed="nosuchref", format="json")
    found = json.loads(out)
    assert code == 2 and (found["files"], found["errors"]) == (0, 1)
    assert found["problems"][0]["message"].startswith("cannot list changed files: ")
    code, out = run_check(tmp_path / "nowhere", format="json")
    assert code == 1 and json.loads(out)["problems"][0]["message"] == "content folder not found"


def test_unknown_base_is_a_clear_error(repo, monkeypatch):
    monkeypatch.chdir(repo)
    code, out = run_check(repo / "content", changed="no-such-ref")
    assert code == 2 and out.startswith("check: cannot list changed files: ")


def test_changed_outside_git_says_so(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", {"reports/2016/01/a.md": report_text("Alpha")})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # whatever holds the temporary folder
    code, out = run_check(content, changed="HEAD")
    assert (code, out) == (
        2,
        "check: cannot list changed files: fatal: not a git repository (or any of the parent directories): .git\n",
    )


def test_changed_before_the_first_commit_checks_every_file(tmp_path, monkeypatch):
    content = write_tree(
        tmp_path / "content", {"reports/2016/01/a.md": report_text("Alpha"), "reports/2016/01/b.md": "broken\n"}
    )
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "content/reports/2016/01/a.md")  # staged, and b.md untracked
    monkeypatch.chdir(tmp_path)
    code, out = run_check(content, changed="HEAD")
    assert code == 1 and out.splitlines()[0] == (
        "content/reports/2016/01/b.md:1: no front matter (start the file with a '---' line, the YAML fields, "
        "then another '---')"
    )
    assert out.splitlines()[1].startswith("checked 2 report files: 1 error, 0 warnings")


def test_github_and_json_formats_and_strict(repo, monkeypatch):
    monkeypatch.chdir(repo)
    content = repo / "content"
    (content / "reports/2016/01/c.md").write_text(report_text("C", "2016-01-08", actor="[x]", status="final"))
    code, out = run_check(content, format="github")
    assert code == 1
    assert out.splitlines() == [
        "::warning file=content/reports/2016/01/c.md,line=6::unknown field 'actor' (did you mean 'actors'?)",
        "::error file=content/reports/2016/01/c.md,line=7::status must be 'published' or 'draft', not 'final'",
    ]
    code, out = run_check(content, format="json")
    data = json.loads(out)
    assert (code, data["files"], data["errors"], data["warnings"]) == (1, 3, 1, 1)
    assert data["problems"][1] == {
        "path": "content/reports/2016/01/c.md",
        "line": 7,
        "severity": "error",
        "message": "status must be 'published' or 'draft', not 'final'",
        "hint": "",
    }
    (content / "reports/2016/01/c.md").write_text(report_text("C", "2016-01-08", actor="[x]"))
    assert run_check(content)[0] == 0
    assert run_check(content, strict=True)[0] == 1


def test_cli_checks_the_files_it_is_given(repo):
    (repo / "content/reports/2016/01/b.md").write_text("broken\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    args = [sys.executable, "-m", "sitrep", "check", "--settings", str(ROOT / "pelicanconf.py")]
    only_a = subprocess.run([*args, "content/reports/2016/01/a.md"], cwd=repo, env=env, capture_output=True, text=True)
    assert only_a.returncode == 0 and "checked 1 report file: 0 errors" in only_a.stdout
    only_b = subprocess.run([*args, "content/reports/2016/01/b.md"], cwd=repo, env=env, capture_output=True, text=True)
    assert only_b.returncode == 1 and "content/reports/2016/01/b.md:1: no front matter" in only_b.stdout
    (repo / "README.md").write_text("# Not a report\n")
    others = ["README.md", "content/reports/2016/01/gone.md"]  # outside the content; deleted
    none = subprocess.run([*args, *others], cwd=repo, env=env, capture_output=True, text=True)
    assert none.returncode == 0 and "checked 0 report files: 0 errors" in none.stdout


def test_cli_ends_quietly_when_what_reads_its_output_stops(repo):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    args = [sys.executable, "-m", "sitrep", "check", "--settings", str(ROOT / "pelicanconf.py"), "--format", "json"]
    running = subprocess.Popen(args, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    running.stdout.close()  # `sitrep check | head -0`
    assert running.wait(timeout=60) == -signal.SIGPIPE
    assert running.stderr.read() == b""  # no BrokenPipeError traceback


def test_cli_ends_without_a_traceback_on_ctrl_c(monkeypatch, capsys):
    from sitrep import cli

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "end_quietly_on_a_closed_pipe", lambda: None)  # leaves pytest's own SIGPIPE alone
    monkeypatch.setattr(cli, "check", interrupted)
    assert cli.main(["check"]) == 130
    assert capsys.readouterr() == ("", "interrupted\n")


def invoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("...", "title '...' gives an empty slug: use letters or digits"),
        ("Long " * 60, "title gives a slug of 299 characters, too long for a file name (255): shorten it"),
    ],
)
def test_new_refuses_a_title_that_cannot_name_a_file(tmp_path, title, message):
    made = invoke("new", title, "--region", "Western", "--content", str(tmp_path / "content"))
    assert (made.returncode, made.stderr.strip(), made.stdout) == (2, message, "")
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--date", "2200-01-01"], "2200-01-01-far.md:3: date '2200-01-01' is in the year 2200, outside 1900-2199"),
        (["--region", ","], "2016-03-02-far.md:4: region needs at least one name"),
        (["--actors", "~"], "2016-03-02-far.md:5: actor '~' gives an empty URL slug"),
    ],
)
def test_new_writes_nothing_the_build_would_refuse(tmp_path, args, said):
    options = {"--region": "Western", "--date": "2016-03-02", **dict(zip(args[::2], args[1::2], strict=True))}
    made = invoke("new", "Far", *(part for pair in options.items() for part in pair), "--content", str(tmp_path / "c"))
    assert made.returncode == 2 and said in made.stderr and made.stderr.strip().endswith(": not written")
    assert not list((tmp_path / "c").rglob("*.md"))


@pytest.mark.parametrize(("date", "said"), [("2016-02-30", "is not a real day"), ("30/02/2016", "is not YYYY-MM-DD")])
def test_new_says_what_is_wrong_with_its_date(tmp_path, date, said):
    made = invoke("new", "Far", "--region", "Western", "--date", date, "--content", str(tmp_path / "c"))
    assert (made.returncode, made.stderr.strip()) == (2, f"--date '{date}' {said}")


@pytest.mark.parametrize(
    ("given", "names"),
    [
        ("A, B", ["A", "B"]),
        ('"Smith, John", ISIS', ["Smith, John", "ISIS"]),
        ("A,,B, ", ["A", "B"]),
        ("", []),
        ("A, B\nC\r\nD", ["A", "B C D"]),
    ],
)
def test_names_are_split_on_commas_outside_quotes(given, names):
    assert split_names(given) == names


def test_new_refuses_bytes_that_are_not_utf8_and_writes_nothing(tmp_path):
    title = b"Bad \xff byte".decode("utf-8", "surrogateescape")  # as a shell passes it
    made = invoke("new", title, "--region", "Western", "--content", str(tmp_path / "c"))
    assert (made.returncode, made.stderr.strip()) == (
        2,
        "the title and names must be UTF-8 text (a byte of another encoding came in)",
    )
    assert not (tmp_path / "c").exists()


def test_new_writes_complete_front_matter_and_refuses_to_overwrite(tmp_path):
    content = write_tree(tmp_path / "content", {"entities/actors.yaml": "- name: Islamic State\n  aliases: [ISIS]\n"})
    made = invoke(
        "new",
        "Sirte: strikes",
        "--region",
        "Western",
        "--actors",
        "ISIS, Islamic Stat",
        "--locations",
        "Sirte",
        "--category",
        "Security",
        "--date",
        "2016-03-02",
        "--content",
        str(content),
    )
    assert made.returncode == 0, made.stderr
    path = content / "reports/2016/03/2016-03-02-sirte-strikes.md"
    assert made.stdout.splitlines() == [
        "note: actor 'ISIS' is an alias of 'Islamic State' (either works; pages use 'Islamic State')",
        "note: actor 'Islamic Stat' is not in entities/actors.yaml: did you mean 'Islamic State'?",
        "note: location 'Sirte' is not in entities/locations.yaml: it gets its own page",
        str(path),
    ]
    text = path.read_text()
    assert text.startswith('---\ntitle: "Sirte: strikes"\ndate: 2016-03-02\nregion: "Western"\n')
    assert 'actors: ["ISIS", "Islamic Stat"]\nlocations: ["Sirte"]\ncategory: "Security"\n' in text
    assert run_check_plain(content) == 0
    again = invoke("new", "Sirte: strikes", "--region", "Western", "--date", "2016-03-02", "--content", str(content))
    assert again.returncode == 1 and "already exists; not overwritten" in again.stderr
    assert path.read_text() == text


def run_check_plain(content: Path) -> int:
    return run_check(content)[0]


def test_publish_swaps_and_rollback_restores(tmp_path):
    content = write_tree(tmp_path / "content", {"reports/2016/01/a.md": report_text("First", "2016-01-05")})
    dest = tmp_path / "www" / "site"
    published = invoke("publish", "--content", str(content), "--dest", str(dest))
    assert (
        published.returncode == 0
        and "settings: warning: SITEURL 'https://sitrep.example.internal' is a placeholder"
        in published.stdout + published.stderr
    )
    first = tree(dest)
    assert "https://sitrep.example.internal/reports/2016/01/first/" in (dest / "feeds/all.atom.xml").read_text()
    (content / "reports/2016/01/b.md").write_text(report_text("Second", "2016-01-06"))
    assert invoke("publish", "--content", str(content), "--dest", str(dest)).returncode == 0
    second = tree(dest)
    assert second != first
    assert sorted(p.name for p in dest.parent.iterdir()) == [".site.cache", ".site.previous", "site"]
    rolled = invoke("rollback", "--dest", str(dest))
    assert rolled.returncode == 0 and tree(dest) == first
    assert invoke("rollback", "--dest", str(dest)).returncode == 0 and tree(dest) == second
    (content / "reports/2016/01/c.md").write_text("broken\n")
    failed = invoke("publish", "--content", str(content), "--dest", str(dest))
    assert failed.returncode == 1 and tree(dest) == second and re.search(r"c\.md:1: no front matter", failed.stderr)


def test_rollback_after_the_site_was_removed_by_hand_puts_the_previous_copy_back(tmp_path):
    dest, previous = tmp_path / "site", tmp_path / ".site.previous"
    write_tree(previous, {"index.html": "the previous publish"})
    stream = io.StringIO()
    assert rollback(dest, stream) == 0
    assert (dest / "index.html").read_text() == "the previous publish" and not previous.exists()
    assert stream.getvalue() == "rolled back site/ to the previous publish (run again to undo)\n"  # from tmp_path


def test_rollback_without_previous_copy(tmp_path):
    result = invoke("rollback", "--dest", str(tmp_path / "nothing"))
    assert result.returncode == 1 and "rollback: no previous copy at " in result.stderr


@pytest.mark.parametrize(
    "setting",
    [
        ("log.showRoot", "false"),  # the first commit's files were left out: every report it added lost its dates
        ("i18n.logOutputEncoding", "ISO-8859-1"),  # authors came back in Latin-1: a UnicodeDecodeError traceback
        ("core.quotepath", "on"),
    ],
)
def test_a_users_git_settings_do_not_change_the_history(repo, setting):
    git(repo, "commit", "-q", "--allow-empty", "-m", "by Zoë", who="Zoë Ünal")
    (repo / "content/reports/2016/01/c ë.md").write_text(report_text("Charlie", "2016-01-08"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "c", who="Zoë Ünal")
    expected = read_history(repo / "content")
    git(repo, "config", *setting)
    assert read_history(repo / "content") == expected
    assert expected["reports/2016/01/b.md"].created.isoformat() == "2016-01-07T10:00:00+01:00"  # the root commit's
    assert expected["reports/2016/01/c ë.md"].author == "Zoë Ünal"


def test_a_locale_that_is_not_utf8_runs_the_command_again_in_utf8_mode(monkeypatch):
    from types import SimpleNamespace

    from sitrep import cli

    started = []
    monkeypatch.setattr(sys, "orig_argv", ["/usr/bin/python3", "-m", "invoke", "build"])
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: started.append((path, argv)))
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "utf-8")
    cli.in_utf8_mode()
    assert started == []  # a UTF-8 locale: nothing to do
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "iso8859-1")
    monkeypatch.setattr(sys, "flags", SimpleNamespace(utf8_mode=0))
    cli.in_utf8_mode()
    assert started == [(sys.executable, [sys.executable, "-X", "utf8", "-m", "invoke", "build"])]


def test_git_times_are_read_in_the_sites_zone_whoever_committed():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sitrep.entities import Registry
    from sitrep.history import FileHistory
    from sitrep.reports import read_report, with_history
    from sitrep.settings import load

    report = read_report("t.md", report_text("T", "2016-01-05").encode(), load({})[0], Registry()).report
    instant = "2016-01-09T23:30:00+00:00"
    seen = set()
    for offset in ("+00:00", "+14:00", "-10:00"):  # one instant, committed from three zones
        when = datetime.fromisoformat(instant).astimezone(datetime.fromisoformat(f"2016-01-01T00:00{offset}").tzinfo)
        history = FileHistory(when, when, "Ann", 2)
        found = with_history(report, history, ZoneInfo("Africa/Tripoli"))  # UTC+2 in 2016
        seen.add((found.created.iso(), found.updated.iso()))
    assert seen == {("2016-01-10T01:30:00+02:00", "2016-01-10T01:30:00+02:00")}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "2016-01-20-zliten-bomb.md:2: URL reports/2016/01/zliten-bomb/ is also used by "),
        (
            ["--actors", "Misrata-Brigade"],
            "'Misrata Brigade' and 'Misrata-Brigade' would share the URL actors/misrata-brigade/",
        ),
    ],
)
def test_new_refuses_a_url_another_report_has_and_writes_nothing(tmp_path, args, said):
    content = write_tree(
        tmp_path / "c",
        {"reports/2016/01/2016-01-08-zliten.md": report_text("Zliten bomb", "2016-01-08", actors="[Misrata Brigade]")},
    )
    title = "Zliten bomb" if not args else "Another"
    made = invoke("new", title, "--region", "Western", "--date", "2016-01-20", *args, "--content", str(content))
    assert made.returncode == 2 and said in made.stderr and made.stderr.strip().endswith(": not written")
    assert len(list(content.rglob("*.md"))) == 1


def test_every_option_of_every_command_is_explained_in_its_help():
    import inspect

    from invoke import Task

    import tasks

    commands = {name: t for name, t in vars(tasks).items() if isinstance(t, Task)}
    unexplained = {
        name: sorted(set(list(inspect.signature(t.body).parameters)[1:]) - set(t.help)) for name, t in commands.items()
    }
    assert "clean" in commands and not any(unexplained.values()), unexplained


def test_a_commit_counts_as_an_update_by_instant_when_the_report_has_a_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sitrep.entities import Registry
    from sitrep.history import FileHistory
    from sitrep.reports import read_report, with_history
    from sitrep.settings import load

    def updated(date: str, edit: str) -> str | None:
        report = read_report("t.md", report_text("T", date).encode(), load({})[0], Registry()).report
        first = datetime.fromisoformat("2016-01-05T10:00:00+00:00")
        found = with_history(report, FileHistory(first, datetime.fromisoformat(edit), "Ann", 2), ZoneInfo("UTC"))
        return found.updated.iso() if found.updated else None

    # 01:00+14:00 on the 6th is 11:00 UTC on the 5th: an edit at 20:00 UTC on the 5th is after it
    assert updated("2016-01-06T01:00:00+14:00", "2016-01-05T20:00:00+00:00") == "2016-01-05T20:00:00+00:00"
    # 23:00-05:00 on the 5th is 04:00 UTC on the 6th: an edit at 02:00 UTC on the 6th is before it
    assert updated("2016-01-05T23:00:00-05:00", "2016-01-06T02:00:00+00:00") is None
    assert updated("2016-01-05", "2016-01-05T00:30:00+00:00") == "2016-01-05T00:30:00+00:00"  # a bare day: by day
    assert updated("2016-01-05", "2016-01-04T23:30:00+00:00") is None


@pytest.mark.parametrize(
    "zone, day",
    [("Pacific/Kiritimati", date(2016, 1, 6)), ("America/New_York", date(2016, 1, 5)), ("UTC", date(2016, 1, 5))],
)
def test_invoke_new_files_today_as_the_desk_has_it(zone, day):
    # 20:00 UTC on the 5th is already the 6th at +14:00: the report's path and date follow TIMEZONE.
    assert day_at(datetime(2016, 1, 5, 20, tzinfo=UTC), ZoneInfo(zone)) == day


def test_a_misnamed_registry_file_passed_to_the_hook_is_warned_of(repo, monkeypatch):
    monkeypatch.chdir(repo)
    content = write_tree(repo / "content", {"entities/actors.yml": "- name: Libyan National Army\n  aliases: [LNA]\n"})
    code, out = run_check(content, files=(Path("content/entities/actors.yml"),))  # pre-commit's files: ya?ml
    assert code == 0 and out.splitlines()[0] == (
        "content/entities/actors.yml:1: warning: not read as the registry: its name is 'actors.yml' "
        "(rename it to 'actors.yaml')"
    )


def test_changed_from_a_folder_inside_the_content_folder_matches_the_files_problems(repo, monkeypatch):
    content = repo / "content"
    (content / "reports/2016/01/b.md").write_text(report_text("Bravo", "2016-02-30"))
    monkeypatch.chdir(content / "reports")  # the content folder and its files are named in full from here
    said = f"{content}/reports/2016/01/b.md:3: date '2016-02-30' is not a real day"
    for options in ({"changed": "HEAD"}, {"files": (Path("2016/01/b.md"),)}):
        code, out = run_check(Path(".."), **options)
        assert code == 1 and out.startswith(said) and "checked 1 report file: 1 error" in out

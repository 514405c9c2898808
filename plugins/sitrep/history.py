"""Git-derived dates and authors: one `git log` for the whole content folder."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .frontmatter import BIDI, REMOVED

# NUL first: no author's name holds one (git takes it from the environment or a config value), so a name
# cannot start a record of its own. A name holding '\x1e' did: 'x\x1e2000-01-01T00:00:00+00:00\x1fMallory'
# gave the commit's files that date and author, and any other text after it stopped the build with a traceback.
RECORD = "\x00\x1e"  # starts each commit in our log format
FIELD = "\x00\x1f"
LOG_FORMAT = "%x00%x1e%aI%x00%x1f%an"  # RECORD and FIELD as git writes them: an argument cannot hold a NUL
SAME_FOR_EVERYONE = (  # a user's git settings that would change what the log says
    *("-c", "core.quotepath=off"),  # names as they are, not quoted and escaped
    *("-c", "log.showRoot=true"),  # the first commit's files too (false: every report it added lost its dates)
    *("-c", "i18n.logOutputEncoding=UTF-8"),  # authors in UTF-8, as they are read
)
LOG_ARGS = (*SAME_FOR_EVERYONE, "log", f"--format={LOG_FORMAT}", "--name-only", "--relative", "--", ".")


@dataclass(frozen=True)
class FileHistory:
    """When a file was first and last committed, and who first committed it."""

    created: datetime
    updated: datetime
    author: str
    commits: int


def parse_log(text: str) -> dict[str, FileHistory]:
    """Parse `git log --name-only` output in LOG_FORMAT (newest commit first)."""
    history: dict[str, FileHistory] = {}
    for chunk in text.split(RECORD)[1:]:
        header, _, names = chunk.partition("\n")
        stamp, _, written = header.partition(FIELD)
        when, author = datetime.fromisoformat(stamp), _shown(written)
        for name in map(_unquoted, filter(None, (n.strip() for n in names.splitlines()))):
            known = history.get(name)
            history[name] = (
                FileHistory(when, when, author, 1)
                if known is None
                else FileHistory(when, known.updated, author, known.commits + 1)  # an older commit: created moves back
            )
    return history


ESCAPED = re.compile(r'\\([abtnvfr"\\]|[0-7]{3})')  # git's C-style escapes in a quoted name
ESCAPES = dict(zip('abtnvfr"\\', '\a\b\t\n\v\f\r"\\', strict=True))


def _unquoted(name: str) -> str:
    """Return a name as it is, from git's quoted form of one holding a quote, a backslash or a control character."""
    # Left quoted ("reports/2016/01/a\"b.md"), it named no file: that report lost its git dates and author.
    # Not `-z`: a name starting with the record mark could then forge a commit, as an author's name once did.
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    return ESCAPED.sub(lambda m: ESCAPES.get(m[1]) or chr(int(m[1], 8)), name[1:-1])


def _shown(author: str) -> str:
    """Return an author's name without the characters a report's own text has removed (frontmatter).

    A terminal escape in a git name made every feed carrying the report not well-formed XML, and a bidi
    control showed the name in another order than it is written.
    """
    return BIDI.sub("", REMOVED.sub("", author))


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git in folder; raise GitError when there is no git to run."""
    # Git's messages in English, as ours are: under tr_TR.UTF-8 (or LANGUAGE=tr) a bad ref said "check: cannot
    # list changed files: onulmaz: bad revision 'x'". Names are bytes whatever the locale (core.quotepath=off).
    env = {**os.environ, "LC_ALL": "C"}
    try:
        return subprocess.run(  # UTF-8 whatever the locale; a name that is not stays as the file system gives it
            ["git", *args], cwd=folder, env=env, capture_output=True, encoding="utf-8", errors="surrogateescape"
        )
    except OSError as failure:  # no git on this machine
        raise GitError(f"cannot run git: {failure.strerror or failure}") from failure


def _answer(folder: Path, *args: str) -> str:
    """Return what git prints in folder, or '' when it fails or there is none (outside git: no dates)."""
    try:
        done = git(folder, *args)
    except GitError:
        return ""
    return done.stdout if done.returncode == 0 else ""


def read_history(folder: Path) -> dict[str, FileHistory]:
    """Return the history of every file under folder (paths relative to it); {} outside git."""
    return parse_log(_answer(folder, *LOG_ARGS))


CANNOT_RUN = "git cannot be run"


def history_failure(folder: Path) -> str:
    """Say why git cannot read the history of folder, which lies in a git repository ('' when it can, or outside git).

    Both left every report without its git dates and authors, silently: no git on PATH (a CI image
    without it), and a checkout owned by another user (a container's root: "dubious ownership").
    """
    if not any((where / ".git").exists() for where in (folder, *folder.parents)):
        return ""
    try:
        done = git(folder, "rev-parse", "--is-inside-work-tree")
    except GitError:
        return CANNOT_RUN
    try:
        _answered(done)
    except GitError as failure:  # its fatal line: "detected dubious ownership in repository at ..."
        return f"git says: {str(failure).removeprefix('fatal: ')}"
    return ""


def is_shallow(folder: Path) -> bool:
    """Say whether folder's repository holds only part of its history (a CI checkout of depth 1, say)."""
    return _answer(folder, "rev-parse", "--is-shallow-repository").strip() == "true"


def head(folder: Path) -> str:
    """Return the commit checked out in folder's repository ('' outside git): history depends on it."""
    return _answer(folder, "rev-parse", "HEAD").strip()


def history_state(folder: Path) -> str:
    """Return what the files' history depends on: the commit checked out and where a shallow clone's history stops.

    `git fetch --unshallow` (what the shallow clone warning says to do) keeps HEAD but changes the
    dates and authors taken from git: a build that compared HEAD alone said "nothing changed" and
    kept the wrong ones. One git call; '' outside git, or before the first commit.
    """
    found = _answer(folder, "rev-parse", "HEAD", "--git-path", "shallow").splitlines()
    if len(found) != 2:
        return ""
    try:
        shallow = (folder / found[1]).read_text(encoding="utf-8")  # the commits the history stops at
    except OSError:  # none: the whole history
        shallow = ""
    return f"{found[0]}\n{shallow}"


def changed_files(folder: Path, base: str) -> list[str]:
    """Return files under folder changed since base, committed or not, and untracked ones."""
    if base.startswith("-"):
        raise GitError(f"'{base}' is not a commit: a ref cannot start with '-'")  # git would read it as an option
    _answered(git(folder, "rev-parse", "--is-inside-work-tree"))  # outside one, git diff compares files named HEAD
    commands = (  # -z: names as they are (quoted otherwise when they hold '"', '\\' or a tab)
        ("diff", "-z", "--name-only", "--no-renames", "--relative", base, "--", "."),  # a rename: both names
        ("ls-files", "-z", "--others", "--exclude-standard", "--", "."),
    )
    if base == "HEAD" and not head(folder):  # no commit yet: every file is new, staged or not
        commands = (("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."),)
    found: list[str] = []
    for command in commands:
        found += [name for name in _answered(git(folder, *command)).split("\0") if name]
    return sorted(set(found))


def _answered(done: subprocess.CompletedProcess[str]) -> str:
    """Return what git printed; raise GitError with its fatal line (else its last) when it failed."""
    if done.returncode != 0:
        said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        # Not the last line: under another user's checkout that was advice, 'git config --global --add safe...'
        raise GitError(next((line for line in said if line.startswith("fatal: ")), said[-1] if said else "git failed"))
    return done.stdout


class GitError(Exception):
    """Git could not answer (not a repository, unknown ref)."""

"""A markdown-it plugin that links the first mention of each of a report's entities."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .slugs import LOOKALIKES

ENV_KEY = "sitrep_entity_links"
FOLDED = re.compile(f"[{re.escape(''.join(map(chr, LOOKALIKES)))}]")  # a character a name's folding changes
MADE = "sitrep_entity_link"  # the meta of the tokens of a link made here, not written: a check never sees them


@dataclass(frozen=True)
class Target:
    """An entity to link: the words that mention it and where it lives."""

    names: tuple[str, ...]
    href: str
    title: str


def autolink_plugin(md: MarkdownIt) -> None:
    """Add the core rule; it reads its targets from env[ENV_KEY]."""
    md.core.ruler.push("sitrep_entity_links", _link_mentions)


def _link_mentions(state: StateCore) -> None:
    """Link each target's first whole-word mention outside headings, links and code."""
    targets: Sequence[Target] = state.env.get(ENV_KEY, ())
    if not targets:
        return
    finder = _Finder(targets)
    in_heading = False
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif token.type == "inline" and not in_heading and token.children:
            token.children = finder.rewrite(token.children)
        if finder.done():
            return


class _Finder:
    """Find mentions in text tokens, forgetting each target once it is linked.

    Each name is looked for with str.find, in C: walking every word of a paragraph in Python made
    the pass 0.29 s per 1,000 reports, this 0.17 s. No regex is compiled per report.
    """

    def __init__(self, targets: Sequence[Target]) -> None:
        # By folded name: a mention whose dashes, apostrophes or Arabic vowel marks differ from the
        # front matter's (`طرابلس` for `طَرَابُلُس`) is the one entity, as the build takes it everywhere else.
        self.by_name: dict[str, Target] = {name.translate(LOOKALIKES): t for t in targets for name in t.names}
        self.names = [name for name in self.by_name if any(map(_is_word, name))]  # "(UN)" too; not "..."

    def done(self) -> bool:
        """Return True when every target has been linked."""
        return not self.by_name

    def rewrite(self, children: list[Token]) -> list[Token]:
        """Return the inline children with mentions outside links turned into links."""
        result: list[Token] = []
        run: list[Token] = []  # text and soft line breaks: a name may wrap onto the next line
        depth = 0
        for child in children:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type in ("text", "softbreak") and depth == 0:
                run.append(child)
                continue
            result += self._split(run)
            run = []
            result.append(child)
        return result + self._split(run)

    def _mentions(self, text: str) -> Iterator[tuple[int, int, Target]]:
        """Yield (start, end, target) for whole-word mentions of targets not yet linked, in text order."""
        end = 0
        while self.by_name:
            found = [(_whole_word(text, name, end), -len(name), name) for name in self.names if name in self.by_name]
            start, _, name = min(found, default=(len(text), 0, ""))  # the first; where two start, the longest
            if start == len(text):
                return  # none of them further on
            target = self.by_name[name]
            self._forget(target)
            end = start + len(name)
            yield start, end, target

    def _split(self, run: list[Token]) -> list[Token]:
        """Split a run of text and soft line breaks around the mentions it holds."""
        if not self.by_name or not run:
            return run
        text = run[0].content if len(run) == 1 else "".join(t.content if t.type == "text" else " " for t in run)
        folded, places = _folded(text)
        pieces: list[Token] = []
        start, breaks = 0, _breaks(run) if len(run) > 1 else {}
        for begin, end, target in self._mentions(folded):
            begin, end = places[begin], places[end] if end < len(folded) else len(text)
            pieces += [*_pieces(text, start, begin, breaks), *_link(_pieces(text, begin, end, breaks), target)]
            start = end
        if not pieces:
            return run
        return [*pieces, *_pieces(text, start, len(text), breaks)]

    def _forget(self, target: Target) -> None:
        """Stop linking a target that is now linked."""
        for name in target.names:
            self.by_name.pop(name.translate(LOOKALIKES), None)


def _folded(text: str) -> tuple[str, Sequence[int]]:
    """Return text with look-alike characters folded as names are, and where each of its characters was in text."""
    if not FOLDED.search(text):  # most text: searching for one is faster than folding it
        return text, range(len(text))
    folded = text.translate(LOOKALIKES)
    if len(folded) == len(text):  # nothing dropped (most text): every character stays in its place
        return folded, range(len(text))
    return folded, [at for at, char in enumerate(text) if char.translate(LOOKALIKES)]


def _breaks(run: list[Token]) -> dict[int, Token]:
    """Return where each soft line break of a run stands in its text (a space there)."""
    breaks, at = {}, 0
    for token in run:
        if token.type == "softbreak":
            breaks[at] = token
        at += len(token.content) if token.type == "text" else 1
    return breaks


def _pieces(text: str, start: int, end: int, breaks: dict[int, Token]) -> list[Token]:
    """Return text[start:end] as text tokens, with the line breaks that stand in it."""
    pieces, at = [], start
    for place in (place for place in breaks if start <= place < end):
        pieces += [_text(text[at:place]), breaks[place]]
        at = place + 1
    return [piece for piece in (*pieces, _text(text[at:end])) if piece.type != "text" or piece.content]


def _whole_word(text: str, name: str, start: int) -> int:
    """Return where name first stands as whole words in text from start on (len(text) if nowhere)."""
    at = text.find(name, start)
    while at >= 0:
        end = at + len(name)
        if not (at and _is_word(text[at - 1])) and not (end < len(text) and _is_word(text[end])):
            return at
        at = text.find(name, at + 1)
    return len(text)


def _is_word(char: str) -> bool:
    """Return True for a word character (what a regex word class matches)."""
    return char.isalnum() or char == "_"


def _text(content: str) -> Token:
    """Make a text token."""
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(content: list[Token], target: Target) -> list[Token]:
    """Make the tokens of a link to an entity around its content."""
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": target.href, "class": "entity", "title": target.title}
    closing = Token("link_close", "a", -1)
    opening.meta = closing.meta = {MADE: True}
    return [opening, *content, closing]

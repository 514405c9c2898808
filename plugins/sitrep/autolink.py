"""A markdown-it plugin that links the first mention of each of a report's entities."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ENV_KEY = "sitrep_entity_links"


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


WORD = re.compile(r"\w+")


class _Finder:
    """Find mentions in text tokens, forgetting each target once it is linked.

    Candidates are looked up by the word a mention starts with, so no regex is
    compiled per report.
    """

    def __init__(self, targets: Sequence[Target]) -> None:
        self.by_name: dict[str, Target] = {name: t for t in targets for name in t.names}
        self.by_first_word: dict[str, list[str]] = {}
        for name in sorted(self.by_name, key=lambda n: (-len(n), n)):  # longest first
            first = WORD.match(name)
            if first:
                self.by_first_word.setdefault(first.group(0), []).append(name)

    def done(self) -> bool:
        """Return True when every target has been linked."""
        return not self.by_name

    def rewrite(self, children: list[Token]) -> list[Token]:
        """Return the inline children with mentions outside links turned into links."""
        result: list[Token] = []
        depth = 0
        for child in children:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and depth == 0 and self.by_name:
                result += self._split(child)
            else:
                result.append(child)
        return result

    def _mentions(self, text: str) -> Iterator[tuple[int, int, Target]]:
        """Yield (start, end, target) for whole-word mentions of targets not yet linked."""
        if not any(name in text for name in self.by_name):
            return  # most text names none of them: a substring test is far cheaper than walking words
        end = 0
        for word in WORD.finditer(text):
            if word.start() < end:
                continue  # inside the previous mention
            found = self._match_at(text, word.start(), word.group(0))
            if found:
                end = word.start() + len(found[0])
                yield word.start(), end, found[1]

    def _match_at(self, text: str, start: int, word: str) -> tuple[str, Target] | None:
        """Return the longest unlinked name that starts at start and ends on a word boundary."""
        for name in self.by_first_word.get(word, ()):
            end = start + len(name)
            target = self.by_name.get(name)
            if target and text.startswith(name, start) and not (end < len(text) and _is_word(text[end])):
                self._forget(target)
                return name, target
        return None

    def _split(self, token: Token) -> list[Token]:
        """Split one text token around the mentions it holds."""
        pieces: list[Token] = []
        text, start = token.content, 0
        for begin, end, target in self._mentions(text):
            pieces += [_text(text[start:begin]), *_link(text[begin:end], target)]
            start = end
        if not pieces:
            return [token]
        return [p for p in (*pieces, _text(text[start:])) if p.type != "text" or p.content]

    def _forget(self, target: Target) -> None:
        """Stop linking a target that is now linked."""
        for name in target.names:
            self.by_name.pop(name, None)


def _is_word(char: str) -> bool:
    """Return True for a word character (what a regex word class matches)."""
    return char.isalnum() or char == "_"


def _text(content: str) -> Token:
    """Make a text token."""
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(content: str, target: Target) -> list[Token]:
    """Make the three tokens of a link to an entity."""
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": target.href, "class": "entity", "title": target.title}
    return [opening, _text(content), Token("link_close", "a", -1)]

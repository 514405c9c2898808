"""A markdown-it plugin that links the first mention of each of a report's entities."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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


class _Finder:
    """Find mentions in text tokens, forgetting each target once it is linked."""

    def __init__(self, targets: Sequence[Target]) -> None:
        self.by_name: dict[str, Target] = {name: t for t in targets for name in t.names}
        self.pattern = _pattern(self.by_name)

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

    def _split(self, token: Token) -> list[Token]:
        """Split one text token around the mentions it holds."""
        pieces: list[Token] = []
        text, start = token.content, 0
        for match in self.pattern.finditer(text):
            target = self.by_name.get(match.group(0))
            if target is None:
                continue  # its entity was linked earlier in this same text
            pieces += [_text(text[start : match.start()]), *_link(match.group(0), target)]
            start = match.end()
            self._forget(target)
        if not pieces:
            return [token]
        return [p for p in (*pieces, _text(text[start:])) if p.type != "text" or p.content]

    def _forget(self, target: Target) -> None:
        """Stop looking for a target that is now linked."""
        for name in target.names:
            self.by_name.pop(name, None)
        self.pattern = _pattern(self.by_name)


def _pattern(names: Mapping[str, Target]) -> re.Pattern[str]:
    """Match any of the names as whole words, longest first."""
    if not names:
        return re.compile(r"(?!x)x")
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


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

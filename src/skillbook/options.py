"""The options an author sets for the book in ``mkdocs.yml``, under
``extra: skillbook:``, read once into one typed, validated object.

MkDocs warns about top-level keys it does not know (and ``--strict`` fails on
it), while ``extra`` is free for a theme's and a book's own settings::

    extra:
      skillbook:
        parts:
          - title: Foundations
            chapters: [1, 2, 3]
          - title: DevOps & Infrastructure
            chapters: [16, 17]

The file is read here, as YAML nodes, so that each problem names its line;
MkDocs' own tags (``!ENV``, ``!!python/name``) are left unread."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from skillbook.problems import Problem
from skillbook.sources import read_source
from skillbook.yaml_source import YAML_LOADER

OPTIONS_KEY = ("extra", "skillbook")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
         "XVI", "XVII", "XVIII", "XIX", "XX"]


@dataclass
class Part:
    """A group of chapters in the navigation, on the home page and in the library."""

    number: int  # 1-based position
    title: str
    chapters: list[int]
    line: int  # in the options file, for messages

    @property
    def label(self) -> str:
        """'Part I: Foundations'."""
        numeral = ROMAN[self.number - 1] if self.number <= len(ROMAN) else str(self.number)
        return f"Part {numeral}: {self.title}"


@dataclass
class BookOptions:
    parts: list[Part] = field(default_factory=list)
    path: str = "mkdocs.yml"  # where they were read from


def load_options(config_file: Path | str, problems: list[Problem]) -> BookOptions:
    """The options in ``config_file`` (mkdocs.yml); defaults where it sets none."""
    path = Path(config_file)
    options = BookOptions(path=str(path))
    if not path.is_file():
        return options
    text = read_source(path, problems)
    if text is None:
        return options
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return options  # MkDocs reports its own file's syntax
    node = root
    for key in OPTIONS_KEY:
        node = _value(node, key)
        if node is None:
            return options
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(str(path), node.start_mark.line + 1, "'skillbook:' under 'extra:' must be a mapping, such as 'parts:'"))
        return options
    for key, value in node.value:
        if key.value == "parts":
            options.parts = _parts(value, str(path), problems)
        else:
            problems.append(Problem(str(path), key.start_mark.line + 1, f"unknown Skillbook option '{key.value}'; known: parts"))
    return options


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for k, value in node.value if k.value == key), None)


def _parts(node: yaml.Node, path: str, problems: list[Problem]) -> list[Part]:
    example = "write each part as '- title: Foundations' with 'chapters: [1, 2]' under it"
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(path, node.start_mark.line + 1, f"'parts' must be a list; {example}"))
        return []
    parts: list[Part] = []
    seen: dict[int, str] = {}
    for item in node.value:
        line = item.start_mark.line + 1
        title, chapters = _value(item, "title"), _value(item, "chapters")
        if not isinstance(title, yaml.ScalarNode) or not title.value.strip():
            problems.append(Problem(path, line, f"a part needs a 'title:'; {example}"))
            continue
        numbers = [n.value for n in chapters.value] if isinstance(chapters, yaml.SequenceNode) else None
        if numbers is None or not all(n.isdigit() for n in numbers):
            problems.append(Problem(path, line, f"part '{title.value}' needs 'chapters:' as a list of chapter numbers, such as 'chapters: [1, 2]'"))
            continue
        part = Part(len(parts) + 1, title.value.strip(), [int(n) for n in numbers], line)
        for number in part.chapters:
            if number in seen:
                problems.append(Problem(path, line, f"chapter {number} is in part '{seen[number]}' already; list it in one part"))
            seen.setdefault(number, part.title)
        parts.append(part)
    return parts

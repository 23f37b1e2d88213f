"""YAML from the book's sources (skill files, front matter), read with bounded
work. Anchors and aliases can make a few lines stand for billions of values,
and deep nesting exhausts recursive readers; neither has a use in a skill file
or front matter, so both are refused, before anything is built from the text."""

from __future__ import annotations

from typing import Any

import yaml

from skillbook.problems import Problem

# libyaml's parser when PyYAML has it: five times faster, with the same line marks.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A skill file nests two levels (a mapping of lists); front matter a few more.
MAX_DEPTH = 6
_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def load_yaml(text: str, path: str, problems: list[Problem], first_line: int = 1) -> tuple[yaml.Node, Any] | None:
    """The YAML document in ``text`` as its composed node (for line numbers) and its
    data, or None with the problem reported. ``first_line`` is the file line the
    text starts on."""
    try:
        if not _bounded(text, path, problems, first_line):
            return None
        loader = YAML_LOADER(text)
        try:
            node = loader.get_single_node()
            return node, (loader.construct_document(node) if node is not None else None)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(error, "problem", None) or str(error)
        source_line = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
        problems.append(Problem(path, line, f"YAML syntax error: {_plain(problem, source_line)}"))
        return None


def _plain(problem: str, line: str) -> str:
    """PyYAML's words for the mistakes authors make most, in theirs, with the fix."""
    if "\t" in line[: len(line) - len(line.lstrip())] or "found character '\\t'" in problem:
        return "this line is indented with a tab; YAML indents with spaces only, so replace the tabs with spaces"
    if "mapping values are not allowed" in problem:
        return ("a ':' YAML did not expect: check the indentation of this line and the one above, "
                "or put a value holding ': ' in quotes")
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return f"{problem}: check the indentation of this line against the lines above it"
    return f"{problem}; fix the YAML at this line"


def _bounded(text: str, path: str, problems: list[Problem], first_line: int) -> bool:
    """Read the events alone (no values are built) and refuse anchors, aliases and
    deep nesting at their line."""
    depth = 0
    for event in yaml.parse(text, Loader=YAML_LOADER):
        line = first_line + event.start_mark.line
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            problems.append(Problem(
                path, line,
                "YAML anchors (&name) and aliases (*name) are not allowed here: they can make a short file "
                "expand without bound; write the value out in full",
            ))
            return False
        if isinstance(event, _OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(Problem(
                    path, line,
                    f"YAML nested more than {MAX_DEPTH} levels deep; a skill file needs two "
                    "(a mapping of lists): flatten it",
                ))
                return False
        elif isinstance(event, _CLOSING):
            depth -= 1
    return True

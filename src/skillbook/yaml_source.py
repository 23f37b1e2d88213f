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


def load_yaml(text: str, path: str, problems: list[Problem], first_line: int = 1) -> tuple[yaml.Node | None, Any] | None:
    """The YAML document in ``text`` as its composed node (for line numbers) and its
    data (both None for an empty document), or None with the problem reported. ``first_line`` is the file line the
    text starts on."""
    try:
        if not _bounded(text, path, problems, first_line):
            return None
    except yaml.YAMLError as error:
        _report(error, text, path, problems, first_line)
        return None
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    except yaml.YAMLError as error:
        _report(error, text, path, problems, first_line)
        return None
    finally:
        loader.dispose()


def compose_yaml(text: str, path: str, problems: list[Problem]) -> yaml.Node | None:
    """The YAML document in ``text`` as nodes, values unbuilt (so that tags such as
    MkDocs' ``!ENV`` need no constructor), or None with the problem reported at its line."""
    try:
        return yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        _report(error, text, path, problems, 1)
        return None


def _report(error: yaml.YAMLError, text: str, path: str, problems: list[Problem], first_line: int) -> None:
    """A YAML error in the author's words, at the line to fix."""
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow, with no mark of its own
        line = first_line + text[: error.position].count("\n")
        character = error.character if isinstance(error.character, str) else chr(error.character)
        problems.append(Problem(path, line, f"YAML syntax error: a control character (U+{ord(character):04X}) "
                                            "YAML does not allow; remove it"))
        return
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = first_line + (mark.line if mark else 0)
    problem = getattr(error, "problem", None) or str(error)
    source_line = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
    opened = _open_bracket(error, text, first_line) or _open_quote(error, text, first_line)
    if opened:  # reported where it opens, not where YAML gave up looking for its end
        line, message = opened
    else:
        message = _plain(problem, source_line)
    problems.append(Problem(path, line, f"YAML syntax error: {message}"))


def _open_quote(error: yaml.YAMLError, text: str, first_line: int) -> tuple[int, str] | None:
    """A quote left open, which PyYAML reports at the end of the file."""
    context, mark = getattr(error, "context", None) or "", getattr(error, "context_mark", None)
    if "quoted scalar" not in context or mark is None:
        return None
    line = text.split("\n")[mark.line]
    quote = line[mark.column] if mark.column < len(line) and line[mark.column] in "'\"" else '"'
    return first_line + mark.line, (f"this {quote} is never closed, so YAML reads the rest of the file as one text; "
                                    f"close it with {quote} where the text ends")


def _open_bracket(error: yaml.YAMLError, text: str, first_line: int) -> tuple[int, str] | None:
    """A '[' or '{' left open, which PyYAML reports where it gave up looking: at
    the bracket (a flow sequence or mapping), or at the end of the file (a flow
    node), where the last bracket still open is the one."""
    context, mark = getattr(error, "context", None) or "", getattr(error, "context_mark", None)
    if "flow sequence" in context or "flow mapping" in context:
        bracket, line = ("[" if "sequence" in context else "{"), (mark.line if mark else None)
    elif "flow node" in context:
        bracket, line = _last_open_bracket(text)
    else:
        return None
    if line is None:
        return None
    closing = "]" if bracket == "[" else "}"
    return first_line + line, f"this '{bracket}' is not closed; close it with '{closing}', or put a text holding '{bracket}' in quotes"


def _last_open_bracket(text: str) -> tuple[str, int | None]:
    """The last '[' or '{' of ``text`` left open, outside quotes and comments, and its line (from 0)."""
    open_brackets: list[tuple[str, int]] = []
    for number, line in enumerate(text.split("\n")):
        quote = None
        for index, character in enumerate(line):
            if quote:
                quote = None if character == quote else quote
            elif character in "'\"":
                quote = character
            elif character == "#" and (index == 0 or line[index - 1] == " "):
                break
            elif character in "[{":
                open_brackets.append((character, number))
            elif character in "]}" and open_brackets:
                open_brackets.pop()
    return open_brackets[-1] if open_brackets else ("[", None)


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
        assert event.start_mark is not None, "the parser marks where each event starts"
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

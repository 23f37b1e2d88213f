"""Reads ``skills/<id>.yml`` files into :class:`Skill` objects, validating each
against the JSON Schema in ``skill.schema.json`` with line numbers taken from
the YAML parser."""

from __future__ import annotations

import datetime
import difflib
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from skillbook.links import target_positions
from skillbook.model import Skill
from skillbook.problems import Problem, Severity
from skillbook.skill_ids import is_skill_id
from skillbook.sources import MAX_SKILL_BYTES, read_source
from skillbook.yaml_source import load_yaml

SCHEMA_FILE = "skill.schema.json"
# Metadata is shown on pages in several folders, so its links can only be absolute http(s) URLs.
SAFE_TARGET = re.compile(r"^https?://\S+$", re.IGNORECASE)


@cache
def skill_schema() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(resources.files("skillbook").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(skill_schema())


def is_skill_file(path: Path) -> bool:
    """``.yaml`` is accepted besides ``.yml``."""
    return path.suffix in (".yml", ".yaml")


def load_skill(path: Path, problems: list[Problem]) -> Skill | None:
    text = read_source(path, problems, MAX_SKILL_BYTES)
    return None if text is None else parse_skill(path, text, problems)


def parse_skill(path: Path, text: str, problems: list[Problem]) -> Skill | None:
    """The skill a skill file's text describes, or None when it has errors (reported)."""
    loaded = load_yaml(text, str(path), problems)
    if loaded is None:
        return None
    node, data = loaded
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        problems.append(Problem(str(path), 1, "a skill file must be a YAML mapping of fields such as 'id:' and 'purpose:'"))
        return None

    duplicates = _duplicate_keys(node)
    for key, first_line in duplicates:
        problems.append(Problem(
            str(path), key.start_mark.line + 1,
            f"field '{key.value}' is written twice (first on line {first_line}); keep one of them",
        ))
    errors = sorted(_validator().iter_errors(data), key=lambda e: _line(node, list(e.absolute_path)))
    for error in errors:
        problems.append(Problem(str(path), _line(node, _error_path(error)), _message(error)))
    if errors or duplicates:
        return None

    unsafe = _unsafe_links(node, data)
    for field_path, target in unsafe:
        problems.append(Problem(
            str(path), _line(node, field_path),
            f"link '{target}' in '{field_path[0]}' is not allowed: links in skill metadata must be "
            "http(s) URLs (https://...)",
        ))
    if unsafe:
        return None

    _check_joined_items(node, text, str(path), problems)
    skill_id = data["id"]
    if skill_id != path.stem:
        problems.append(Problem(
            str(path), _line(node, ["id"]),
            f"skill id '{skill_id}' differs from its file name '{path.name}'; "
            f"rename the file to '{skill_id}{path.suffix}'" + (f" or set 'id: {path.stem}'" if is_skill_id(path.stem) else ""),
        ))
    return Skill(
        id=skill_id,
        purpose=data["purpose"],
        best_for=data.get("best_for"),
        chapters=data["chapters"],
        path=str(path),
        order=data.get("order"),
        related=data.get("related", []),
        former_ids=data.get("former_ids", []),
        introduction=data.get("introduction"),
        when_to_use=data.get("when_to_use", []),
        key_strengths=data.get("key_strengths", []),
        lines={key.value: value.start_mark.line + 1 for key, value in node.value},
    )


def _check_joined_items(node: yaml.MappingNode, text: str, path: str, problems: list[Problem]) -> None:
    """A '- ' line indented under a list item is not an item of its own: YAML joins
    it to the item above, as one line of text. Say so."""
    lines = text.split("\n")
    for key, value in node.value:
        if not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if not isinstance(item, yaml.ScalarNode) or item.style not in (None, ""):  # plain text only
                continue
            for index in range(item.start_mark.line + 1, min(item.end_mark.line + 1, len(lines))):
                if lines[index].lstrip().startswith("- "):
                    problems.append(Problem(
                        path, index + 1,
                        f"this '- ' line is indented under the item above, so YAML joins it to that item of "
                        f"'{key.value}' as one line; to make it an item of its own, align its '-' with the '-' above",
                        Severity.WARNING,
                    ))


def _duplicate_keys(node: yaml.MappingNode) -> list[tuple[yaml.Node, int]]:
    """Keys written twice: YAML parsers keep the last one without a word."""
    first: dict[str, int] = {}
    found = []
    for key, _ in node.value:
        line = key.start_mark.line + 1
        if key.value in first:
            found.append((key, first[key.value]))
        first.setdefault(key.value, line)
    return found


def _unsafe_links(node: yaml.Node, data: dict[str, Any]) -> list[tuple[list[Any], str]]:
    found = []
    for key, value in data.items():
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, str):
                continue
            # Only inline links: a "[label]: target" line is shown as text in metadata.
            for target in (at.target for at in target_positions(item)):
                if not SAFE_TARGET.match(target):
                    found.append(([key, index] if isinstance(value, list) else [key], target))
    return found


def _error_path(error: ValidationError) -> list[Any]:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        # Point at the unknown key itself rather than the mapping holding it.
        unknown = _unknown_fields(error)
        if unknown:  # pragma: no branch - the schema has no patternProperties: an unknown key is always named
            path.append(unknown[0])
    return path


def _unknown_fields(error: ValidationError) -> list[str]:
    schema, instance = cast(dict[str, Any], error.schema), cast(dict[str, Any], error.instance)
    allowed = schema.get("properties", {})
    return [key for key in instance if key not in allowed]


def _message(error: ValidationError) -> str:
    field = ".".join(str(p) for p in error.absolute_path) or "the file"
    properties = skill_schema()["properties"]
    match error.validator:
        case "additionalProperties":
            parts = []
            for key in _unknown_fields(error):
                close = difflib.get_close_matches(str(key), properties, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(properties)}"
                parts.append(f"unknown field '{key}'; {hint}")
            return "; ".join(parts)
        case "required":
            missing = re.search(r"'([^']+)' is a required property", error.message)
            name = missing.group(1) if missing else error.message
            description = properties.get(name, {}).get("description", "")
            return f"missing required field '{name}': {description} Add a line '{name}: ...'"
        case "type":
            expected = cast(str, error.validator_value)
            message = f"field '{field}' must be {_article(expected)}, not {_yaml_type(error.instance)}"
            return f"{message}; {_type_fix(field, expected, error.instance)}"
        case "pattern" if error.absolute_path and error.absolute_path[0] in ("id", "related", "former_ids"):
            return (f"'{error.instance}' in '{field}' is not a valid skill id: use lower-case letters, "
                    "digits and single hyphens only (no spaces, dots or slashes)")
        case "anyOf" if error.absolute_path and error.absolute_path[0] == "chapters":
            return (f"'{error.instance}' in '{field}' is neither a chapter number (17) nor an appendix letter (B); "
                    "write them as 'chapters: [17, B]'")
        case "minLength":
            return f"field '{field}' is empty; write its text or remove the field"
        case "minimum":
            return f"field '{field}' is {error.instance}, below its least value {error.validator_value}; write {error.validator_value} or more"
        case "uniqueItems":
            items = cast(list[Any], error.instance)
            twice = next(item for index, item in enumerate(items) if item in items[:index])
            return f"field '{field}' lists {twice!r} more than once; list each once"
        case _:  # pragma: no cover - every rule of skill.schema.json has its own case above
            return f"field '{field}': {error.message}"


def _type_fix(field: str, expected: str, value: Any) -> str:
    """How to write a field of the ``expected`` JSON type that holds ``value``."""
    name = field.split(".")[0]
    if expected == "array":
        # A lone chapter number or appendix letter, written without its list.
        if re.fullmatch(r"\d+|[A-Z]", str(value)) and not isinstance(value, bool):
            return f"write '{name}: [{value}]'"
        return f"write it as a list, '{name}: [first, second]' or one '- item' a line under '{name}:'"
    if expected == "string" and value is None:
        return f"write its text after '{name}:', or remove the line"
    if expected == "string":
        return "write it as text, in quotes if YAML would read it otherwise: \"...\""
    if expected == "integer":
        return f"write a whole number, such as '{name}: 1'"
    return f"write it as {_article(expected)}"  # pragma: no cover - the schema's fields are texts, lists and numbers


def _article(json_type: str) -> str:
    names = {"string": "a text", "integer": "a whole number", "array": "a list", "object": "a mapping"}
    return names.get(json_type, json_type)


# How a YAML value's type is named in messages; bool before int, as True is an int.
_YAML_TYPES = ((bool, "true/false"), (int, "a number"), (float, "a decimal number"),
               (str, "a text"), (list, "a list"), (dict, "a mapping"), (datetime.date, "a date"))


def _yaml_type(value: Any) -> str:
    if value is None:
        return "empty"
    return next((name for kind, name in _YAML_TYPES if isinstance(value, kind)), type(value).__name__)


def _line(node: yaml.Node, path: list[Any]) -> int:
    """The 1-based line of the value at ``path`` in a composed YAML document."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            # A key is text in the YAML tree but may be a number in the data (an unknown field '1:').
            match = next((value for key, value in node.value if key.value == str(part)), None)
            if match is None:  # pragma: no cover - the validator's paths name keys the file has
                break
            # A key's line is where the author looks for it; nested values go deeper.
            if part == path[-1]:
                key = next(key for key, value in node.value if value is match)
                return cast(int, key.start_mark.line) + 1
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:  # pragma: no cover - the schema's paths go no deeper than a list item
            break
    return node.start_mark.line + 1

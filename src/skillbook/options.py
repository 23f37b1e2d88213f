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
        assistants:
          - name: Claude Code
            invoke: "/{skill}"
        collection:
          path: ../skills-collection
          repository: owner/name
        previews: false   # no link preview images (skillbook.previews)

The file is read here, as YAML nodes, so that each problem names its line;
MkDocs' own tags (``!ENV``, ``!!python/name``) are left unread."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from skillbook.problems import Problem
from skillbook.sources import read_source
from skillbook.yaml_source import compose_yaml

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


@dataclass(frozen=True)
class Assistant:
    """How one coding assistant invokes a skill, for the reader's choice on prompt
    cards. ``invoke`` replaces a prompt's opening ``@skill``, ``mention`` one in
    its running text; ``{skill}`` stands for the skill's id."""

    name: str
    invoke: str
    mention: str
    # The folder of a project where the assistant reads skills, for install commands.
    skills_folder: str = ".agents/skills"


SKILL_FIELD = "{skill}"
# What a book offers when mkdocs.yml lists no assistants; where each form comes
# from is in the README ("Prompts that fit your assistant").
DEFAULT_ASSISTANTS = (
    Assistant("As written", "@{skill}", "@{skill}"),
    Assistant("Claude Code", "/{skill}", "/{skill}", ".claude/skills"),
    Assistant("Codex", "${skill}", "${skill}", ".agents/skills"),
    Assistant("GitHub Copilot", "/{skill}", "/{skill}", ".github/skills"),
    Assistant("Cursor", "@{skill}", "@{skill}", ".cursor/skills"),
    Assistant("Any assistant, in words", "Use the {skill} skill.", "the {skill} skill"),
)
# A skills folder is written into a shell command: a relative path of plain names.
SKILLS_FOLDER_PATTERN = re.compile(r"^(?!\.\.?(?:/|$))[A-Za-z0-9_.-]+(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_.-]+)*$")
# Repository names as GitHub allows them, and branch names without shell characters.
REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
BRANCH_PATTERN = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_./-]*$")


@dataclass(frozen=True)
class CollectionOptions:
    """The public collection of skills the book is written about: a Git
    repository of ``<id>/SKILL.md`` folders, with a local copy at ``path``
    (a clone or a submodule, relative to mkdocs.yml)."""

    path: str
    repository: str  # owner/name on GitHub
    branch: str | None
    folder: Path  # ``path`` resolved against the options file's folder


def assistant_records(assistants: tuple[Assistant, ...]) -> list[dict[str, str]]:
    """The assistants as the site hands them to its script and publishes them in ``api/prompts.json``."""
    return [{"name": a.name, "invoke": a.invoke, "mention": a.mention} for a in assistants]


@dataclass
class BookOptions:
    parts: list[Part] = field(default_factory=list)
    assistants: tuple[Assistant, ...] = DEFAULT_ASSISTANTS
    collection: CollectionOptions | None = None
    # Each page's link preview image (skillbook.previews); on unless set to false.
    previews: bool = True
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
    root = compose_yaml(text, str(path), problems)
    if root is None:
        return options
    _check_repeated_keys(root, str(path), problems)
    node: yaml.Node | None = root
    for key in OPTIONS_KEY:
        node = _value(node, key)
        if node is None:
            return options
    assert node is not None, "OPTIONS_KEY names at least one key"
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(str(path), node.start_mark.line + 1, "'skillbook:' under 'extra:' must be a mapping, such as 'parts:'"))
        return options
    for key, value in node.value:
        if key.value == "parts":
            options.parts = _parts(value, str(path), problems)
        elif key.value == "assistants":
            options.assistants = _assistants(value, str(path), problems)
        elif key.value == "collection":
            options.collection = _collection(key, value, path, problems)
        elif key.value == "previews":
            options.previews = _switch(key.value, value, str(path), problems)
        else:
            problems.append(Problem(str(path), key.start_mark.line + 1,
                                    f"unknown Skillbook option '{key.value}'; known: parts, assistants, collection, previews"))
    return options


def _check_repeated_keys(node: yaml.Node, path: str, problems: list[Problem], depth: int = 0) -> None:
    """A key written twice in one mapping: YAML keeps the last and silently drops
    the first, as when the README's 'parts' and 'assistants' snippets are pasted as
    two 'extra:' blocks. Checked in the file's top mappings, where settings live."""
    if not isinstance(node, yaml.MappingNode) or depth > 2:
        return
    seen: dict[str, int] = {}
    for key, value in node.value:
        line = key.start_mark.line + 1
        if isinstance(key, yaml.ScalarNode) and key.value in seen:
            problems.append(Problem(
                path, line,
                f"'{key.value}:' is written a second time (first at line {seen[key.value]}); YAML keeps only this one "
                f"and drops the first with everything under it: move what is under this '{key.value}:' into the first",
            ))
        elif isinstance(key, yaml.ScalarNode):
            seen[key.value] = line
        _check_repeated_keys(value, path, problems, depth + 1)


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of ``key`` in a mapping node: the last, as YAML reads a key written twice."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for k, value in reversed(node.value) if k.value == key), None)


def _switch(name: str, node: yaml.Node, path: str, problems: list[Problem]) -> bool:
    """An option that is on or off: YAML's true or false (yes, no, on, off too); on otherwise."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on")
    problems.append(Problem(path, node.start_mark.line + 1, f"'{name}' must be true or false, such as '{name}: false'"))
    return True


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


def _assistants(node: yaml.Node, path: str, problems: list[Problem]) -> tuple[Assistant, ...]:
    """The assistants a reader chooses among; the book's own form comes first."""
    example = "write each assistant as '- name: Claude Code' with 'invoke: \"/{skill}\"' under it"
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        problems.append(Problem(path, node.start_mark.line + 1, f"'assistants' must be a list; {example}"))
        return DEFAULT_ASSISTANTS
    assistants = [DEFAULT_ASSISTANTS[0]]
    for item in node.value:
        line = item.start_mark.line + 1
        name, invoke, mention, folder = (_value(item, key) for key in ("name", "invoke", "mention", "skills_folder"))
        if not isinstance(name, yaml.ScalarNode) or not name.value.strip():
            problems.append(Problem(path, line, f"an assistant needs a 'name:'; {example}"))
            continue
        forms: list[str] = []
        for key, form in (("invoke", invoke), ("mention", mention)):
            if form is None and key == "mention":
                forms.append(forms[0])
            elif not isinstance(form, yaml.ScalarNode) or form.value.count(SKILL_FIELD) != 1:
                problems.append(Problem(path, (form or item).start_mark.line + 1,
                                        f"assistant '{name.value}' needs '{key}:' holding {SKILL_FIELD} once, "
                                        f"such as '{key}: \"/{{skill}}\"'"))
                break
            else:
                forms.append(form.value)
        if len(forms) != 2:
            continue
        if any(a.name == name.value.strip() for a in assistants):
            problems.append(Problem(path, line, f"assistant '{name.value}' is listed twice; list it once"))
            continue
        if folder is not None and not (isinstance(folder, yaml.ScalarNode) and SKILLS_FOLDER_PATTERN.match(folder.value)):
            problems.append(Problem(path, folder.start_mark.line + 1,
                                    f"assistant '{name.value}' needs 'skills_folder:' as a folder of the project, "
                                    "such as 'skills_folder: .gemini/skills' (letters, digits, '.', '_', '-' and '/')"))
            continue
        assistants.append(Assistant(name.value.strip(), *forms, *([folder.value] if folder is not None else [])))
    return tuple(assistants)


def _collection(key: yaml.Node, node: yaml.Node, config: Path, problems: list[Problem]) -> CollectionOptions | None:
    """Where the collection is kept here and published; its local copy must exist."""
    path = str(config)
    line = key.start_mark.line + 1
    example = "write 'collection:' with 'path: ../skills-collection' and 'repository: owner/name' under it"
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(path, line, f"'collection' must be a mapping; {example}"))
        return None
    fields = {k.value: v for k, v in node.value}
    for unknown in (k for k, _ in node.value if k.value not in ("path", "repository", "branch")):
        problems.append(Problem(path, unknown.start_mark.line + 1,
                                f"unknown collection option '{unknown.value}'; known: path, repository, branch"))
    values: dict[str, str] = {}
    for name, pattern, sample in (("path", None, "../skills-collection"), ("repository", REPOSITORY_PATTERN, "owner/name"),
                                  ("branch", BRANCH_PATTERN, "main")):
        value = fields.get(name)
        if value is None:
            if name != "branch":
                problems.append(Problem(path, line, f"the collection needs '{name}:', such as '{name}: {sample}'"))
            continue
        if not isinstance(value, yaml.ScalarNode) or not value.value.strip() or (pattern and not pattern.match(value.value)):
            problems.append(Problem(path, value.start_mark.line + 1,
                                    f"the collection's '{name}:' must be {'a GitHub repository as owner/name' if name == 'repository' else 'a ' + name}, "
                                    f"such as '{name}: {sample}'"))
            continue
        values[name] = value.value.strip()
    if "path" not in values or "repository" not in values:
        return None
    folder = (config.parent / values["path"]).resolve()
    url = f"https://github.com/{values['repository']}.git"
    branch = f" --branch {values['branch']}" if "branch" in values else ""
    inside = folder.is_relative_to(config.parent.resolve())
    if not folder.is_dir():
        submodule = f", or keep it in the project with 'git submodule add{branch} {url} {values['path']}'" if inside else ""
        problems.append(Problem(path, fields["path"].start_mark.line + 1,
                                f"the collection's folder {values['path']} does not exist; get it with "
                                f"'git clone{branch} {url} {values['path']}' (run beside {config.name}){submodule}"))
        return None
    try:
        empty = not any(folder.iterdir())
    except OSError:  # unreadable: the collection's reader finds no SKILL.md in it, and says so
        empty = False
    if empty:
        # A submodule of a clone made without --recurse-submodules: read as is, it
        # would publish that no skill can be installed.
        submodule = f"'git submodule update --init {values['path']}' if it is a submodule, or " if inside else ""
        problems.append(Problem(path, fields["path"].start_mark.line + 1,
                                f"the collection's folder {values['path']} is empty; get it with {submodule}"
                                f"'rmdir {values['path']} && git clone{branch} {url} {values['path']}' "
                                f"(run beside {config.name})"))
        return None
    return CollectionOptions(values["path"], values["repository"], values.get("branch"), folder)

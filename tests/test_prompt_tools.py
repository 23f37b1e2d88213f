"""The core of the reader's tools on prompt cards: a prompt's text in parts (the
skill invocations an assistant writes its own way, the placeholders a reader
fills in), the token estimate, and the assistants an author configures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skillbook
from skillbook.options import DEFAULT_ASSISTANTS, load_options
from skillbook.prompt_parts import card_markdown_text, composed, joined, prompt_parts
from skillbook.tokens import estimate_tokens
from tests.conftest import DOCS, DOCSIFY_BOOK, ROOT, SKILLS

SKILL_IDS = {"docker-expert", "kubernetes-expert", "helm-expert"}


def book_prompts():
    """Every prompt of the seed, with the ids of the seed's skills."""
    seed = skillbook.load_book(DOCS, SKILLS, ROOT, ROOT / "mkdocs.yml")
    yield from ((prompt, set(seed.skills)) for prompt in seed.prompts.values())


def test_parts_join_back_to_every_seed_prompt_exactly():
    count = 0
    for prompt, skills in book_prompts():
        parts = prompt_parts(prompt.text, skills)
        assert joined(parts) == prompt.text, prompt.id
        assert ("skill", prompt.skill_id) == parts[0], prompt.id  # each opens with its invocation
        count += 1
    assert count == 8


def test_parts_of_every_fixture_book_prompt(tmp_path):
    from skillbook.importer import import_book
    from tests.conftest import make_site_project

    project = make_site_project(tmp_path / "book")
    import_book([DOCSIFY_BOOK], project)
    book = skillbook.load_book(project / "docs", project / "skills", project, project / "mkdocs.yml")
    assert not book.errors, book.errors
    templates = 0
    for prompt in book.prompts.values():
        parts = prompt_parts(prompt.text, set(book.skills))
        assert joined(parts) == prompt.text, prompt.id
        fields = [part[2] for part in parts if part[0] == "field"]
        in_invocations = [name for part in parts if part[0] == "skill" for name in re.findall(r"\[([^\]]+)\]", part[1])]
        # The placeholders the prompt's page lists are the slots of its fields and invocations.
        assert set(prompt.placeholders) == set(fields) | set(in_invocations), prompt.id
        templates += prompt.is_template
    assert templates >= 3


@pytest.mark.parametrize("text, parts", [
    ("@docker-expert Build [language] images",
     [("skill", "docker-expert"), ("text", " Build "), ("field", "language", "language"), ("text", " images")]),
    ("Ask @helm-expert, then @kubernetes-expert.",
     [("text", "Ask "), ("skill", "helm-expert"), ("text", ", then "), ("skill", "kubernetes-expert"), ("text", ".")]),
    ("@[language]-expert Review this", [("skill", "[language]-expert"), ("text", " Review this")]),
    ("@skill-name Do it", [("skill", "skill-name"), ("text", " Do it")]),
    # Not invocations: unknown skills, annotations, e-mail addresses, a longer id.
    ("@Override and @unknown-skill and ops@docker-expert.io and @docker-experts",
     [("text", "@Override and @unknown-skill and ops@docker-expert.io and @docker-experts")]),
    # Not placeholders: numbers, task boxes, links, references, regular expressions.
    ("See [1], [x], [ ], [docs](https://x.io), [text][ref], ![alt](a.png), [a-z]+ and \\[escaped]",
     [("text", "See [1], [x], [ ], [docs](https://x.io), [text][ref], ![alt](a.png), [a-z]+ and \\[escaped]")]),
    ("Use [cloud provider] and [input/output format]",
     [("text", "Use "), ("field", "cloud provider", "cloud provider"), ("text", " and "),
      ("field", "input/output format", "input/output format")]),
    ("[language] first", [("field", "language", "language"), ("text", " first")]),
    # One name after two labels is two slots; in running text, one.
    ("Roles: [list]\nScope: [list] and [list]",
     [("text", "Roles: "), ("field", "list", "list (Roles)"), ("text", "\nScope: "), ("field", "list", "list (Scope)"), ("text", " and "),
      ("field", "list", "list")]),
    # Options, and a colon after a placeholder further on in a line.
    ("Add [feature name]: tests for [unit, integration, e2e]",
     [("text", "Add "), ("field", "feature name", "feature name"), ("text", ": tests for "),
      ("field", "unit, integration, e2e", "unit, integration, e2e")]),
    # A reference definition at the start of a line is no placeholder.
    ("[docs]: https://x.io\n   [ref]: /a", [("text", "[docs]: https://x.io\n   [ref]: /a")]),
    # A hyphen after an invocation is text; an @ word that is no skill does not end the search.
    ("@docker-expert- then @param x, then @helm-expert",
     [("skill", "docker-expert"), ("text", "- then @param x, then "), ("skill", "helm-expert")]),
])
def test_parts_of_hostile_and_ordinary_prompts(text, parts):
    assert prompt_parts(text, SKILL_IDS) == parts
    assert joined(parts) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("@[]()-_/ \n\t\r`ab1xZ:!^\\")) | st.characters(), max_size=120))
def test_parts_always_join_back_exactly(text):
    assert joined(prompt_parts(text, SKILL_IDS | {"a", "ab"})) == text


# Counts of the seed's prompts by gpt-tokenizer 2.9 (cl100k_base), measured once.
SEED_TOKENS = {
    "writing-production-ready-dockerfiles": 173, "debugging-container-issues": 147,
    "docker-compose-for-development": 163, "designing-a-production-deployment": 203,
    "implementing-zero-downtime-deployments": 155, "kubernetes-troubleshooting-guide": 141,
    "creating-a-reusable-helm-chart": 191, "implementing-istio-traffic-management": 143,
}


def test_token_estimate_is_within_15_percent_of_a_real_tokenizer():
    for prompt, _ in book_prompts():
        real = SEED_TOKENS[prompt.id]
        assert abs(estimate_tokens(prompt.text) - real) <= 0.15 * real, (prompt.id, estimate_tokens(prompt.text), real)


def test_token_estimate_grows_with_the_text():
    assert estimate_tokens("") == 0
    assert estimate_tokens("Hello") == 1
    assert estimate_tokens("Hello world " * 50) > estimate_tokens("Hello world " * 10) > 0


def test_token_estimate_counts_words_by_length_and_a_run_of_blank_lines_as_one():
    # 6.5 letters a token, rounded: 9 letters are one token, 10 are two, with or without the space before.
    assert [estimate_tokens(word) for word in ("Xenophobe", "Xenophobia", " Xenophobia")] == [1, 2, 2]
    assert estimate_tokens("one\n\n\n\ntwo") == 3


def options_of(tmp_path: Path, extra: str):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Book\nextra:\n  skillbook:\n" + extra, encoding="utf-8")
    problems = []
    return load_options(config, problems), [str(p) for p in problems]


def test_assistants_default_to_the_book_form_and_common_assistants(tmp_path):
    options, problems = options_of(tmp_path, "    parts: []\n")
    assert options.assistants == DEFAULT_ASSISTANTS
    assert options.assistants[0].name == "As written" and options.assistants[0].invoke == "@{skill}"
    assert {"Claude Code", "Codex", "GitHub Copilot", "Cursor"} <= {a.name for a in options.assistants}


def test_assistants_from_mkdocs_yml_follow_the_book_form(tmp_path):
    options, problems = options_of(tmp_path, (
        "    assistants:\n"
        "      - name: Team bot\n"
        "        invoke: \"!{skill}\"\n"
        "      - name: In words\n"
        "        invoke: \"Use the {skill} skill.\"\n"
        "        mention: \"the {skill} skill\"\n"))
    assert not problems
    assert [(a.name, a.invoke, a.mention) for a in options.assistants] == [
        ("As written", "@{skill}", "@{skill}"), ("Team bot", "!{skill}", "!{skill}"),
        ("In words", "Use the {skill} skill.", "the {skill} skill")]


def test_assistant_mistakes_name_the_line_and_the_fix(tmp_path):
    options, problems = options_of(tmp_path, (
        "    assistants:\n"
        "      - name: No field\n"
        "        invoke: \"/skill\"\n"      # line 6
        "      - invoke: \"/{skill}\"\n"    # line 7
        "      - name: Twice\n"
        "        invoke: \"/{skill}\"\n"
        "      - name: Twice\n"             # line 10
        "        invoke: \"/{skill}\"\n"))
    config = str(tmp_path / "mkdocs.yml")
    assert problems == [
        f"{config}:6: assistant 'No field' needs 'invoke:' holding {{skill}} once, such as 'invoke: \"/{{skill}}\"'",
        f"{config}:7: an assistant needs a 'name:'; write each assistant as '- name: Claude Code' with "
        f"'invoke: \"/{{skill}}\"' under it",
        f"{config}:10: assistant 'Twice' is listed twice; list it once",
    ]
    assert [a.name for a in options.assistants] == ["As written", "Twice"]
    _, problems = options_of(tmp_path, "    assistants: /{skill}\n")
    assert problems == [f"{config}:4: 'assistants' must be a list; write each assistant as '- name: Claude Code' "
                        f"with 'invoke: \"/{{skill}}\"' under it"]


def test_copy_as_markdown_keeps_the_chapter_markdown_with_links_as_their_text():
    import json as json_module
    from urllib.parse import unquote

    from skillbook.model import Prompt
    from skillbook.render import card_markdown

    prompt = next(p for p, _ in book_prompts())
    prompt = Prompt(**{**prompt.__dict__, "title": "Use `**bold**` and [docs](chapter-3-later.md)",
                       "context": "See ![a diagram](d.png), [Chapter 3][ch3] and [1].", "expected_output": None})
    about = json_module.loads(unquote(card_markdown(prompt)))
    assert about == {"title": "Use `**bold**` and docs", "context": "See a diagram, Chapter 3 and [1].", "expected": None}


COMPOSED = json.loads((ROOT / "tests" / "fixtures" / "composed-prompts.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", COMPOSED["cases"], ids=lambda case: case["about"])
def test_composition_for_an_assistant_and_values_meets_the_cases_the_cards_meet(case):
    assistant = next(a for a in DEFAULT_ASSISTANTS if a.name == case["assistant"])
    parts = prompt_parts(case["text"], set(COMPOSED["skills"]))
    assert composed(parts, assistant.invoke, assistant.mention, case["values"]) == case["expected"]


def test_markdown_of_a_card_is_title_context_fenced_prompt_and_expected_output():
    assert card_markdown_text("Ship it", "When `ready`.", "\n- a tag\n- notes", "@docker-expert Use ```` here.") == (
        "## Ship it\n\n**Context:** When `ready`.\n\n`````text\n@docker-expert Use ```` here.\n`````\n\n"
        "**Expected Output:** \n- a tag\n- notes\n")
    assert card_markdown_text("Plain", None, None, "@docker-expert Go.  ") == "## Plain\n\n```text\n@docker-expert Go.  \n```\n"


# The slots of the fixture book's Project Kickoff and of templates written the way
# authors write them: a slot's key, label, options and whether it takes lines,
# read off the text by hand.
@pytest.mark.parametrize("text, expected", [
    ("@[language]-expert Plan the kickoff of [project name].\n\nTeam roles: [list]\nIn scope: [list]\n"
     "Out of scope: [list]\nHistorical data to migrate: [duration]\nTarget environment: [dev, staging, prod]\n",
     [("language", "language", None, (), False), ("project name", "project name", None, (), False),
      ("list (Team roles)", "list", "Team roles", (), False), ("list (In scope)", "list", "In scope", (), False),
      ("list (Out of scope)", "list", "Out of scope", (), False),
      ("duration", "duration", "Historical data to migrate", (), False),
      ("dev, staging, prod", "dev, staging, prod", "Target environment", ("dev", "staging", "prod"), False)]),
    ("@[language]-expert Review this [language] code:\n\n[paste code here]\n\nIt fails with [error message] and "
     "[code]; see\n  [notes]  \nand [stack trace].",
     [("language", "language", None, (), False), ("paste code here", "paste code here", None, (), True),
      ("error message", "error message", None, (), True), ("code", "code", None, (), True),
      ("notes", "notes", None, (), True), ("stack trace", "stack trace", None, (), True)]),
    # One label twice is one slot, which keeps its label.
    ("- Owner: [name]\n- Owner: [name]\nReviewer: [person]\n",
     [("name", "name", "Owner", (), False), ("person", "person", "Reviewer", (), False)]),
])
def test_slots_of_templates(text, expected):
    from skillbook.placeholders import slots

    assert [(s.key, s.name, s.label, s.options, s.lines) for s in slots(text)] == expected


@pytest.mark.parametrize("value, expected", [
    ("Python", "python"), ("Ruby on Rails", "ruby-on-rails"), ("  C++ ", "c"), ("Node.js 20", "node-js-20"), ("+++", ""),
])
def test_a_value_filled_into_an_invocation_is_written_as_an_id(value, expected):
    from skillbook.placeholders import invocation_id

    assert invocation_id(value) == expected

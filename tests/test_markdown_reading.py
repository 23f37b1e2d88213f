"""Links, code spans and skill ids are read by one module each, for the chapter
reader, the safety pass, the renderer and the importer alike. Each test here is
a line that two readers once read two ways; the expected values are written out
from CommonMark's reading of the line."""

from __future__ import annotations

from pathlib import Path

from skillbook.chapters import parse_chapter, parse_document
from skillbook.code_spans import CodeSpan, code_spans
from skillbook.importer import (
    ImportReport, Page, PageKind, Repository, SkillFacts, introductions_to_directives, read_skills, rewrite_links, unwrap_centred_html,
)
from skillbook.links import link_targets, links
from skillbook.model import ChapterLink, PageLink
from skillbook.problems import Problem
from skillbook.render import card_about, inline_markdown
from skillbook.safety import neutralise, unsafe_links
from skillbook.skill_ids import SKILL_ID_PATTERN
from skillbook.skills import parse_skill, skill_schema
from skillbook.data import api_schema

# -- code spans: paired runs of backticks, not a count of them ------------------------------------

# A code span holding a backtick of its own ("a ` b" between double backticks): five
# backticks stand before the link, which counting read as inside code.
SPAN_WITH_BACKTICK = "`` a ` b `` then [run](javascript:alert(1))"


def test_a_code_span_is_two_runs_of_the_same_length():
    assert code_spans(SPAN_WITH_BACKTICK) == (CodeSpan(0, 11, 2),)
    assert code_spans("one ` alone") == ()
    assert code_spans("```js``` and `x`") == (CodeSpan(0, 8, 3), CodeSpan(13, 16, 1))


def test_a_link_after_a_span_holding_a_backtick_is_refused_as_the_renderer_shows_it():
    assert unsafe_links(SPAN_WITH_BACKTICK) == ["javascript:alert(1)"]
    # The renderer's code spans end where the safety pass's do.
    assert str(inline_markdown(SPAN_WITH_BACKTICK)).startswith("<code>a &#96; b</code> then [run]")


def test_html_after_a_lone_backtick_is_shown_as_text():
    # One backtick opens no code span, so Markdown reads the tag as HTML.
    assert neutralise(["Press ` then <script>alert(1)</script>"]) == ["Press ` then &lt;script>alert(1)&lt;/script>"]


def test_a_chapter_link_after_a_span_holding_a_backtick_is_a_link():
    document = parse_document("index.md", "docs/index.md", "See `` ` `` and [Later](chapter-9-later.md).\n", [])
    assert document.chapter_links == [ChapterLink("chapter-9-later.md", 0, 1)]


def test_a_link_in_a_code_span_of_a_cards_context_is_code_when_copied():
    about = card_about("Title", "Write `[x](y)` for a link, as [the guide](chapter-1-a.md) says", None)
    assert about["context"] == "Write `[x](y)` for a link, as the guide says"


def test_a_link_in_a_code_span_of_skill_metadata_is_code_not_a_link():
    text = 'id: tester\npurpose: "Explains `[x](javascript:y)` links"\nchapters: [1]\n'
    problems: list[Problem] = []
    skill = parse_skill(Path("skills/tester.yml"), text, problems)
    assert problems == [] and skill is not None and skill.purpose == "Explains `[x](javascript:y)` links"


# -- link targets: angle brackets and balanced parentheses ---------------------------------------

def test_targets_keep_their_balanced_parentheses_and_spaces_in_angle_brackets():
    assert link_targets("[a](guide_(v2).md) [b](<my guide.md>) [c](x.md 'Title')") == ["guide_(v2).md", "my guide.md", "x.md"]
    assert [(link.text, link.target, link.title) for link in links("[c](x.md 'Title')")] == [("c", "x.md", " 'Title'")]


def test_the_link_check_reads_a_target_in_angle_brackets_whole():
    document = parse_document("index.md", "docs/index.md", "Read [the guide](<my guide.md#start>).\n", [])
    assert document.page_links == [PageLink("my guide.md", "start", 1)]


def _pages(first_chapter: str) -> list[Page]:
    return [
        Page(Path("book/chapters/01-start.md"), PageKind.CHAPTER, 1, first_chapter, "chapter-1-start.md"),
        Page(Path("book/chapters/02-setup.md"), PageKind.CHAPTER, 2, "# Chapter 2: Setup\n\n## Installing {#install}\n",
             "chapter-2-setup.md"),
    ]


def _rewritten(line: str) -> tuple[str, ImportReport]:
    pages = _pages(f"# Chapter 1: Start\n\n{line}\n")
    report = ImportReport(Path("project"), dry_run=True)
    rewrite_links(pages[0], pages, report, Repository(None, None))
    return pages[0].text.split("\n")[2], report


def test_the_importer_reads_a_target_with_parentheses_whole():
    assert _rewritten("See [setup](02-setup_(draft).md).")[0] == "See [setup](chapter-2-setup.md)."


def test_the_importer_resolves_a_target_in_angle_brackets():
    assert _rewritten("See [setup](<02-setup.md>).")[0] == "See [setup](chapter-2-setup.md)."


def test_the_importer_keeps_a_title_in_single_quotes():
    assert _rewritten("See [setup](02-setup.md 'Set up').")[0] == "See [setup](chapter-2-setup.md 'Set up')."


def test_the_importer_follows_an_anchor_pinned_on_the_heading():
    line, report = _rewritten("See [installing](02-setup.md#install).")
    assert line == "See [installing](chapter-2-setup.md#install)."
    assert report.links_unresolved == []


def test_the_importer_leaves_a_link_in_a_code_span_alone():
    assert _rewritten("Write `` `[x](02-setup.md)` `` as is.")[0] == "Write `` `[x](02-setup.md)` `` as is."


# -- skill ids: one pattern ------------------------------------------------------------------------

def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for v in node.values() for p in _patterns(v)]
    return [p for v in node for p in _patterns(v)] if isinstance(node, list) else []


def test_the_schemas_write_the_skill_id_pattern_of_the_code():
    # skill.schema.json: id, related, former_ids; api.schema.json: a skill's and a prompt's id.
    ids = [p for p in _patterns(skill_schema()) + _patterns(api_schema()) if "a-z" in p]
    assert ids == [f"^{SKILL_ID_PATTERN}$"] * 5


def test_a_table_row_naming_an_invalid_id_names_no_skill():
    # "@docker_expert" was read as the skill "docker", which the book would then have made.
    page = Page(Path("book/chapters/01-start.md"), PageKind.CHAPTER, 1,
                "# Chapter 1: Start\n\n| Skill | Purpose | Best For |\n|---|---|---|\n| `@docker_expert` | Builds images | Ops |\n",
                "chapter-1-start.md")
    report = ImportReport(Path("project"), dry_run=True)
    assert read_skills([page], report) == {}
    assert [note.text for note in report.skipped] == [
        "table row '`@docker_expert`' names no @skill-id (lower-case letters, digits, hyphens)"]


def test_a_code_block_opening_with_a_skill_id_is_noted_for_the_same_ids_as_a_prompt():
    chapter = parse_chapter("chapter-1-a.md", "docs/chapter-1-a.md",
                            "# Chapter 1: A\n\n```python\n@docker-expert build\n```\n\n```python\n@Docker build\n```\n", [])
    assert [(m.skill_id, m.language, m.line) for m in chapter.code_mentions] == [("docker-expert", "python", 3)]


# -- the importer edits pages where the chapter reader found their parts -----------------------------

def test_a_code_block_below_unwrapped_html_stays_code():
    # The wrapper's lines go; the code block below them moves up and is still code.
    page = Page(Path("book/README.md"), PageKind.HOME, None,
                '<div align="center">\n\n# Title\n\n</div>\n\n```html\n<p align="center">Logo</p>\n```')
    unwrap_centred_html(page, ImportReport(Path("project"), dry_run=True))
    assert page.text == '# Title\n\n```html\n<p align="center">Logo</p>\n```'


def test_a_numbered_list_of_an_introduction_is_its_items():
    page = Page(Path("book/chapters/01-start.md"), PageKind.CHAPTER, 1,
                "# Chapter 1: Start\n\n## Skill Introduction\n\nThe `@docker-expert` skill builds images.\n\n"
                "**Key strengths:**\n\n1. Small images\n2. Fast builds\n   and caches\n   - kept warm\n", "chapter-1-start.md")
    facts = {"docker-expert": SkillFacts("docker-expert", "Builds images", None, [1], 1, "book/chapters/01-start.md:5")}
    introductions_to_directives(page, facts, {}, ImportReport(Path("project"), dry_run=True))
    # A list inside an item is part of the item's text, as the metadata has one line an item.
    assert facts["docker-expert"].key_strengths == ["Small images", "Fast builds and caches kept warm"]
    assert facts["docker-expert"].introduction == "The `@docker-expert` skill builds images."
    assert page.text == "# Chapter 1: Start\n\n## Skill Introduction\n\n<!-- skillbook: skill-introduction docker-expert -->\n"

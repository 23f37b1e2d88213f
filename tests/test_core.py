"""Unit tests of the pure core (``skillbook``), without any MkDocs build:
reading chapters, loading the book, rendering its Markdown."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import skillbook
from skillbook.chapters import parse_chapter
from skillbook.render import Renderer, code_html, inline_markdown
from tests.conftest import (
    CHAPTER_1, CHAPTER_16, DOCS, SKILLS, TEMPLATES, seed_prompts, seed_text, site_markdown, skill_yaml, write_book,
)
from tests.support.pages import code_blocks

SEED_URI = "chapter-16-container-orchestration.md"

SEED_PROMPTS = [
    # id, skill, title, context, expected output
    ("writing-production-ready-dockerfiles", "docker-expert", "Writing Production-Ready Dockerfiles",
     "You need to containerize a Node.js application for production deployment.",
     "Optimized Dockerfile with multi-stage build, resulting in image under 200MB."),
    ("debugging-container-issues", "docker-expert", "Debugging Container Issues",
     "Your container is crashing in production and you need to diagnose the issue.",
     "Debugging guide with JVM tuning and container configuration fixes."),
    ("docker-compose-for-development", "docker-expert", "Docker Compose for Development",
     "You need a local development environment that matches production as closely as possible.",
     "Complete Docker Compose development environment with helper scripts."),
    ("designing-a-production-deployment", "kubernetes-expert", "Designing a Production Deployment",
     "You need to deploy a microservice to Kubernetes with production-grade configuration.",
     "Complete set of Kubernetes manifests following production best practices."),
    ("implementing-zero-downtime-deployments", "kubernetes-expert", "Implementing Zero-Downtime Deployments",
     "Your deployments are causing brief outages and you need to fix them.",
     "Configuration changes and process improvements for true zero-downtime deployments."),
    ("kubernetes-troubleshooting-guide", "kubernetes-expert", "Kubernetes Troubleshooting Guide",
     "You're experiencing intermittent issues in your Kubernetes cluster.",
     "Comprehensive troubleshooting guide with commands and runbooks."),
    ("creating-a-reusable-helm-chart", "helm-expert", "Creating a Reusable Helm Chart",
     "You need to create a Helm chart that can deploy your application across multiple environments.",
     "Complete Helm chart with environment-specific values files."),
    ("implementing-istio-traffic-management", "service-mesh-expert", "Implementing Istio Traffic Management",
     "You want to use Istio for canary deployments and traffic shifting.",
     "Complete Istio configuration for automated canary deployments."),
]

SEED_SECTIONS = [
    ("overview", "Overview"),
    ("161-docker-mastery-with-docker-expert", "16.1 Docker Mastery with @docker-expert"),
    ("162-kubernetes-orchestration-with-kubernetes-expert", "16.2 Kubernetes Orchestration with @kubernetes-expert"),
    ("163-helm-chart-development-with-helm-expert", "16.3 Helm Chart Development with @helm-expert"),
    ("164-service-mesh-with-service-mesh-expert", "16.4 Service Mesh with @service-mesh-expert"),
    ("best-practices-summary", "Best Practices Summary"),
    ("reflection-points", "Reflection Points"),
]

PROMPT_SECTIONS = [SEED_SECTIONS[1]] * 3 + [SEED_SECTIONS[2]] * 3 + [SEED_SECTIONS[3], SEED_SECTIONS[4]]


def seed_table_ids() -> list[str]:
    return re.findall(r"^\| `@([a-z0-9-]+)` \|", seed_text(), re.MULTILINE)


# --------------------------------------------------------------------------------------
# Small books in tmp_path
# --------------------------------------------------------------------------------------


def tiny_book(tmp_path: Path, chapter: str) -> skillbook.Book:
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    return skillbook.load_book(tmp_path / "docs", tmp_path / "skills")


def parse(text: str, uri: str = "chapter-1-testing.md"):
    problems: list = []
    chapter = parse_chapter(uri, uri, text, problems)
    return chapter, problems


def render_markdown(text: str) -> str:
    """Markdown to HTML with the Markdown extensions of mkdocs.yml, as the site renders pages."""
    return site_markdown().reset().convert(text)


# --------------------------------------------------------------------------------------
# parse_chapter on the seed
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_chapter():
    chapter, problems = parse(seed_text(), SEED_URI)
    # The seed's one damaged arrow, on its last line, and nothing else.
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [(439, "encoding damage (text saved as UTF-8 twice)")]
    return chapter


def test_parse_chapter_reads_the_seeds_prompts(seed_chapter):
    chapter = seed_chapter
    assert chapter.number == 16
    assert chapter.title == "Chapter 16: Container Orchestration"
    assert chapter.short_title == "Container Orchestration"
    assert len(chapter.prompts) == 8
    assert [(p.id, p.skill_id, p.title, p.context, p.expected_output) for p in chapter.prompts] == SEED_PROMPTS
    assert [p.plain_title for p in chapter.prompts] == [p[2] for p in SEED_PROMPTS]


def test_parse_chapter_keeps_prompt_texts_exactly(seed_chapter):
    expected = seed_prompts()
    assert len(expected) == 8
    assert [p.text for p in seed_chapter.prompts] == expected


def test_parse_chapter_reads_sections(seed_chapter):
    # The anchors of the chapter's own headings are known, to keep prompt ids off them.
    assert {slug for slug, _ in SEED_SECTIONS} <= {h.slug for h in seed_chapter.headings}
    assert not {p.id for p in seed_chapter.prompts} & {h.slug for h in seed_chapter.headings}
    assert len(seed_chapter.prompts) == 8
    assert [p.section_title for p in seed_chapter.prompts] == [title for _, title in PROMPT_SECTIONS]
    assert [p.heading_level for p in seed_chapter.prompts] == [4] * 8
    assert [p.chapter_key for p in seed_chapter.prompts] == [16] * 8


def test_parse_chapter_finds_prompt_lines_and_extent(seed_chapter):
    lines = seed_text().split("\n")
    assert len(seed_chapter.prompts) == 8
    for prompt in seed_chapter.prompts:
        assert lines[prompt.line - 1] == "```text"
        assert lines[prompt.line] == prompt.text.split("\n")[0]
        # The card replaces the run from its heading to its expected output.
        assert lines[prompt.start] == f"#### {prompt.title}"
        assert lines[prompt.end - 1].startswith("**Expected Output:**")


def test_parse_chapter_reads_the_link_to_the_next_chapter(seed_chapter):
    assert len(seed_chapter.chapter_links) == 1
    link = seed_chapter.chapter_links[0]
    assert link.href == "chapter-17-cloud-platforms.md"
    assert link.line == 439


def test_parse_chapter_reads_directives_of_the_real_chapter():
    chapter, problems = parse(CHAPTER_16.read_text(encoding="utf-8"), CHAPTER_16.name)
    assert problems == []
    assert [(d.name, d.args) for d in chapter.directives] == [
        ("skills-table", []),
        ("skill-introduction", ["docker-expert"]),
        ("skill-introduction", ["kubernetes-expert"]),
        ("skill-introduction", ["helm-expert"]),
        ("skill-introduction", ["service-mesh-expert"]),
    ]
    assert [d.section_title for d in chapter.directives] == [title for _, title in SEED_SECTIONS[0:5]]
    # The chapter keeps the seed's prompts as they are.
    assert [p.text for p in chapter.prompts] == seed_prompts()


# --------------------------------------------------------------------------------------
# load_book on the real book
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    return skillbook.load_book(DOCS, SKILLS)


def test_load_book_reads_the_real_book(book):
    assert [str(p) for p in book.errors] == []
    assert [str(p) for p in book.warnings] == []
    assert book.problems == []
    assert len(book.skills) == 14
    assert sorted(book.skills) == sorted(seed_table_ids())
    assert [c.number for c in book.chapters] == [16]
    assert list(book.prompts) == [p[0] for p in SEED_PROMPTS]
    assert [p.text for p in book.prompts.values()] == seed_prompts()


def test_skills_in_chapter_follow_the_seed_table_order(book):
    expected = seed_table_ids()
    assert len(expected) == 14
    assert [s.id for s in book.skills_in_chapter(book.chapter(16))] == expected


def test_prompts_for_each_skill(book):
    counts = {s: len(book.prompts_for(book.skills[s])) for s in book.skills}
    assert sum(counts.values()) == 8
    assert {s: n for s, n in counts.items() if n} == {
        "docker-expert": 3, "kubernetes-expert": 3, "helm-expert": 1, "service-mesh-expert": 1,
    }


def test_related_skills_are_symmetric(book):
    pairs = [(s.id, r.id) for s in book.skills.values() for r in book.related(s)]
    assert len(pairs) > 0
    one_way = [(a, b) for a, b in pairs if (b, a) not in pairs]
    assert one_way == []
    # Each declared relation is there, in both directions.
    for skill in book.skills.values():
        for other in skill.related:
            assert other in [r.id for r in book.related(skill)]
            assert skill.id in [r.id for r in book.related(book.skills[other])]
    assert all(s.id not in [r.id for r in book.related(s)] for s in book.skills.values())


def test_introductions_are_where_the_chapter_introduces_them(book):
    assert {k: v[1] for k, v in book.introductions.items()} == {
        "docker-expert": SEED_SECTIONS[1][1], "kubernetes-expert": SEED_SECTIONS[2][1],
        "helm-expert": SEED_SECTIONS[3][1], "service-mesh-expert": SEED_SECTIONS[4][1],
    }


# --------------------------------------------------------------------------------------
# Renderer on the real book
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer(book):
    return Renderer(book, TEMPLATES)


def test_generated_pages(renderer):
    pages = renderer.generated_pages()
    uris = [p.src_uri for p in pages]
    assert len(uris) == len(set(uris)) == 2 + 14 + 8
    assert set(uris) == {
        "skills/index.md", "prompts/index.md",
        *(f"skills/{s}.md" for s in seed_table_ids()),
        *(f"prompts/{p[0]}.md" for p in SEED_PROMPTS),
    }
    assert all(p.markdown.strip() for p in pages)


def test_rendered_chapter_has_no_directive_left(renderer, book):
    text = renderer.chapter(book.chapter(16))
    assert "<!--" not in text
    assert "skillbook:" not in text
    # The generated parts are in: the table of 14 skills and the four introductions.
    assert len(re.findall(r"^\| \[`@[a-z0-9-]+`\]\(skills/[a-z0-9-]+\.md\) \|", text, re.MULTILINE)) == 14
    assert text.count("**When to use this skill:**") == 4
    assert text.count("**Key strengths:**") == 4
    # Eight cards; the unwritten chapter 17 is text, not a link.
    assert text.count('<article class="sb-prompt"') == 8
    assert "chapter-17-cloud-platforms.md" not in text
    assert "Chapter 17: Cloud Platforms →" in text and "coming soon" in text


def test_rendered_chapter_code_is_the_seeds_prompts(renderer, book):
    """Through Python-Markdown with the site's extensions, each card's code is the seed's prompt."""
    codes = code_blocks(render_markdown(renderer.chapter(book.chapter(16))))
    assert len(codes) == 8
    assert codes == seed_prompts()


# --------------------------------------------------------------------------------------
# Prompts not in the seed
# --------------------------------------------------------------------------------------


def test_pinned_id(tmp_path):
    chapter_text = """# Chapter 1: Testing

## 1.1 Prompts

#### Planning a `Terraform` Module {#terraform-vpc-module}

**Context:** You need a module.

```text
@tester Design a module.
```
"""
    chapter, problems = parse(chapter_text)
    assert problems == []
    assert len(chapter.prompts) == 1
    prompt = chapter.prompts[0]
    assert prompt.id == "terraform-vpc-module"
    assert prompt.title == "Planning a `Terraform` Module"
    assert prompt.plain_title == "Planning a Terraform Module"
    assert prompt.context == "You need a module."
    assert prompt.expected_output is None

    book = tiny_book(tmp_path, chapter_text)
    assert [str(p) for p in book.problems] == []
    assert list(book.prompts) == ["terraform-vpc-module"]
    uris = [p.src_uri for p in Renderer(book, TEMPLATES).generated_pages()]
    assert "prompts/terraform-vpc-module.md" in uris
    rendered = Renderer(book, TEMPLATES).chapter(book.chapter(1))
    assert "{#terraform-vpc-module}" not in rendered
    assert 'id="terraform-vpc-module"' in render_markdown(rendered)


def test_a_prompt_above_any_heading_has_no_context():
    chapter, problems = parse("An intro.\n\n```text\n@tester Go.\n```\n")
    assert [str(p) for p in problems] == ["chapter-1-testing.md:1: chapter 1 has no title; start it with '# Chapter 1: Title'"]
    assert [(p.id, p.context) for p in chapter.prompts] == [("chapter-1-prompt", None)]


def test_a_prompt_page_relinks_only_the_contexts_links_into_the_book(tmp_path):
    context = "See [the docs](https://example.org/docs), [basics](#basics) and `[code](#basics)`."
    book = tiny_book(tmp_path, f"# Chapter 1: Testing\n\n## Basics\n\n#### Write a Test\n\n**Context:** {context}\n\n"
                               "```text\n@tester Go.\n```\n")
    (page,) = [p for p in Renderer(book, TEMPLATES).generated_pages() if p.src_uri == "prompts/write-a-test.md"]
    assert ("**Context:** See [the docs](https://example.org/docs), [basics](../chapter-1-testing.md#basics) and "
            "`[code](#basics)`.") in page.markdown


def test_a_skill_file_in_error_keeps_its_page_if_its_name_can_be_an_address(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester"), "other.yml": "id: other\npurpose: [\n", "Not An Id.yml": "id: [\n"},
               {"chapter-1-testing.md": CHAPTER_1})
    book = skillbook.load_book(tmp_path / "docs", tmp_path / "skills")
    assert book.invalid_skills == {"other", "Not An Id"}
    assert sorted(p.src_uri for p in Renderer(book, TEMPLATES).generated_pages() if p.src_uri.startswith("skills/")) == [
        "skills/index.md", "skills/other.md", "skills/tester.md"]


def test_pinned_id_with_attr_list_colon():
    chapter, problems = parse("# Chapter 1: Testing\n\n#### Title {: #my-id }\n\n```text\n@tester Go.\n```\n")
    assert problems == []
    assert [(p.id, p.title) for p in chapter.prompts] == [("my-id", "Title")]


def test_prompt_without_its_own_heading_is_titled_from_its_section(tmp_path):
    chapter_text = """# Chapter 1: Testing

## 1.2 Quick Prompts

Paste this one:

```text
@tester Check the fixtures.
```

And this one:

```text
@tester Check them again.
```
"""
    chapter, problems = parse(chapter_text)
    assert problems == []
    assert len(chapter.prompts) == 2
    first, second = chapter.prompts
    # The ids differ from the section heading's anchor, which stays the heading's.
    assert (first.title, first.id, first.heading_level) == ("1.2 Quick Prompts", "12-quick-prompts-prompt", None)
    assert (second.title, second.id) == ("1.2 Quick Prompts (2)", "12-quick-prompts-prompt-2")
    assert first.text == "@tester Check the fixtures."
    assert first.section_title == "1.2 Quick Prompts"

    book = tiny_book(tmp_path, chapter_text)
    page = render_markdown(Renderer(book, TEMPLATES).chapter(book.chapter(1)))
    ids = re.findall(r' id="([^"]+)"', page)
    assert {"12-quick-prompts", "12-quick-prompts-prompt", "12-quick-prompts-prompt-2"} <= set(ids)
    assert len(ids) == len(set(ids)), ids


def test_prompt_without_heading_keeps_the_section_heading(tmp_path):
    """The section heading is not taken into the card: it stays on the page once."""
    chapter_text = "# Chapter 1: Testing\n\n## 1.2 Quick Prompts\n\n```text\n@tester Check the fixtures.\n```\n"
    book = tiny_book(tmp_path, chapter_text)
    assert [str(p) for p in book.problems] == []
    page = render_markdown(Renderer(book, TEMPLATES).chapter(book.chapter(1)))
    assert page.count("1.2 Quick Prompts") == 1
    assert code_blocks(page) == ["@tester Check the fixtures."]
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), ids


def test_prompt_in_a_four_backtick_fence_keeps_triple_backticks(tmp_path):
    prompt_text = "@tester Write a README section:\n\n```bash\nmake test\n```\n\nThen explain it."
    chapter_text = f"""# Chapter 1: Testing

## 1.1 Prompts

#### Writing a README

````text
{prompt_text}
````

**Expected Output:** A README.
"""
    chapter, problems = parse(chapter_text)
    assert problems == []
    assert len(chapter.prompts) == 1
    assert chapter.prompts[0].text == prompt_text
    assert chapter.prompts[0].expected_output == "A README."

    book = tiny_book(tmp_path, chapter_text)
    assert [str(p) for p in book.problems] == []
    page = render_markdown(Renderer(book, TEMPLATES).chapter(book.chapter(1)))
    assert code_blocks(page) == [prompt_text]
    assert "A README." in page


def test_prompt_with_tabs_blank_looking_lines_and_html_is_kept_byte_for_byte(tmp_path):
    prompt_text = '@tester Fix this Makefile:\n\nall:\n\tgo build ./...\n   \n\t\n<b>bold</b> & "quotes" &amp; {#id}\n  indented  '
    chapter_text = f"# Chapter 1: Testing\n\n#### Tabs\n\n```text\n{prompt_text}\n```\n"
    chapter, problems = parse(chapter_text)
    assert problems == []
    assert chapter.prompts[0].text == prompt_text
    book = tiny_book(tmp_path, chapter_text)
    assert [str(p) for p in book.problems] == []
    page = render_markdown(Renderer(book, TEMPLATES).chapter(book.chapter(1)))
    assert code_blocks(page) == [prompt_text]
    assert "<b>bold</b>" not in page


# --------------------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------------------


def test_inline_markdown_shows_raw_html_as_text():
    assert inline_markdown("<script>alert(1)</script> & <b>x</b>") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;"
    )
    # Code spans are written as <code> with their text as entities.
    assert inline_markdown("use `<b>` & more") == "use <code>&#60;b&#62;</code> &amp; more"
    assert inline_markdown("``a ` <i>`` <i>") == "<code>a &#96; &#60;i&#62;</code> &lt;i&gt;"
    # No attribute list can be injected, no table cell broken, and the value stays on one line.
    assert inline_markdown("Text { #id .cls }") == "Text &#123; #id .cls &#125;"
    assert inline_markdown("a|b `c|d`") == "a&#124;b <code>c&#124;d</code>"
    assert "\n" not in inline_markdown("two\nlines")


@pytest.mark.parametrize("value", [
    '<img src=x onerror="alert(1)"> and `<code>` {: .evil }',
    "\\`<img src=y onerror=alert(2)>`",  # a backslash-escaped backtick
    "``<img src=y onerror=alert(3)>`",  # unbalanced backtick runs
    "`a` <img src=y onerror=alert(4)> `b`",
    "```<img src=y onerror=alert(5)>``",
    "*<img src=y onerror=alert(6)>*",
])
def test_inline_markdown_renders_as_text_through_markdown(value):
    page = render_markdown("| a |\n|---|\n| " + inline_markdown(value) + " |\n\n- " + inline_markdown(value))
    assert "<img" not in page and 'class="evil"' not in page, page
    cell = re.search(r"<td>(.*?)</td>", page, re.DOTALL)
    item = re.search(r"<li>(.*?)</li>", page, re.DOTALL)
    assert cell and item, page
    for shown in (cell.group(1), item.group(1)):
        text = html.unescape(re.sub(r"</?(code|em)>", "", shown))
        assert "<img" in text or "<code>" in text, text


def test_code_html_escapes_and_keeps_whitespace():
    text = 'a\tb\n   \n\t\n<x> & "y"\n  end  \r'
    escaped = str(code_html(text))
    assert "<x>" not in escaped and "\t" not in escaped
    assert html.unescape(escaped) == text
    lines = escaped.split("\n")
    assert len(lines) == len(text.split("\n"))
    # Whitespace-only lines survive Markdown's whitespace normalisation as entities.
    assert lines[1].strip() and lines[2].strip()
    assert lines[0] == "a&#9;b"


@pytest.mark.parametrize("text", [
    "plain",
    "tab\there",
    "\tleading tab\n\n    \nafter blank-looking line",
    "<div>\n\n</div>",
    "&lt; already escaped &amp;",
    "trailing spaces   \n  ",
    "```\nfence inside\n```",
])
def test_code_html_round_trips_through_markdown(text):
    page = render_markdown(f'<div class="language-text highlight"><pre><span></span><code>{code_html(text)}</code></pre></div>\n')
    assert code_blocks(page) == [text]


@pytest.mark.parametrize("body, expected", [
    # Metadata lines and headings are passed over; lists and quotes are not the chapter's own text.
    ("# Chapter 2: Tools\n\n**Last Updated:** May 1, 2026\n\n- A list item that is long enough to be a description here\n\n"
     "> A quotation that is long enough to be a description of something\n\n"
     "The tools of the trade, `@tool-expert` first, and [where to find them](chapter-3.md).\n",
     "The tools of the trade, @tool-expert first, and where to find them."),
    ("# Chapter 3\n\nShort.\n\n```text\nA fenced block that is long enough to be a description of it\n```\n", None),
])
def test_a_chapters_description_is_its_first_paragraph_of_text(body, expected):
    from skillbook.chapters import description

    assert description(body) == expected

"""Links that travel and data others can use: link previews, redirects from
former ids, /api/*.json with its schema, llms.txt, "Edit" links, the sitemap,
the 404 page and the site address, all checked on built sites."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from skillbook import load_book
from tests.conftest import CHAPTER_1, ROOT, build_site, make_site_project, skill_yaml, write_book
from tests.support.pages import code_blocks

ADDRESS = "https://books.example.org/skillbook/"


def meta(page: str) -> dict[str, str]:
    """The page's <meta> and canonical values, by property or name."""
    found = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', page)}
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page)
    if canonical:
        found["canonical"] = canonical.group(1)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real book, built for another address with SKILLBOOK_SITE_URL."""
    site_dir = tmp_path_factory.mktemp("published")
    result = build_site(ROOT, site_dir, site_url=ADDRESS)
    assert result.returncode == 0, result.stderr
    return site_dir


def read(site: Path, path: str) -> str:
    """A file of the site as written, line ends untranslated."""
    return (site / path).read_bytes().decode("utf-8")


# -- link previews ---------------------------------------------------------------------------


@pytest.mark.parametrize("path, url", [
    ("index.html", ADDRESS),
    ("chapter-16-container-orchestration/index.html", ADDRESS + "chapter-16-container-orchestration/"),
    ("skills/index.html", ADDRESS + "skills/"),
    ("prompts/index.html", ADDRESS + "prompts/"),
    ("skills/helm-expert/index.html", ADDRESS + "skills/helm-expert/"),
    ("prompts/debugging-container-issues/index.html", ADDRESS + "prompts/debugging-container-issues/"),
])
def test_every_page_has_a_preview_and_a_canonical_address(site, path, url):
    tags = meta(read(site, path))
    for key in ("description", "og:title", "og:description", "og:type", "og:url", "twitter:card", "canonical"):
        assert tags.get(key), (path, key, tags)
    assert tags["canonical"] == tags["og:url"] == url
    assert tags["og:type"] == ("website" if path == "index.html" else "article")


def test_a_prompts_preview_shows_its_title_and_context(site):
    tags = meta(read(site, "prompts/debugging-container-issues/index.html"))
    assert tags["og:title"] == "Debugging Container Issues - The Skillbook"
    assert "Your container is crashing in production and you need to diagnose the issue." in tags["og:description"]


def test_a_skills_preview_shows_its_purpose(site):
    tags = meta(read(site, "skills/helm-expert/index.html"))
    assert tags["og:title"] == "@helm-expert - The Skillbook"
    assert tags["og:description"].startswith("Kubernetes packaging")


def test_a_chapters_preview_is_its_first_paragraph(site):
    # The seed chapter's first paragraph of text, after "**Last Updated:** ...".
    tags = meta(read(site, "chapter-16-container-orchestration/index.html"))
    assert tags["og:description"] == tags["description"] == (
        "Container orchestration has revolutionized how we deploy and manage applications at scale. Containers "
        "provide lightweight, consistent environments, while orchestration platforms like Kubernetes handle the "
        "complexity of running containers across clusters of machines.")


def test_a_long_first_paragraph_is_cut_at_a_word_and_markup_is_text(tmp_path):
    root = make_site_project(tmp_path / "book")
    paragraph = "Tests **matter** <b>a lot</b>: " + "word " * 80
    chapter = CHAPTER_1.replace("\n\n", f"\n\n{paragraph}\n\n", 1)
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    assert build_site(root, root / "site").returncode == 0
    described = meta((root / "site" / "chapter-1-testing" / "index.html").read_text(encoding="utf-8"))["description"]
    # Its text without markup ("Tests matter a lot: ", 20 characters), cut within
    # 299 characters, which end on the last letter of the 56th "word": the cut
    # drops that word, as it cannot tell it whole, leaving 55, then the ellipsis.
    assert described == "Tests matter a lot: " + " ".join(["word"] * 55) + "…"


def test_previews_carry_authors_text_escaped(tmp_path):
    root = make_site_project(tmp_path / "book")
    hostile = '"><script>alert(1)</script>'
    chapter = f'---\ndescription: \'{hostile}\'\n---\n\n' + CHAPTER_1
    write_book(root, {"tester.yml": skill_yaml("tester", purpose=json.dumps(hostile))}, {"chapter-1-testing.md": chapter})
    assert build_site(root, root / "site").returncode == 0
    for path in ("chapter-1-testing/index.html", "skills/tester/index.html", "prompts/write-a-test/index.html"):
        page = (root / "site" / path).read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in page, path
        if not path.startswith("prompts/"):  # a prompt's preview is its context
            assert hostile in meta(page)["og:description"], path


# -- stable addresses -------------------------------------------------------------------------


RENAMED = CHAPTER_1.replace("#### Write a Test", '#### Write a Parser Test {former="write-a-test old-test"}')


@pytest.fixture(scope="module")
def renamed_site(tmp_path_factory) -> Path:
    root = make_site_project(tmp_path_factory.mktemp("renamed") / "book")
    write_book(root, {"tester.yml": skill_yaml("tester", former_ids="[test-writer]")}, {"chapter-1-testing.md": RENAMED})
    result = build_site(root, root / "site", site_url=ADDRESS)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.mark.parametrize("old, new", [
    ("prompts/write-a-test", "prompts/write-a-parser-test/"),
    ("prompts/old-test", "prompts/write-a-parser-test/"),
    ("skills/test-writer", "skills/tester/"),
])
def test_former_ids_redirect_to_the_current_page(renamed_site, old, new):
    page = (renamed_site / old / "index.html").read_text(encoding="utf-8")
    target = f"../{new.split('/')[1]}/"
    assert f'<link rel="canonical" href="{ADDRESS}{new}">' in page
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in page
    assert f'location.replace("{target}" + location.hash)' in page
    assert (renamed_site / new / "index.html").is_file()


@pytest.mark.parametrize("skills, chapter, expected", [
    ({"tester.yml": skill_yaml("tester", former_ids="[other]"), "other.yml": skill_yaml("other")}, CHAPTER_1,
     "skills/tester.yml:5: former id 'other' of skill 'tester' is the id of a current skill, whose page must keep its address; remove it from the former ids"),
    ({"tester.yml": skill_yaml("tester")}, CHAPTER_1.replace("#### Write a Test", '#### Write a Test {former="write-a-test"}'),
     "docs/chapter-1-testing.md:7: former id 'write-a-test' of prompt 'write-a-test' is the id of a current prompt, whose page must keep its address; remove it from the former ids"),
    ({"tester.yml": skill_yaml("tester")}, CHAPTER_1.replace("#### Write a Test", '#### Write a Test {former="Old_Id"}'),
     "docs/chapter-1-testing.md:7: former id 'Old_Id' is not an id: use lower-case letters, digits and hyphens"),
])
def test_a_former_id_that_clashes_is_an_error(tmp_path, skills, chapter, expected):
    write_book(tmp_path, skills, {"chapter-1-testing.md": chapter})
    book = load_book(tmp_path / "docs", tmp_path / "skills")
    assert [str(p.relative_to(tmp_path)) for p in book.errors] == [expected]


# -- data -----------------------------------------------------------------------------------------


def test_the_data_files_follow_their_schema(site):
    schema = json.loads(read(site, "api/schema.json"))
    for name, part in (("skills", "skills"), ("prompts", "prompts")):
        data = json.loads(read(site, f"api/{name}.json"))
        assert data["$schema"] == f"schema.json#/$defs/{part}"
        errors = list(Draft202012Validator({**schema, "$ref": f"#/$defs/{part}"}).iter_errors(data))
        assert errors == [], [e.message for e in errors[:3]]


def test_the_data_agree_with_the_pages(site):
    prompts = json.loads(read(site, "api/prompts.json"))["prompts"]
    skills = json.loads(read(site, "api/skills.json"))["skills"]
    assert len(prompts) == 8 and len(skills) == 14
    for prompt in prompts:
        path = prompt["url"].removeprefix(ADDRESS) + "index.html"
        page = read(site, path)
        assert prompt["text"] in code_blocks(page), prompt["id"]
        assert meta(page)["og:title"] == f"{prompt['title']} - The Skillbook"
        assert (prompt["skill"], prompt["template"], prompt["chapter"]["label"]) == (prompt["skill"], False, "Chapter 16")
        assert f"skills/{prompt['skill']}/" in page
    for skill in skills:
        page = read(site, skill["url"].removeprefix(ADDRESS) + "index.html")
        assert html.escape(skill["purpose"], quote=False) in page
        assert all(f"prompts/{p}/" in page for p in skill["prompts"])
    docker = next(s for s in skills if s["id"] == "docker-expert")
    assert docker["chapters"] == [{"key": "16", "label": "Chapter 16", "title": "Chapter 16: Container Orchestration", "part": None}]


def test_llms_txt_follows_the_convention(site):
    text = read(site, "llms.txt")
    lines = text.split("\n")
    assert lines[0] == "# The Skillbook" and lines[2].startswith("> ")
    links = re.findall(r"^- \[([^\]]+)\]\(([^)]+)\)", text, re.MULTILINE)
    assert len(links) == 1 + 14 + 8
    for _, url in links:
        assert url.startswith(ADDRESS) and (site / url.removeprefix(ADDRESS) / "index.html").is_file(), url
    assert "## Chapters" in text and "## Skills" in text and "## Prompts" in text


def test_llms_full_txt_carries_every_prompt(site):
    text = read(site, "llms-full.txt")
    for prompt in json.loads(read(site, "api/prompts.json"))["prompts"]:
        assert f"## {prompt['title']}\n" in text
        assert f"```text\n{prompt['text']}\n```\n" in text


# -- edit links --------------------------------------------------------------------------------------


def test_edit_links_lead_to_each_pages_source(tmp_path):
    root = make_site_project(tmp_path / "book")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "\nrepo_url: https://github.com/example/book\nedit_uri: edit/main/docs/\n")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    assert build_site(root, root / "site").returncode == 0
    edit = "https://github.com/example/book/edit/main/"
    for path, source in (("chapter-1-testing", "docs/chapter-1-testing.md"), ("skills/tester", "skills/tester.yml"),
                         ("prompts/write-a-test", "docs/chapter-1-testing.md")):
        page = (root / "site" / path / "index.html").read_text(encoding="utf-8")
        assert re.search(rf'<a href="{re.escape(edit + source)}" title="[^"]*" class="md-content__button md-icon" rel="edit">', page), path
    catalog = (root / "site" / "skills" / "index.html").read_text(encoding="utf-8")
    assert 'rel="edit"' not in catalog, "a generated catalog has no source to edit"


def test_no_edit_link_without_a_repository(site):
    assert 'rel="edit"' not in read(site, "chapter-16-container-orchestration/index.html")


# -- site files ---------------------------------------------------------------------------------------


def test_the_sitemap_lists_every_page(site):
    listed = set(re.findall(r"<loc>([^<]+)</loc>", read(site, "sitemap.xml")))
    pages = {ADDRESS + p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
             if "moved" not in p.read_text(encoding="utf-8")[:300].lower()}
    pages = {p.replace(ADDRESS + "./", ADDRESS) for p in pages}
    assert listed == pages
    assert ADDRESS + "prompts/debugging-container-issues/" in listed and ADDRESS + "skills/helm-expert/" in listed


def test_the_404_page_helps(site):
    page = read(site, "404.html")
    assert "Page not found" in page
    for target in ("skills/", "prompts/", ""):
        assert f'href="{ADDRESS}{target}"' in page
    assert "search" in page.lower()


# -- prompts ending in white space --------------------------------------------------------------

# Prompts whose last lines are spaces, a tab or blank: a reader that strips
# anything loses them. Each is fenced as an author writes it.
ENDINGS_CHAPTER = (
    "# Chapter 1: Testing\n\n"
    "#### Two Trailing Spaces\n\n```text\n@tester Write a test.  \n```\n\n"
    "#### A Trailing Tab\n\n```text\n@tester Write a test.\n\tThen run it.\t\n```\n\n"
    "#### A Blank Last Line\n\n```text\n@tester Write a test.\n\n```\n\n"
    "#### Two Blank Last Lines\n\n```text\n@tester Write a test.\n\n\n```\n\n"
    "#### A Last Line of Spaces\n\n```text\n@tester Write a test.\n   \n```\n\n"
    "#### Code Ending in Spaces\n\n````text\n@tester Review this:\n\n```sql\nSELECT 1;  \n```\n  \n````\n"
)


def fenced_prompts(markdown: str) -> dict[str, str]:
    """Each prompt of a chapter by its heading, read from the source alone: the
    lines between a ```` ```text ```` line and the next line that is that fence
    exactly, joined by line ends, nothing stripped."""
    lines = markdown.split("\n")
    prompts, title, index = {}, None, 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#### "):
            title = line[len("#### "):]
        fence = re.fullmatch(r"(`{3,})text", line)
        if fence:
            end = lines.index(fence.group(1), index + 1)
            prompts[title] = "\n".join(lines[index + 1:end])
            index = end
        index += 1
    return prompts


def llms_blocks(text: str) -> list[str]:
    """The text of every ```` ```text ```` block of llms-full.txt, read the same way."""
    lines = text.split("\n")
    blocks, index = [], 0
    while index < len(lines):
        fence = re.fullmatch(r"(`{3,})text", lines[index])
        if fence:
            end = lines.index(fence.group(1), index + 1)
            blocks.append("\n".join(lines[index + 1:end]))
            index = end
        index += 1
    return blocks


def test_prompts_ending_in_white_space_reach_the_data_byte_for_byte(tmp_path):
    expected = fenced_prompts(ENDINGS_CHAPTER)
    assert len(expected) == 6 and all(text != text.rstrip() or text.endswith("\n") for text in expected.values())
    project = make_site_project(tmp_path / "book")
    write_book(project, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": ENDINGS_CHAPTER, "index.md": "# Home\n"})
    site = tmp_path / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    data = {p["title"]: p["text"] for p in json.loads(read(site, "api/prompts.json"))["prompts"]}
    assert data == expected
    assert llms_blocks(read(site, "llms-full.txt")) == list(expected.values())
    assert code_blocks(read(site, "chapter-1-testing/index.html")) == list(expected.values())

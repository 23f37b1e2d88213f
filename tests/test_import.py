"""`skillbook import` moves the fixture docsify book (6 chapters, 4 appendices,
every shape the real book has) into a fresh project, which then builds with
--strict. Counts are checked against the fixture's hand-counted manifest, and
every code block and prompt of the source against the built site."""

from __future__ import annotations

import difflib
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from skillbook import load_book
from skillbook.importer import SCHEMA_LINE, import_book, set_parts
from skillbook.placeholders import placeholders
from skillbook.text import slugify
from tests.conftest import DOCSIFY_BOOK, ROOT, SEED, build_site, make_site_project, skill_yaml, write_book
from tests.support.pages import code_blocks

BOOK = DOCSIFY_BOOK
EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "docsify-book.expected.json").read_text(encoding="utf-8"))
SOURCE_PAGES = sorted([*BOOK.glob("chapters/*.md"), *BOOK.glob("appendices/*.md")])


def run_import(project: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillbook.cli", "import", str(BOOK), "--project", str(project), *options],
        capture_output=True, text=True,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def source_text(path: Path) -> str:
    """A source page as the import reads it: BOM dropped, line ends made LF."""
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    project = make_site_project(tmp_path_factory.mktemp("imported") / "book")
    result = run_import(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    project = make_site_project(tmp_path_factory.mktemp("report") / "book")
    return import_book([BOOK], project)


@pytest.fixture(scope="module")
def site(imported, tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("imported-site")
    result = build_site(imported, site_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site_dir


# -- the report ---------------------------------------------------------------------------------


def test_report_counts_match_the_manifest(report):
    assert not report.failed, report.lines()
    assert (report.chapters, report.appendices, report.home) == (EXPECTED["chapters"], EXPECTED["appendices"], True)
    assert report.parts == [(p["title"], p["chapters"]) for p in EXPECTED["parts"]]
    assert (report.skills, len(report.skills_created)) == (EXPECTED["skills"], EXPECTED["skills"])
    assert (report.prompts, report.templates) == (EXPECTED["prompts"], EXPECTED["templates"])
    assert len(report.links_resolved) == EXPECTED["links_rewritable"]
    unresolved = [note.text.split(" ")[0] for note in report.links_unresolved]
    assert sorted(unresolved) == sorted(EXPECTED["links_unresolved"])
    assert len(report.repairs) == EXPECTED["damaged_lines_outside_code"]
    conflicts = {(c["skill"], c["other_value"], c["chapter_value"]) for c in EXPECTED["skill_fact_conflicts"]}
    assert {(re.search(r"@(\S+)", n.text).group(1), *re.findall(r"'([^']*)'", n.text)[:2]) for n in report.fact_conflicts} == conflicts
    normalised = {Path(n.where).relative_to(BOOK).as_posix(): n.text for n in report.normalised}
    assert set(normalised) == {*EXPECTED["crlf_files"], *EXPECTED["bom_files"]}
    skipped = {Path(n.where).name for n in report.skipped}
    assert {"_coverpage.md", "_sidebar.md"} <= skipped


def test_report_names_source_lines(report):
    """Every link, repair and conflict is reported at its line in the source."""
    expected_links = {f"{link['file']}:{link['line']}" for link in EXPECTED["links_rewritable_list"]}
    assert {Path(n.where).relative_to(BOOK).as_posix() for n in report.links_resolved} == expected_links
    expected_unresolved = {f"{link['file']}:{link['line']}" for link in EXPECTED["links_unresolved_at"]}
    assert {Path(n.where).relative_to(BOOK).as_posix() for n in report.links_unresolved} == expected_unresolved
    assert {Path(n.where).relative_to(BOOK).as_posix() for n in report.repairs} == set(EXPECTED["damaged_lines_outside_code_at"])


def test_command_line_report(tmp_path):
    project = make_site_project(tmp_path / "book")
    result = run_import(project, "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Would import into {project}:" in out
    assert f"chapters: {EXPECTED['chapters']}, appendices: {EXPECTED['appendices']}, home page: yes" in out
    assert f"skills: {EXPECTED['skills']} ({EXPECTED['skills']} created, 0 updated, 0 unchanged)" in out
    assert f"prompts: {EXPECTED['prompts']}, of which {EXPECTED['templates']} templates" in out
    assert f"links left unresolved (now text): {len(EXPECTED['links_unresolved'])}" in out
    assert "Part I" not in out and "Foundations: chapters 1, 2" in out


# -- the files written ------------------------------------------------------------------------------


def test_files_are_named_the_projects_way(imported):
    names = sorted(p.name for p in (imported / "docs").glob("*.md"))
    assert "index.md" in names
    assert [n for n in names if n.startswith("chapter-")] == sorted(
        ["chapter-1-getting-started.md", "chapter-2-anatomy-of-a-skill.md", "chapter-3-prompt-engineering.md",
         "chapter-5-testing-strategies.md", "chapter-16-cicd-pipelines.md", "chapter-17-cloud-platforms.md"])
    assert [n for n in names if n.startswith("appendix-")] == [
        "appendix-a-skill-index.md", "appendix-b-prompt-templates.md", "appendix-c-attribution.md", "appendix-d-learning-paths.md"]
    assert len(list((imported / "skills").glob("*.yml"))) == EXPECTED["skills"]


def test_skill_tables_become_directives_and_introductions_metadata(imported):
    docs = imported / "docs"
    for name in ("chapter-3-prompt-engineering.md", "chapter-5-testing-strategies.md", "chapter-16-cicd-pipelines.md",
                 "chapter-17-cloud-platforms.md"):
        text = (docs / name).read_text(encoding="utf-8")
        assert "<!-- skillbook: skills-table -->" in text and "| Skill | Purpose | Best For |" not in text, name
    introduced = set(re.findall(r"<!-- skillbook: skill-introduction (\S+) -->", "".join(
        p.read_text(encoding="utf-8") for p in docs.glob("*.md"))))
    assert introduced == set(EXPECTED["introductions"])
    skill = (imported / "skills" / "terraform-expert.yml").read_text(encoding="utf-8")
    assert skill.startswith("# yaml-language-server: $schema=../src/skillbook/skill.schema.json\nid: terraform-expert\n")
    assert "introduction:" in skill and "when_to_use:" in skill and "key_strengths:" in skill
    # Index-only skills have a page and no "Best For".
    (only,) = EXPECTED["skill_only_in_appendix_table"]
    only_yaml = (imported / "skills" / f"{only}.yml").read_text(encoding="utf-8")
    assert "best_for" not in only_yaml and "chapters: [A]" in only_yaml


def test_other_skill_tables_stay_with_each_skill_linked(imported):
    attribution = (imported / "docs" / "appendix-c-attribution.md").read_text(encoding="utf-8")
    assert "| Skill | Source | Original Author |" in attribution
    rows = [line for line in attribution.split("\n") if line.startswith("| ") and "@" in line]
    assert rows and all(re.match(r"^\| \[`@([a-z0-9-]+)`\]\(skills/\1\.md\) \|", row) for row in rows), rows


def test_prose_changes_only_in_links_repairs_and_directives(imported, report):
    """Every line of a source page is in the imported page, except the lines of
    links, repairs and what directives replace."""
    touched = {(Path(n.where.rsplit(":", 1)[0]), int(n.where.rsplit(":", 1)[1]))
               for n in [*report.links_resolved, *report.links_unresolved, *report.repairs]}
    for source in SOURCE_PAGES:
        imported_page = next(p for p in (imported / "docs").glob("*.md") if _same_page(source, p))
        before = source_text(source).split("\n")
        after = imported_page.read_text(encoding="utf-8").split("\n")
        removed = [index + 1 for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
                   if tag in ("replace", "delete") for index in range(i1, i2)]
        unexplained = [line for line in removed if (source, line) not in touched
                       and not _replaced_by_directive(before, line) and _linked(before[line - 1]) not in after]
        assert unexplained == [], f"{source.name}: lines {unexplained} changed: {[before[i - 1] for i in unexplained]}"


def _same_page(source: Path, imported_page: Path) -> bool:
    number = re.match(r"^0*(\d+)-", source.name)
    if source.parent.name == "chapters":
        return imported_page.name.startswith(f"chapter-{number.group(1)}-")
    return imported_page.name.startswith(f"appendix-{source.name[0]}-")


def _linked(row: str) -> str:
    """A table row with each `@skill` linked to its page, as the import writes other skill tables."""
    return re.sub(r"`@([a-z0-9-]+)`", r"[`@\1`](skills/\1.md)", row)


def _replaced_by_directive(lines: list[str], number: int) -> bool:
    """A line of a Best For table, or of a skill introduction's paragraphs and lists."""
    line = lines[number - 1]
    if line.startswith("|"):
        table_start = number - 1
        while table_start > 0 and lines[table_start - 1].startswith("|"):
            table_start -= 1
        return "best for" in lines[table_start].lower()
    above = [l for l in lines[:number - 1] if l.startswith("#")]
    return bool(above) and above[-1].lower().lstrip("# ").startswith("skill introduction")


# -- the site -----------------------------------------------------------------------------------------


def fences(text: str, source: Path | None = None) -> list[tuple[str, str]]:
    """(language, content) of every fenced block, read by CommonMark, as the author
    meant them: a prompt the manifest lists as holding code blocks is the lines
    between its opening and closing lines, the blocks inside it part of its text."""
    lines = text.split("\n")
    meant: list[tuple[str, str]] = []
    relative = source.relative_to(BOOK).as_posix() if source else None
    for prompt in (p for p in EXPECTED["prompts_holding_code_blocks"] if p["file"] == relative):
        first, last = prompt["opening_line"], prompt["closing_line"]  # 1-based
        content = "\n".join(lines[first:last - 1]) + "\n"
        meant.append(("text", content))
        lines[first - 1:last] = [""] * (last - first + 1)
    return meant + [(t.info.strip(), t.content) for t in MarkdownIt("commonmark").parse("\n".join(lines)) if t.type == "fence"]


def page_html(site: Path, name: str) -> str:
    return (site / name.removesuffix(".md") / "index.html").read_text(encoding="utf-8")


def test_every_code_block_and_prompt_is_kept_verbatim(imported, site):
    all_blocks = 0
    for source in SOURCE_PAGES:
        target = next(p for p in (imported / "docs").glob("*.md") if _same_page(source, p)).name
        built = page_html(site, target)
        shown = code_blocks(built)
        mermaid = [html.unescape(m) for m in re.findall(r'<pre class="mermaid"><code>(.*?)</code></pre>', built, re.DOTALL)]
        for language, content in fences(source_text(source), source):
            all_blocks += 1
            if language == "mermaid":
                assert content.rstrip("\n") in mermaid, f"{source.name}: mermaid diagram not kept"
            elif content.startswith("@") and language in ("", "text"):
                prompt = content[:-1]
                assert prompt in shown, f"{source.name}: prompt not shown verbatim in the chapter:\n{prompt[:200]}"
            else:
                assert content in shown or content.rstrip("\n") in shown, f"{source.name}: {language} block changed:\n{content[:200]}"
    assert all_blocks == EXPECTED["code_blocks"]


def test_every_prompt_has_a_page_with_its_exact_text(imported, site):
    pages = 0
    for prompt in EXPECTED["prompt_list"]:
        pages += 1
    prompt_pages = [p for p in (site / "prompts").iterdir() if p.is_dir()]
    assert len(prompt_pages) == EXPECTED["prompts"] == pages
    texts = {text for page in prompt_pages for text in code_blocks((page / "index.html").read_text(encoding="utf-8"))}
    for source in SOURCE_PAGES:
        for language, content in fences(source_text(source), source):
            if content.startswith("@") and language in ("", "text"):
                assert content[:-1] in texts, f"{source.name}: no prompt page shows\n{content[:200]}"


def test_templates_are_marked_and_name_their_skill_or_none(site):
    library = (site / "prompts" / "index.html").read_text(encoding="utf-8")
    for title, skill in EXPECTED["template_skill_ids"].items():
        slug = re.sub(r"-+", "-", slugify(title))
        page = (site / "prompts" / slug / "index.html").read_text(encoding="utf-8")
        assert 'class="sb-template"' in page, title
        badge = re.search(r'class="sb-badge"[^>]*>\s*<code>@([a-z0-9-]+)</code>', page)
        assert (badge.group(1) if badge else None) == skill, title
        assert f"prompts/{slug}/" in library or f"{slug}/" in library
    assert library.count('class="sb-template"') == EXPECTED["templates"]


def test_links_are_rewritten_and_unresolved_ones_are_text(site):
    chapter_3 = page_html(site, "chapter-3-prompt-engineering")
    assert 'href="../chapter-5-testing-strategies/#unit-tests"' in chapter_3
    assert "chapter-04-context-management" not in chapter_3
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="appendix-b-prompt-templates/"' in home and 'href="chapter-16-cicd-pipelines/"' in home


def docsify_anchor(heading: str) -> str:
    """The anchor docsify gives a heading, as readers have linked to it: its text
    lower case, without punctuation, spaces as hyphens (worked out here, not by
    the project's slugify)."""
    plain = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", plain).strip().lower())


def test_every_heading_keeps_its_anchor(imported, site):
    for source in SOURCE_PAGES:
        target = next(p for p in (imported / "docs").glob("*.md") if _same_page(source, p)).name
        ids = set(re.findall(r' id="([^"]+)"', page_html(site, target)))
        code = {i for t in MarkdownIt("commonmark").parse(source_text(source)) if t.type == "fence" for i in range(*t.map)}
        for index, line in enumerate(source_text(source).split("\n")):
            heading = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
            if heading and index not in code:
                slug = docsify_anchor(heading.group(1))
                assert slug in ids or re.sub(r"-+", "-", slug) in ids, f"{source.name}:{index + 1}: no anchor #{slug}"


# The fixture's links to a heading of another page, as the import writes them
# and as the built page links them, written out from the source pages.
ANCHORED_LINKS = [
    ("chapter-2-anatomy-of-a-skill.md", "chapter-3-prompt-engineering.md#tightening-a-vague-prompt",
     "../chapter-3-prompt-engineering/#tightening-a-vague-prompt"),
    ("chapter-3-prompt-engineering.md", "chapter-5-testing-strategies.md#unit-tests",
     "../chapter-5-testing-strategies/#unit-tests"),
]


def test_links_to_a_heading_keep_its_anchor(imported):
    """Checked on the imported Markdown, so that a renamed anchor fails here and not
    only as a warning of MkDocs' strict build."""
    for page, written, _ in ANCHORED_LINKS:
        markdown = (imported / "docs" / page).read_text(encoding="utf-8")
        anchored = [t for t in re.findall(r"\]\(([^)\s]+)\)", markdown) if "#" in t and not t.startswith(("#", "http"))]
        assert anchored == [written], page
        target, anchor = written.split("#")
        headings = re.findall(r"^#{1,6}\s+(.*?)\s*$", (imported / "docs" / target).read_text(encoding="utf-8"), re.M)
        assert anchor in [docsify_anchor(heading) for heading in headings], written


def test_built_links_to_a_heading_reach_it(site):
    for page, written, built in ANCHORED_LINKS:
        assert f'href="{built}"' in page_html(site, page), page
        target, anchor = written.split("#")
        assert f'id="{anchor}"' in page_html(site, target), written


def test_parts_and_appendices_in_the_navigation(site):
    def labels(page: str) -> list[str]:
        return [html.unescape(m) for m in re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>',
                                                     (site / page).read_text(encoding="utf-8"))]

    wanted = ["Part I: Foundations", "Part II: Prompt Craft & Quality", "Part III: DevOps & Infrastructure",
              "Appendices", "Skills catalog", "Prompt library"]
    # Every page lists the parts, and a chapter's page opens its own part, with
    # its chapters under it.
    for page in ("index.html", "chapter-1-getting-started/index.html", "appendix-a-skill-index/index.html"):
        position = labels(page).index("Home")
        for label in wanted:  # in this order, in the navigation
            position = labels(page).index(label, position + 1)
    chapter, appendix = labels("chapter-1-getting-started/index.html"), labels("appendix-a-skill-index/index.html")
    assert "Chapter 1: Getting Started" in chapter[chapter.index("Part I: Foundations"):chapter.index("Part II: Prompt Craft & Quality")]
    assert "Appendix A: Skill Index" in appendix[appendix.index("Appendices"):appendix.index("Skills catalog")]


def test_a_templates_form_is_a_block_of_its_own(site):
    """Appendix B's templates each get their form to fill in, never inside a
    paragraph (a <details> in a <p> is no valid HTML, whatever browsers make of it)."""
    pages = [page_html(site, p.relative_to(site).parent.as_posix()) for p in site.rglob("index.html")]
    forms = sum(html.count('<details class="sb-fields"') for html in pages)
    assert forms >= EXPECTED["templates"]
    assert not [m for html in pages for m in re.findall(r"<p>\s*<details", html)]


@pytest.mark.parametrize("rel, crumbs", [
    # Read from the fixture: Designing a Pull Request Workflow is a prompt of
    # 16.1; chapter 16 is in the third part of its sidebar.
    ("prompts/designing-a-pull-request-workflow/index.html",
     "Part III: DevOps & Infrastructure › Chapter 16: CI/CD Pipelines › 16.1 GitHub Actions with @github-actions-expert"),
    ("skills/github-actions-expert/index.html",
     "Part III: DevOps & Infrastructure › Chapter 16: CI/CD Pipelines › @github-actions-expert"),
    # An appendix is in no part.
    ("prompts/generic-skill-request/index.html", "Appendix B: Prompt Templates › General Templates"),
])
def test_prompt_and_skill_pages_say_where_they_sit(site, rel, crumbs):
    from tests.support.pages import main_content, visible

    breadcrumb = main_content(site, rel).find("nav", cls="sb-breadcrumb")
    assert breadcrumb is not None and " ".join(visible(breadcrumb).split()) == crumbs


@pytest.mark.parametrize("rel, own_part", [
    ("index.html", None), ("chapter-1-getting-started/index.html", 1), ("prompts/index.html", None),
    # Chapter 17's skill: its page sits in Part III, as its chapter does.
    ("skills/azure-expert/index.html", 3),
])
def test_every_part_lists_its_chapters_on_every_page(site, rel, own_part):
    """A part opens in place: off its own pages it is a closed toggle (not a link
    to its first chapter) holding a link to each of its chapters, from any depth."""
    from tests.support.pages import link_target, page, visible

    primary = page(site, rel).find("nav", cls="md-nav--primary")
    assert primary is not None
    chapter_pages = {int(p.name.split("-")[1]): f"{p.name}/index.html" for p in site.glob("chapter-*")}
    for number, part in enumerate(EXPECTED["parts"], 1):
        item = next(li for li in primary.find_all("li") if "md-nav__item--nested" in li.classes
                    and visible(li.find("label")).startswith(f"Part {'I' * number if number < 4 else 'IV'}: {part['title']}"))
        toggle = item.find("input")
        assert toggle is not None and "md-nav__toggle" in toggle.classes
        if number != own_part:  # named apart from the page's own sections of the same title
            assert item.find("nav").attrs["aria-label"] == f"Chapters of Part {'I' * number}: {part['title']}"
        assert ("checked" in toggle.attrs) == (number == own_part), f"{rel}: part {number}"
        # (The page's own part also holds its table of contents.)
        links = list(dict.fromkeys(link_target(site, rel, a.attrs["href"]) for a in item.find_all("a")
                                   if not any("md-nav--secondary" in n.classes for n in a.ancestors())))
        assert links == [chapter_pages[n] for n in part["chapters"]], f"{rel}: part {number}"


def test_appendices_are_named_in_the_catalog(site):
    catalog = (site / "skills" / "index.html").read_text(encoding="utf-8")
    assert "Appendix A · Skill Index" in catalog


def test_nested_lists_indented_by_two_spaces_render_nested(site):
    pages = "".join(page_html(site, p.name) for p in site.iterdir() if p.name.startswith(("chapter-", "appendix-")))
    assert re.search(r"<li>[^<]*(?:<[^/][^>]*>[^<]*)*<ul>\s*<li>", pages), "no nested list in the imported book"


def test_mermaid_fences_become_diagrams(site):
    diagrams = sum(page_html(site, p.name).count('<pre class="mermaid">') for p in site.iterdir()
                   if p.name.startswith(("chapter-", "appendix-")))
    assert diagrams == EXPECTED["mermaid"]


def test_imported_book_checks_clean(imported):
    result = subprocess.run([sys.executable, "-m", "skillbook.cli", "check", "--strict", "--root", str(imported)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{EXPECTED['chapters']} chapters, {EXPECTED['appendices']} appendices" in result.stdout
    assert "0 errors, 0 warnings" in result.stdout


# -- safe to re-run ---------------------------------------------------------------------------------


def test_importing_twice_changes_nothing(tmp_path):
    project = make_site_project(tmp_path / "book")
    assert run_import(project).returncode == 0
    before = tree(project)
    again = run_import(project)
    assert again.returncode == 0, again.stderr
    assert "0 created, 0 updated" in again.stdout
    assert f"({0} created, 0 updated, {EXPECTED['skills']} unchanged)" in again.stdout
    assert tree(project) == before


def test_dry_run_writes_nothing(tmp_path):
    project = make_site_project(tmp_path / "book")
    before = tree(project)
    result = run_import(project, "--dry-run")
    assert result.returncode == 0
    assert tree(project) == before


def test_conflicts_are_listed_and_nothing_is_written_without_force(tmp_path):
    project = make_site_project(tmp_path / "book")
    assert run_import(project).returncode == 0
    chapter = project / "docs" / "chapter-17-cloud-platforms.md"
    skill = project / "skills" / "aws-expert.yml"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nAn author's own line.\n", encoding="utf-8")
    skill.write_text(skill.read_text(encoding="utf-8").replace("Amazon Web Services", "AWS"), encoding="utf-8")
    (project / "docs" / "chapter-1-getting-started.md").unlink()
    before = tree(project)
    result = run_import(project)
    assert result.returncode == 1
    assert "conflicts: 2 existing file(s) differ; nothing was written (use --force to overwrite):" in result.stderr
    assert "    docs/chapter-17-cloud-platforms.md" in result.stderr and "    skills/aws-expert.yml" in result.stderr
    assert tree(project) == before
    forced = run_import(project, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "An author's own line." not in chapter.read_text(encoding="utf-8")
    assert "purpose: Amazon Web Services" in skill.read_text(encoding="utf-8")
    assert (project / "docs" / "chapter-1-getting-started.md").is_file()


def test_parts_are_written_into_mkdocs_yml_keeping_the_rest(tmp_path):
    project = make_site_project(tmp_path / "book")
    config = project / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    assert run_import(project).returncode == 0
    written = config.read_text(encoding="utf-8")
    assert written.startswith(original.rstrip("\n"))
    assert written.endswith("extra:\n  skillbook:\n    parts:\n    - title: Foundations\n      chapters: [1, 2]\n"
                            "    - title: Prompt Craft & Quality\n      chapters: [3, 5]\n"
                            "    - title: DevOps & Infrastructure\n      chapters: [16, 17]\n")


# -- templates and placeholders ------------------------------------------------------------------


def test_a_misspelt_skill_in_a_template_is_still_an_error(tmp_path):
    project = make_site_project(tmp_path / "book")
    assert run_import(project).returncode == 0
    appendix = project / "docs" / "appendix-b-prompt-templates.md"
    appendix.write_text(appendix.read_text(encoding="utf-8").replace("@terraform-expert Write", "@terraform-exprt Write"),
                        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "skillbook.cli", "check", "--root", str(project)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "uses unknown skill '@terraform-exprt'; did you mean '@terraform-expert'?" in result.stderr


@pytest.mark.parametrize("text, names", [
    ("Explain [domain] to a [audience] in [language].", ["domain", "audience", "language"]),
    ("Write a module for [cloud provider] with [input/output format].", ["cloud provider", "input/output format"]),
    ("Read [the docs](https://example.com) and [the guide][guide].", []),
    ("[guide]: https://example.com", []),
    ("Match ^[a-z0-9-]+$ and [A-Z_] and [abc]+ and \\[escaped].", []),
    ("As shown in [1] and [23], see ![diagram](x.png).", []),
    ("- [x] done\n- [ ] todo", []),
    ("Call arr[index] and dict[key] in code.", []),
    ("Fill [language] twice: [language].", ["language"]),
])
def test_placeholder_rule(text, names):
    assert placeholders(text) == names


def test_only_templates_hold_placeholders_in_the_fixture():
    """Every prompt of the fixture book: placeholders exactly in the templates."""
    templates = set(EXPECTED["template_skill_ids"])
    for source in SOURCE_PAGES:
        for language, content in fences(source_text(source), source):
            if content.startswith("@") and language in ("", "text"):
                first_line = content.split("\n", 1)[0]
                is_template = bool(placeholders(content)) or first_line.startswith(("@skill-name", "@["))
                assert is_template == (source.name.startswith("b-")), f"{source.name}: {first_line}"
    assert len(templates) == EXPECTED["templates"]


def test_importing_the_seed_reproduces_the_projects_chapter_16(tmp_path):
    """Chapter 16 as the book delivered it, imported into this project, gives back
    its 14 skill files unchanged and its chapter but for the link to the
    unwritten Chapter 17, which the import makes text."""
    project = make_site_project(tmp_path / "book")
    shutil.copytree(ROOT / "skills", project / "skills", dirs_exist_ok=True)
    shutil.copy(ROOT / "docs" / "chapter-16-container-orchestration.md", project / "docs")
    source = tmp_path / "chapters" / "16-containers.md"
    source.parent.mkdir()
    shutil.copy(SEED, source)
    report = import_book([source], project, dry_run=True)
    assert (len(report.skills_unchanged), report.skills_created, report.skills_updated) == (14, [], [])
    assert report.conflicts == ["docs/chapter-16-container-orchestration.md"]
    assert [str(n) for n in report.links_unresolved] == [f"{source}:439: chapter-17-cloud-platforms.md (the book has no chapter 17)"]
    forced = import_book([source], project, force=True)
    written = (project / "docs" / "chapter-16-container-orchestration.md").read_text(encoding="utf-8").split("\n")
    ours = (ROOT / "docs" / "chapter-16-container-orchestration.md").read_text(encoding="utf-8").split("\n")
    assert not forced.failed
    assert ours[377] == "**Next Chapter:** [Chapter 17: Cloud Platforms →](chapter-17-cloud-platforms.md)"
    assert written == [*ours[:377], "**Next Chapter:** Chapter 17: Cloud Platforms →", *ours[378:]]


def test_sidebar_variants_give_the_same_parts(tmp_path):
    """Labels as list items or lines of their own, with or without their own "Part
    IV:" (the site numbers parts itself), and links with or without ".md"."""
    from skillbook.importer import ImportReport, read_parts
    sidebar = tmp_path / "_sidebar.md"
    sidebar.write_text(
        "* [Home](/)\n**Part I: Foundations**\n  * [1. Start](chapters/01-start)\n"
        "- **Part II - DevOps & Infrastructure**\n  - [16. Containers](/chapters/16-containers.md)\n"
        "  - [17. Cloud](chapters/17-cloud.md#top)\n- **Appendices**\n  - [A. Index](appendices/a-index.md)\n",
        encoding="utf-8",
    )
    assert read_parts(sidebar, ImportReport(tmp_path, True)) == [("Foundations", [1]), ("DevOps & Infrastructure", [16, 17])]


def test_a_chapter_already_there_under_another_name_is_a_conflict(tmp_path):
    """Importing into this project: its Chapter 16 (Container Orchestration) and the
    fixture's Chapter 16 (CI/CD Pipelines) cannot both be chapter 16."""
    project = make_site_project(tmp_path / "book")
    shutil.copytree(ROOT / "skills", project / "skills", dirs_exist_ok=True)
    shutil.copy(ROOT / "docs" / "chapter-16-container-orchestration.md", project / "docs")
    result = run_import(project)
    assert result.returncode == 1
    assert ("    docs/chapter-16-container-orchestration.md (holds the same chapter as docs/chapter-16-cicd-pipelines.md)"
            in result.stderr)
    assert not (project / "docs" / "chapter-16-cicd-pipelines.md").exists()
    forced = run_import(project, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "replaced: docs/chapter-16-container-orchestration.md (now docs/chapter-16-cicd-pipelines.md)" in forced.stdout
    assert not (project / "docs" / "chapter-16-container-orchestration.md").exists()
    assert "skills of the project to review: 14" in forced.stdout
    assert ("    skills/docker-expert.yml: names docs/chapter-16-container-orchestration.md's chapter 16, now "
            "docs/chapter-16-cicd-pipelines.md: fix its 'chapters:' or delete the file") in forced.stdout


PARTS_BOOK = {"chapter-1-one.md": "# Chapter 1: One\n", "chapter-2-two.md": "# Chapter 2: Two\n"}


@pytest.mark.parametrize("options, expected", [
    ("extra:\n  skillbook:\n    parts: Foundations\n",
     ["mkdocs.yml:3: 'parts' must be a list; write each part as '- title: Foundations' with 'chapters: [1, 2]' under it"]),
    ("extra:\n  skillbook:\n    parts:\n      - chapters: [1, 2]\n",
     ["mkdocs.yml:4: a part needs a 'title:'; write each part as '- title: Foundations' with 'chapters: [1, 2]' under it"]),
    ("extra:\n  skillbook:\n    parts:\n      - title: One\n        chapters: 1\n",
     ["mkdocs.yml:4: part 'One' needs 'chapters:' as a list of chapter numbers, such as 'chapters: [1, 2]'"]),
    ("extra:\n  skillbook:\n    parts:\n      - title: One\n        chapters: [1, 2]\n      - title: Two\n        chapters: [2]\n",
     ["mkdocs.yml:6: chapter 2 is in part 'One' already; list it in one part"]),
    ("extra:\n  skillbook:\n    sections: []\n", ["mkdocs.yml:3: unknown Skillbook option 'sections'; known: parts, assistants, collection, previews"]),
    ("extra:\n  skillbook: [parts]\n", ["mkdocs.yml:2: 'skillbook:' under 'extra:' must be a mapping, such as 'parts:'"]),
    ("extra:\n  skillbook:\n    parts:\n      - title: One\n        chapters: [1, 3]\n",
     ["docs/chapter-2-two.md:1: warning: chapter 2 is in no part; add 2 to the 'chapters:' of a part under "
      "'extra: skillbook: parts:' in mkdocs.yml",
      "mkdocs.yml:4: warning: part 'One' lists chapter 3, which the book does not have (no docs/chapter-3-*.md); "
      "remove it from the part"]),
    ("site_name: Book\nextra:\n  skillbook:\n    parts:\n      - title: One\n        chapters: [1]\n      - title: Two\n"
     "        chapters: [2]\n", []),
])
def test_parts_options_are_checked_with_their_line(tmp_path, options, expected):
    write_book(tmp_path, {}, PARTS_BOOK)
    (tmp_path / "skills").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(options, encoding="utf-8")
    book = load_book(tmp_path / "docs", tmp_path / "skills", tmp_path, tmp_path / "mkdocs.yml")
    assert sorted(str(p.relative_to(tmp_path)) for p in book.problems) == sorted(expected)
    if not expected:
        assert [(title, [c.number for c in chapters]) for title, chapters in book.groups()] == [
            ("Part I: One", [1]), ("Part II: Two", [2])]


def test_an_introduction_with_other_prose_stays_prose(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(BOOK, book)
    chapter = book / "chapters" / "17-cloud.md"
    text = chapter.read_text(encoding="utf-8")
    marker = "**Key strengths:**"
    assert marker in text
    # A paragraph after the lists, before the next heading: not the skill's metadata.
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line == marker)
    end = next(i for i in range(at + 2, len(lines)) if not lines[i].startswith("- "))
    lines[end:end] = ["", "A remark of the author's own."]
    chapter.write_text("\n".join(lines), encoding="utf-8")
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project, dry_run=True)
    assert [n.text for n in report.introductions_kept] == ["@terraform-expert's introduction holds prose its metadata has no place for"]


@pytest.fixture
def loose_pages(tmp_path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, title in (("16-one.md", "Chapter 16: One"), ("16-two.md", "Chapter 16: Two"), ("intro.md", "Intro")):
        (pages / name).write_text(f"# {title}\n", encoding="utf-8")
    return pages


@pytest.mark.parametrize("names, failed, expected", [
    (["missing.md"], True, "  error: {pages}/missing.md:1: no such file or folder; name a docsify book's folder or chapter files"),
    (["16-one.md", "16-two.md"], True, "  error: {pages}/16-two.md:1: chapter 16 is also {pages}/16-one.md; import one of them"),
    (["intro.md"], False, "    {pages}/intro.md: its name is not <number>-<slug>.md, so its number is unknown; rename it"),
])
def test_import_names_each_source_it_cannot_take_and_the_fix(tmp_path, loose_pages, names, failed, expected):
    project = make_site_project(tmp_path / "project")
    report = import_book([loose_pages / name for name in names], project, dry_run=True)
    assert report.failed is failed
    assert expected.format(pages=loose_pages) in report.lines()


def test_import_of_parts_into_a_folder_without_mkdocs_yml_says_where_to_run_it(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    report = import_book([BOOK], project, dry_run=True)
    assert report.failed
    assert (f"  error: {project}/mkdocs.yml:1: the project has no mkdocs.yml to write the parts to; "
            "run the import in a Skillbook project") in report.lines()


# -- rarer shapes of a docsify book, in-process ------------------------------------------------------


def docsify_book(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def test_skills_tables_without_outer_pipes_and_other_tables(tmp_path):
    book = docsify_book(tmp_path / "book", {
        # The own table leaves Best For empty: chapter 2's table gives it.
        "chapters/01-start.md": "# Chapter 1: Start\n\nSkill | Purpose | Best For\n--- | --- | ---\n`@tester` | Testing |\n\n"
                                "| Tool | Use |\n| --- | --- |\n| pytest | tests |\n\n"
                                "| Skill | Purpose |\n| --- | --- |\n| (none yet) | - |\n",
        "chapters/02-more.md": "# Chapter 2: More\n\n| Skill | Purpose | Best For |\n| --- | --- | --- |\n"
                               "| `@tester` | Testing | Fixtures |\n",
    })
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project)
    assert not report.failed, report.lines()
    assert [str(note) for note in report.skipped] == [
        f"{book}/chapters/01-start.md:13: table row '(none yet)' names no @skill-id (lower-case letters, digits, hyphens)"]
    assert (project / "docs" / "chapter-1-start.md").read_text(encoding="utf-8") == (
        "# Chapter 1: Start\n\n<!-- skillbook: skills-table -->\n\n| Tool | Use |\n| --- | --- |\n| pytest | tests |\n\n"
        "| Skill | Purpose |\n| --- | --- |\n| (none yet) | - |\n")
    assert (project / "skills" / "tester.yml").read_text(encoding="utf-8") == (
        SCHEMA_LINE + "id: tester\npurpose: Testing\nbest_for: Fixtures\nchapters: [1, 2]\norder: 1\n")


INTRODUCTION = ("## Skill Introduction\n\n`@tester` writes tests.\n\n**When to use this skill:**\n\n"
                "- Writing tests\n  for parsers\n- Reviewing tests\n")


def test_skill_introductions_that_are_not_metadata_stay_as_written(tmp_path):
    # A list before any paragraph, a paragraph naming no skill: left alone. The last
    # section, at the end of the file with an item wrapped over two lines, is metadata.
    chapter = ("# Chapter 1: Start\n\n## Skill Introduction\n\n- a list first\n\n"
               "## Skill Introduction\n\nNo skill is named here.\n\n" + INTRODUCTION)
    book = docsify_book(tmp_path / "book", {
        "chapters/01-start.md": chapter.replace("# Chapter 1: Start\n", "# Chapter 1: Start\n\n| Skill | Purpose | Best For |\n"
                                                "| --- | --- | --- |\n| `@tester` | Testing | Fixtures |\n"),
    })
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project)
    assert not report.failed and report.introductions_kept == [], report.lines()
    assert (project / "docs" / "chapter-1-start.md").read_text(encoding="utf-8") == (
        "# Chapter 1: Start\n\n<!-- skillbook: skills-table -->\n\n## Skill Introduction\n\n- a list first\n\n"
        "## Skill Introduction\n\nNo skill is named here.\n\n## Skill Introduction\n\n"
        "<!-- skillbook: skill-introduction tester -->\n")
    assert (project / "skills" / "tester.yml").read_text(encoding="utf-8").endswith(
        "introduction: '`@tester` writes tests.'\nwhen_to_use:\n- Writing tests for parsers\n- Reviewing tests\n")


TWO_CHAPTERS_TABLE = "| Skill | Purpose | Best For |\n| --- | --- | --- |\n| `@tester` | Testing | Fixtures |\n\n"


def test_a_skill_introduced_in_two_chapters_takes_the_first_as_its_metadata(tmp_path):
    book = docsify_book(tmp_path / "book", {
        "chapters/01-start.md": "# Chapter 1: Start\n\n" + INTRODUCTION + "\n" + TWO_CHAPTERS_TABLE,
        "chapters/02-more.md": "# Chapter 2: More\n\n" + INTRODUCTION.replace("writes tests", "tests again") + "\n" + TWO_CHAPTERS_TABLE,
    })
    report = import_book([book], make_site_project(tmp_path / "project"), dry_run=True)
    assert [str(note) for note in report.introductions_kept] == [
        f"{book}/chapters/02-more.md:5: @tester is introduced twice; the first introduction is its metadata"]


def test_in_one_chapter_after_its_table_the_first_introduction_is_the_metadata_and_notes_name_source_lines(tmp_path):
    """The skills table before the introductions becomes one line in the page:
    the note still names the line of the source."""
    second = INTRODUCTION.replace("writes tests", "tests again")
    source = "# Chapter 1: Start\n\n" + TWO_CHAPTERS_TABLE + INTRODUCTION + "\n" + second
    book = docsify_book(tmp_path / "book", {"chapters/01-start.md": source})
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project)
    line = source.split("\n").index("`@tester` tests again.") + 1
    assert [str(note) for note in report.introductions_kept] == [
        f"{book}/chapters/01-start.md:{line}: @tester is introduced twice; the first introduction is its metadata"]
    assert "introduction: '`@tester` writes tests.'" in (project / "skills" / "tester.yml").read_text(encoding="utf-8")
    page = (project / "docs" / "chapter-1-start.md").read_text(encoding="utf-8")
    assert "<!-- skillbook: skill-introduction tester -->" in page and "`@tester` tests again." in page


def test_an_introduction_unlike_the_projects_skill_file_stays_prose(tmp_path):
    book = docsify_book(tmp_path / "book", {"chapters/01-start.md": "# Chapter 1: Start\n\n" + INTRODUCTION + "\n" + TWO_CHAPTERS_TABLE})
    project = make_site_project(tmp_path / "project")
    write_book(project, {"tester.yml": "id: tester\npurpose: Testing\nchapters: [1]\nintroduction: An author's own words.\n"}, {})
    report = import_book([book], project, dry_run=True)
    assert [str(note) for note in report.introductions_kept] == [
        f"{book}/chapters/01-start.md:5: @tester's introduction differs from skills/tester.yml"]


HOME_WITH_FILES = ("# Home\n\nSee the [guide](guide.md), the [notes](chapters/notes.txt), [chapter 1](chapters/01-start.md),\n"
                   "the [plan](../PLAN.md), the [issues](../../issues) and the [missing](gone.md).\n\n[Top](#top) [Home](#home)\n")


def test_links_to_files_that_are_not_pages_become_text_without_repo_url(tmp_path):
    book = docsify_book(tmp_path / "book", {"README.md": HOME_WITH_FILES, "chapters/01-start.md": "# Chapter 1: Start\n",
                                            "guide.md": "# Guide\n", "chapters/notes.txt": "notes\n"})
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project)
    assert [str(note) for note in report.links_resolved] == [
        f"{book}/README.md:3: chapters/01-start.md -> chapter-1-start.md"]
    advice = "(not a page of the book; set repo_url in mkdocs.yml and import again to link it to the repository)"
    assert [str(note) for note in report.links_unresolved] == [
        f"{book}/README.md:3: guide.md {advice}",
        f"{book}/README.md:3: chapters/notes.txt {advice}",
        f"{book}/README.md:4: ../PLAN.md {advice}",
        f"{book}/README.md:4: ../../issues {advice}",
        f"{book}/README.md:4: gone.md {advice}",
        f"{book}/README.md:6: #top (no such heading on this page; the site has its own 'Back to top' button)",
    ]
    assert (project / "docs" / "index.md").read_text(encoding="utf-8") == (
        "# Home\n\nSee the guide, the notes, [chapter 1](chapter-1-start.md),\n"
        "the plan, the issues and the missing.\n\nTop [Home](#home)\n")


def test_links_to_files_of_the_repository_lead_to_its_address_with_repo_url(tmp_path):
    book = docsify_book(tmp_path / "book", {"README.md": HOME_WITH_FILES, "chapters/01-start.md": "# Chapter 1: Start\n",
                                            "guide.md": "# Guide\n", "chapters/notes.txt": "notes\n"})
    project = make_site_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("# repo_url: https://github.com/OWNER/REPOSITORY",
                                                 "repo_url: https://github.com/owner/book")
                      .replace("# edit_uri: edit/main/docs/", "edit_uri: edit/trunk/docs/"))
    report = import_book([book], project)
    assert [str(note) for note in report.links_to_repository] == [
        f"{book}/README.md:3: guide.md -> https://github.com/owner/book/blob/trunk/guide.md",
        f"{book}/README.md:3: chapters/notes.txt -> https://github.com/owner/book/blob/trunk/chapters/notes.txt",
        f"{book}/README.md:4: ../../issues -> https://github.com/owner/book/issues",
    ]
    assert [str(note) for note in report.links_unresolved] == [
        f"{book}/README.md:4: ../PLAN.md (no such file in the repository)",
        f"{book}/README.md:4: gone.md (no such file in the repository)",
        f"{book}/README.md:6: #top (no such heading on this page; the site has its own 'Back to top' button)",
    ]
    home = (project / "docs" / "index.md").read_text(encoding="utf-8")
    assert "[guide](https://github.com/owner/book/blob/trunk/guide.md)" in home
    assert "[issues](https://github.com/owner/book/issues)" in home


# Russian in Windows-1251, which also reads as (nonsense) Windows-1252: no encoding is sure.
RUSSIAN = "\u041f\u0440\u0438\u0432\u0435\u0442".encode("cp1251")


@pytest.mark.parametrize("files, where, offset", [
    ({"chapters/01-start.md": b"# Chapter 1: " + RUSSIAN + b"\n"}, "chapters/01-start.md", 13),
    ({"chapters/01-start.md": "# Chapter 1: Start\n", "_sidebar.md": b"- **" + RUSSIAN + b"**\n"}, "_sidebar.md", 4),
])
def test_a_page_or_sidebar_that_is_not_utf8_stops_the_import(tmp_path, files, where, offset):
    book = docsify_book(tmp_path / "book", files)
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project)
    assert report.failed
    assert [str(problem) for problem in report.problems] == [
        f"{book}/{where}:1: file is not UTF-8 (byte 0xcf at offset {offset}); save it as UTF-8 in your editor"]
    assert not (project / "docs" / "chapter-1-start.md").exists()


def test_a_page_in_windows_1252_is_imported_as_utf8_and_reported(tmp_path):
    book = docsify_book(tmp_path / "book", {"chapters/01-start.md": "# Chapter 1: Caf\xe9 \u2014 na\xefve\n".encode("cp1252")})
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project)
    assert not report.failed, report.lines()
    assert [str(note) for note in report.normalised] == [
        f"{book}/chapters/01-start.md: saved as UTF-8 (it was Windows-1252 (Western European))"]
    assert (project / "docs" / "chapter-1-cafe-naive.md").read_text(encoding="utf-8") == "# Chapter 1: Caf\xe9 \u2014 na\xefve\n"


PARTS = [("Foundations", [1, 2])]
PARTS_YAML = ["parts:", "- title: Foundations", "  chapters: [1, 2]"]


@pytest.mark.parametrize("config, expected", [
    # Under an 'extra:' without 'skillbook:', at the indent of its other keys.
    ("site_name: B\nextra:\n    analytics: x\n",
     "site_name: B\nextra:\n    skillbook:\n" + "".join(f"      {line}\n" for line in PARTS_YAML) + "    analytics: x\n"),
    # Under a 'skillbook:' without 'parts:', before its other options.
    ("site_name: B\nextra:\n  skillbook:\n    assistants: []\nnav: []\n",
     "site_name: B\nextra:\n  skillbook:\n" + "".join(f"    {line}\n" for line in PARTS_YAML) + "    assistants: []\nnav: []\n"),
    # Under an empty 'extra:'.
    ("site_name: B\nextra:\n", "site_name: B\nextra:\n  skillbook:\n" + "".join(f"    {line}\n" for line in PARTS_YAML)),
])
def test_parts_go_into_mkdocs_yml_where_its_options_already_are(config, expected):
    assert set_parts(config, PARTS) == expected


@pytest.mark.parametrize("config, line, key", [
    ("site_name: B\nextra: {analytics: x}\n", 2, "extra"),
    ("site_name: B\nextra:\n  skillbook: {assistants: []}\n", 3, "skillbook"),
])
def test_parts_into_an_inline_mapping_are_refused_naming_its_line(tmp_path, config, line, key):
    """An inline ({...}) mapping takes no new lines: the import says how to write
    it instead of writing a mkdocs.yml that no longer reads."""
    project = make_site_project(tmp_path / "project")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    report = import_book([BOOK], project)
    assert report.failed
    assert [str(problem) for problem in report.problems] == [
        f"{project}/mkdocs.yml:{line}: '{key}:' is written on one line ({{...}}), where the import cannot add "
        f"the parts; write its keys on lines of their own under '{key}:' and import again"]
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == config
    assert not list((project / "docs").glob("chapter-*.md")), "the import wrote chapters though it failed"


def test_a_replaced_chapter_names_only_the_skills_that_list_it(tmp_path):
    book = docsify_book(tmp_path / "book", {"chapters/01-start.md": "# Chapter 1: Start\n"})
    project = make_site_project(tmp_path / "project")
    write_book(project, {"named.yml": skill_yaml("named", chapters="[1]"), "other.yml": skill_yaml("other", chapters="[2]")},
               {"chapter-1-old.md": "# Chapter 1: Old\n"})
    report = import_book([book], project, dry_run=True)
    assert report.conflicts == ["docs/chapter-1-old.md (holds the same chapter as docs/chapter-1-start.md)"]
    assert [str(note) for note in report.skills_to_review] == [
        "skills/named.yml: names docs/chapter-1-old.md's chapter 1, now docs/chapter-1-start.md: "
        "fix its 'chapters:' or delete the file"]


# -- what the real book's home page and appendices hold: centred HTML, badges, links out, stray tags ----


def test_centred_html_is_made_markdown_and_reported(report, imported):
    notes = {Path(n.where).relative_to(BOOK).as_posix(): n.text for n in report.html_unwrapped}
    expected = {f"{c['file']}:{c['line']}": c for c in EXPECTED["centred_html"]}
    assert set(notes) == set(expected)
    for where, centred in expected.items():
        closing = f" (line {centred['closing_line']})" if "closing_line" in centred else " (one line)"
        assert notes[where] == f'<{centred["tag"]} align="center"> ... </{centred["tag"]}>{closing}'
    home = (imported / "docs" / "index.md").read_text(encoding="utf-8")
    assert "align=" not in home and "<img" not in home
    assert home.startswith("# The Skillbook Field Guide\n")


def test_images_on_other_hosts_become_their_text_and_are_reported(report, imported, site):
    notes = [(Path(n.where).relative_to(BOOK).as_posix(), n.text) for n in report.remote_images]
    assert notes == [(f"{i['file']}:{i['line']}", f"{i['src']} (now its text, '{i['alt']}')") for i in EXPECTED["remote_images"]]
    home = (site / "index.html").read_text(encoding="utf-8")
    for image in EXPECTED["remote_images"]:
        assert image["src"] not in home
    # A badge that was a link keeps its link, with the badge's text.
    assert '<a href="https://github.com/skillbook/field-guide">Stars</a>' in home


def test_images_on_other_hosts_written_by_reference_become_their_text_and_are_reported(tmp_path):
    home = ("# Home\n\n[![npm][npm-badge]][npm] ![Licence][] `![code][npm-badge]`\n\n"
            "[npm-badge]: https://img.example.org/npm.svg\n[npm]: https://www.npmjs.com/package/book\n"
            "[licence]: https://img.example.org/licence.svg\n")
    book = docsify_book(tmp_path / "book", {"README.md": home, "chapters/01-start.md": "# Chapter 1: Start\n"})
    project = make_site_project(tmp_path / "project")
    report = import_book([book], project)
    assert [str(note) for note in report.remote_images] == [
        f"{book}/README.md:3: https://img.example.org/licence.svg (now its text, 'Licence')",
        f"{book}/README.md:3: https://img.example.org/npm.svg (now its text, 'npm')"]
    assert (project / "docs" / "index.md").read_text(encoding="utf-8").split("\n")[2] == (
        "[npm][npm] Licence `![code][npm-badge]`")
    assert load_book(project / "docs", project / "skills").problems == []


def test_with_repo_url_the_fixture_links_lead_to_the_repository(tmp_path):
    project = make_site_project(tmp_path / "book")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("# repo_url: https://github.com/OWNER/REPOSITORY",
                                                 "repo_url: https://github.com/skillbook/field-guide"))
    report = import_book([BOOK], project)
    assert {n.text.split(" -> ")[0]: n.text.split(" -> ")[1] for n in report.links_to_repository} == EXPECTED["links_with_repo_url"]
    still = {n.text.split(" ")[0] for n in report.links_unresolved}
    assert still == set(EXPECTED["links_unresolved"]) - set(EXPECTED["links_with_repo_url"])


def test_stray_tags_reach_the_page_as_text(site):
    page = page_html(site, "appendix-c-attribution")
    article = page[page.index("<article"):page.index("</article>")]
    for stray in EXPECTED["stray_tags"]:
        for tag in stray["tags"]:
            assert html.escape(tag, quote=False) in article, tag
    # The theme's own layout is whole: one main and one article, closed where the theme closes them.
    assert page.count("</main>") == 1 and page.count("<article") == 1


def test_no_page_links_to_a_page_that_does_not_exist(imported, site):
    """Every relative link of every built page leads to a file of the site."""
    missing = []
    for page in site.rglob("*.html"):
        for target in re.findall(r'<a [^>]*href="([^"#:]+?)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            # 404.html is served at any address, so its links start at the site's root.
            resolved = (site / target.lstrip("/") if target.startswith("/") else page.parent / target).resolve()
            if not (resolved.is_file() or (resolved / "index.html").is_file()):
                missing.append(f"{page.relative_to(site)} -> {target}")
    assert missing == [], "\n".join(missing)

"""What a reader sees in the built site: the strict build of the real book
(the session fixture ``site``) checked against the user's seed chapter.

HTML is read with the standard library's ``html.parser`` into a small tree;
the seed is read line by line (and rendered with markdown-it, as a CommonMark
viewer shows it, for the whole-text comparison)."""

from __future__ import annotations

import difflib
import functools
import html
import json
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from markdown_it import MarkdownIt

from tests.conftest import SKILLS, seed_prompts, seed_text

CHAPTER_PAGE = "chapter-16-container-orchestration/index.html"
CHAPTER_TITLE = "Chapter 16: Container Orchestration"
SITE_HOST = "127.0.0.1:8000"
MOJIBAKE = ("â†’", "â€")

# --------------------------------------------------------------------------------------
# A small HTML tree on top of html.parser
# --------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = field(default=None, repr=False)
    children: list = field(default_factory=list, repr=False)  # Node or str

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n for n in self.iter()
            if n is not self
            and (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def text(self, skip=None) -> str:
        """Concatenated character data (entities already decoded), without
        scripts, styles, and subtrees for which ``skip(node)`` is true."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag not in ("script", "style") and not (skip and skip(child)):
                    walk(child)

        walk(self)
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def _add(self, tag: str, attrs) -> Node:
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        return node

    def handle_starttag(self, tag, attrs):
        node = self._add(tag, attrs)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self._add(tag, attrs)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(markup: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


@functools.cache
def _parse_file(path: Path) -> Node:
    return parse_html(path.read_text(encoding="utf-8"))


def page(site: Path, rel: str) -> Node:
    path = site / rel
    assert path.is_file(), f"{rel} is missing from the built site"
    return _parse_file(path)


def main_content(site: Path, rel: str) -> Node:
    """The page's Markdown content: Material's ``article.md-content__inner``."""
    article = page(site, rel).find("article", cls="md-content__inner")
    assert article is not None, f"{rel} has no article.md-content__inner"
    return article


def norm(text: str) -> str:
    return " ".join(text.split())


def is_headerlink(node: Node) -> bool:
    return node.tag == "a" and "headerlink" in node.classes


def visible(node: Node) -> str:
    """Normalised text of an element as read, without the permalink ¶."""
    return norm(node.text(skip=is_headerlink))


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def headings(root: Node) -> list[Node]:
    return [n for n in root.iter() if n.tag in HEADINGS]


def code_text(card: Node) -> str:
    """Text of the card's ``<pre><code>``: unescaped, tags stripped, exact."""
    codes = [c for c in card.find_all("code") if c.parent is not None and c.parent.tag == "pre"]
    assert len(codes) == 1, f"expected one <pre><code> in the card, found {len(codes)}"
    return codes[0].text()


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def resolve(page_rel: str, url: str) -> tuple[str, str] | None:
    """(file in the site, fragment) a URL of ``page_rel`` points at; None when
    it is not a link into the site (another host, mailto:, data: ...)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") or url.startswith("//"):
        if parts.netloc != SITE_HOST:
            return None
        path = parts.path or "/"
    elif parts.scheme:
        return None
    else:
        path = parts.path
    path = unquote(path)
    if path == "":
        target = page_rel
    elif path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/") or ".")
        if path.endswith("/"):
            target = posixpath.join(target, "index.html")
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), path))
        if path.endswith("/"):
            target = posixpath.join(target, "index.html")
    return posixpath.normpath(target), unquote(parts.fragment)


def target_file(site: Path, target: str) -> Path | None:
    """The built file for a resolved path, following directory URLs to index.html."""
    if target.startswith(".."):
        return None
    path = site / target
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def link_target(site: Path, page_rel: str, href: str) -> str | None:
    """The site file (relative, posix) an href of ``page_rel`` resolves to, or None."""
    resolved = resolve(page_rel, href)
    if resolved is None:
        return None
    path = target_file(site, resolved[0])
    return path.relative_to(site).as_posix() if path else None


def element_ids(root: Node) -> set[str]:
    ids = {n.attrs["id"] for n in root.iter() if "id" in n.attrs}
    return ids | {n.attrs["name"] for n in root.iter() if n.tag == "a" and "name" in n.attrs}


def section_after(heading: Node) -> list[Node]:
    """Sibling elements after a heading, up to the next heading of the same
    level or higher (or a thematic break)."""
    level = int(heading.tag[1])
    siblings = heading.parent.elements()
    out = []
    for node in siblings[siblings.index(heading) + 1:]:
        if node.tag == "hr" or (node.tag in HEADINGS and int(node.tag[1]) <= level):
            break
        out.append(node)
    return out


def diff_words(expected: list[str], actual: list[str]) -> str:
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    lines = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            lines.append(f"{op}: seed {' '.join(expected[max(a0 - 5, 0):a1 + 5])!r}\n"
                         f"      site {' '.join(actual[max(b0 - 5, 0):b1 + 5])!r}")
    return "\n".join(lines[:15])


# --------------------------------------------------------------------------------------
# The seed, read line by line
# --------------------------------------------------------------------------------------


def repaired_seed() -> str:
    """The seed with its one damaged arrow repaired, as the chapter should read."""
    text = seed_text()
    assert text.count("â†’") == 1, "the seed should hold exactly one damaged arrow"
    return text.replace("â†’", "→")


def inline_plain(markdown: str) -> str:
    """Visible text of a line of inline Markdown (code spans, emphasis, links)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = text.replace("`", "").replace("**", "")
    return norm(text)


def seed_lines_outside_code() -> list[str]:
    lines, in_fence = [], False
    for line in repaired_seed().split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence:
            lines.append(line)
    return lines


def seed_headings() -> list[tuple[int, str]]:
    found = []
    for line in seed_lines_outside_code():
        match = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if match:
            found.append((len(match.group(1)), inline_plain(match.group(2))))
    return found


@dataclass
class SeedSkill:
    id: str
    purpose: str
    best_for: str


def seed_table() -> list[SeedSkill]:
    rows = []
    for line in seed_lines_outside_code():
        if line.startswith("| `@"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 3, line
            rows.append(SeedSkill(cells[0].strip("`").lstrip("@"), cells[1], cells[2]))
    return rows


@dataclass
class SeedIntroduction:
    skill: str
    paragraph: str
    when_to_use: list[str]
    key_strengths: list[str]


def seed_introductions() -> list[SeedIntroduction]:
    lines = seed_lines_outside_code()
    intros = []
    skill = None
    for index, line in enumerate(lines):
        if line.startswith("## "):
            match = re.search(r"@([a-z0-9-]+)\s*$", line)
            skill = match.group(1) if match else None
        if line.strip() != "### Skill Introduction":
            continue
        block = []
        for following in lines[index + 1:]:
            if following.strip() == "---":
                break
            block.append(following)
        paragraphs = [b for b in block if b.strip()]
        items: dict[str, list[str]] = {}
        current = None
        for entry in paragraphs[1:]:
            if entry.startswith("**") and entry.endswith(":**"):
                current = inline_plain(entry)
                items[current] = []
            else:
                assert entry.startswith("- ") and current, entry
                items[current].append(inline_plain(entry[2:]))
        intros.append(SeedIntroduction(
            skill, inline_plain(paragraphs[0]),
            items["When to use this skill:"], items["Key strengths:"],
        ))
    return intros


def seed_section_items(title: str) -> list[str]:
    """Visible text of the ordered-list items of a ``##`` section of the seed."""
    lines = seed_lines_outside_code()
    start = lines.index(f"## {title}")
    items = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        match = re.match(r"^\d+\.\s+(.*)$", line)
        if match:
            items.append(inline_plain(match.group(1)))
    return items


@dataclass
class SeedPrompt:
    title: str
    skill: str
    text: str
    context: str
    expected: str

    @property
    def id(self) -> str:
        return slug(self.title)


def slug(title: str) -> str:
    value = re.sub(r"[^\w\s-]", "", title).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def seed_prompt_records() -> list[SeedPrompt]:
    """Each seed prompt with the heading, context and expected output around it."""
    texts = seed_prompts()
    lines = repaired_seed().split("\n")
    records: list[SeedPrompt] = []
    title = context = None
    in_fence = False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            if not in_fence and line == "```text" and lines[number + 1].startswith("@"):
                expected = next(l for l in lines[number + 1:] if l.startswith("**Expected Output:**"))
                text = texts[len(records)]
                records.append(SeedPrompt(
                    title, text.split()[0].lstrip("@"), text, inline_plain(context), inline_plain(expected),
                ))
            in_fence = not in_fence
        elif in_fence:
            continue
        elif line.startswith("#### "):
            title = line[5:].strip()
        elif line.startswith("**Context:**"):
            context = line
    assert len(records) == len(texts)
    return records


# One reading of the seed for the whole module.
PROMPTS = seed_prompt_records()
TABLE = seed_table()
INTRODUCTIONS = seed_introductions()
SKILL_IDS = [s.id for s in TABLE]
PROMPTS_BY_SKILL: dict[str, list[SeedPrompt]] = defaultdict(list)
for _prompt in PROMPTS:
    PROMPTS_BY_SKILL[_prompt.skill].append(_prompt)


def test_seed_reading_is_complete():
    """The expectations below are drawn from the seed: make sure they are all there."""
    assert len(PROMPTS) == 8
    assert [p.id for p in PROMPTS] == [
        "writing-production-ready-dockerfiles", "debugging-container-issues",
        "docker-compose-for-development", "designing-a-production-deployment",
        "implementing-zero-downtime-deployments", "kubernetes-troubleshooting-guide",
        "creating-a-reusable-helm-chart", "implementing-istio-traffic-management",
    ]
    assert len(TABLE) == 14
    assert [i.skill for i in INTRODUCTIONS] == ["docker-expert", "kubernetes-expert", "helm-expert", "service-mesh-expert"]
    assert {k: len(v) for k, v in PROMPTS_BY_SKILL.items()} == {
        "docker-expert": 3, "kubernetes-expert": 3, "helm-expert": 1, "service-mesh-expert": 1,
    }
    assert all(p.context and p.expected and p.title for p in PROMPTS)


# --------------------------------------------------------------------------------------
# 1. The chapter reads like the seed
# --------------------------------------------------------------------------------------


def test_chapter_headings_equal_the_seed(site):
    expected = seed_headings()
    assert len(expected) == 28
    actual = [(int(h.tag[1]), visible(h)) for h in headings(main_content(site, CHAPTER_PAGE))]
    assert actual == expected, "\n".join(difflib.unified_diff(
        [f"{'#' * l} {t}" for l, t in expected], [f"{'#' * l} {t}" for l, t in actual],
        "seed", "site", lineterm="",
    ))


def test_chapter_skills_table_equals_the_seed(site):
    article = main_content(site, CHAPTER_PAGE)
    tables = article.find_all("table")
    assert len(tables) == 1, f"the chapter should have one table, found {len(tables)}"
    assert [visible(th) for th in tables[0].find_all("th")] == ["Skill", "Purpose", "Best For"]
    rows = [[visible(td) for td in tr.find_all("td")] for tr in tables[0].find_all("tr") if tr.find("td")]
    assert rows == [[f"@{s.id}", s.purpose, s.best_for] for s in TABLE]
    # Each skill of the table leads to its page.
    links = [tr.find("a") for tr in tables[0].find_all("tr") if tr.find("td")]
    assert [a and link_target(site, CHAPTER_PAGE, a.attrs.get("href", "")) for a in links] == [
        f"skills/{s.id}/index.html" for s in TABLE
    ]


def _introduction_sections(site) -> list[list[Node]]:
    article = main_content(site, CHAPTER_PAGE)
    intro_headings = [h for h in headings(article) if visible(h) == "Skill Introduction"]
    assert len(intro_headings) == 4
    sections = []
    for heading in intro_headings:
        # The introduction stands in a block whose id the skill page links to.
        (block, *rest) = section_after(heading)
        assert block.tag == "div" and block.attrs.get("id", "").startswith("introducing-"), block.tag
        sections.append([child for child in block.children if isinstance(child, Node)] + rest)
    return sections


def _list_after_label(section: list[Node], label: str) -> list[str]:
    """Items of the list that follows the paragraph reading ``label``."""
    for index, node in enumerate(section):
        text = visible(node)
        if text == label:
            following = section[index + 1] if index + 1 < len(section) else None
            assert following is not None and following.tag in ("ul", "ol"), (
                f"'{label}' is not followed by a list but by "
                f"{following.tag if following is not None else 'nothing'}"
            )
            return [visible(li) for li in following.elements() if li.tag == "li"]
        if text.startswith(label):
            pytest.fail(f"'{label}' items do not show as a list; the reader sees one run-on paragraph: {text!r}")
    pytest.fail(f"no '{label}' in the section: {[visible(n) for n in section]}")


@pytest.mark.parametrize("number", range(4))
def test_chapter_skill_introductions_read_like_the_seed(site, number):
    intro = INTRODUCTIONS[number]
    section = _introduction_sections(site)[number]
    assert section, f"the Skill Introduction of @{intro.skill} is empty"
    assert section[0].tag == "p" and visible(section[0]) == intro.paragraph
    assert _list_after_label(section, "When to use this skill:") == intro.when_to_use
    assert _list_after_label(section, "Key strengths:") == intro.key_strengths


def test_chapter_skill_introduction_words_are_all_shown(site):
    """Word for word, whatever the layout: the introductions' text in order."""
    sections = _introduction_sections(site)
    for intro, section in zip(INTRODUCTIONS, sections, strict=True):
        shown = " ".join(visible(n) for n in section).replace(" - ", " ")
        expected = " ".join([
            intro.paragraph, "When to use this skill:", *intro.when_to_use, "Key strengths:", *intro.key_strengths,
        ])
        assert shown == expected, f"@{intro.skill}:\nseed {expected!r}\nsite {shown!r}"


@pytest.mark.parametrize("title", ["Best Practices Summary", "Reflection Points"])
def test_chapter_summary_items(site, title):
    expected = seed_section_items(title)
    assert len(expected) >= 4
    article = main_content(site, CHAPTER_PAGE)
    heading = next((h for h in headings(article) if h.tag == "h2" and visible(h) == title), None)
    assert heading is not None, f"no '## {title}' in the chapter"
    siblings = heading.parent.elements()
    items = []
    for node in siblings[siblings.index(heading) + 1:]:
        if node.tag == "h2":
            break
        if node.tag in ("ol", "ul"):
            items.extend(visible(li) for li in node.find_all("li"))
    assert items == expected


def test_chapter_shows_every_context_and_expected_output(site):
    paragraphs = [visible(p) for p in main_content(site, CHAPTER_PAGE).find_all("p")]
    contexts = [p for p in paragraphs if p.startswith("Context:")]
    expected = [p for p in paragraphs if p.startswith("Expected Output:")]
    assert len(PROMPTS) == 8
    assert contexts == [p.context for p in PROMPTS]
    assert expected == [p.expected for p in PROMPTS]


def test_no_mojibake_anywhere_in_the_site(site):
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".js", ".css", ".xml", ".txt")]
    assert len(files) > 30
    damaged = [
        f"{p.relative_to(site)}: {bad!r}"
        for p in files
        for bad in MOJIBAKE
        if bad in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert not damaged, "mojibake in the built site:\n" + "\n".join(damaged)


def test_chapter_ends_with_next_chapter_coming_soon_without_a_link(site):
    article = main_content(site, CHAPTER_PAGE)
    paragraphs = [p for p in article.find_all("p") if visible(p).startswith("Next Chapter:")]
    assert len(paragraphs) == 1
    last = paragraphs[0]
    assert visible(last).startswith("Next Chapter: Chapter 17: Cloud Platforms →"), visible(last)
    assert "coming soon" in visible(last).lower(), visible(last)
    assert last.find("a") is None, "chapter 17 does not exist: the next-chapter line must not be a link"
    # Nothing in the site links to the unwritten chapter.
    offenders = [
        f"{rel}: {n.attrs['href']}"
        for rel in html_pages(site)
        for n in page(site, rel).iter()
        if "chapter-17" in n.attrs.get("href", "")
    ]
    assert not offenders, offenders
    # It is the last thing the chapter says.
    blocks = [n for n in article.elements() if visible(n)]
    assert blocks and blocks[-1] is last


def _chapter_reading_words(site) -> list[str]:
    def controls(node: Node) -> bool:
        return is_headerlink(node) or {"sb-prompt__meta", "sb-tools", "sb-fields", "sb-soon"} & set(node.classes)

    text = main_content(site, CHAPTER_PAGE).text(skip=controls)
    return [w for w in text.split() if w != "-"]


def test_chapter_text_is_the_seed_text(site):
    """The seed as a Markdown viewer shows it (CommonMark with tables), word for
    word and in order, is the chapter's content without the card controls (skill
    badge, link to the card, 'Prompt page', 'Copy link', the token estimate, the
    assistant menu, 'Copy as Markdown') and the 'coming soon' note. List bullets '-' are left out of both sides."""
    rendered = MarkdownIt("commonmark").enable("table").render(repaired_seed())
    expected = [w for w in parse_html(rendered).text().split() if w != "-"]
    assert len(expected) > 1500
    actual = _chapter_reading_words(site)
    assert actual == expected, diff_words(expected, actual)


# --------------------------------------------------------------------------------------
# 2. Prompt cards in the chapter
# --------------------------------------------------------------------------------------


def chapter_cards(site) -> list[Node]:
    return main_content(site, CHAPTER_PAGE).find_all("article", cls="sb-prompt")


def test_chapter_cards_hold_the_seed_prompts_byte_for_byte(site):
    cards = chapter_cards(site)
    assert len(cards) == 8
    expected = seed_prompts()
    assert len(expected) == 8
    for number, (card, text) in enumerate(zip(cards, expected, strict=True)):
        actual = code_text(card)
        assert actual == text, f"card {number + 1} differs from the seed:\n" + "\n".join(
            difflib.unified_diff(text.split("\n"), actual.split("\n"), "seed", "site", lineterm="")
        )


@pytest.mark.parametrize("number", range(8))
def test_chapter_card_controls(site, number):
    cards = chapter_cards(site)
    assert len(cards) == 8
    card, prompt = cards[number], PROMPTS[number]
    # Title, with the anchor id readers link to.
    titles = headings(card)
    assert len(titles) == 1 and visible(titles[0]) == prompt.title
    assert titles[0].attrs.get("id") == prompt.id
    # One link to the card: its heading's permalink.
    anchors = [a for a in card.find_all("a") if a.attrs.get("href") == f"#{prompt.id}"]
    assert len(anchors) == 1 and "headerlink" in anchors[0].attrs.get("class", "")
    # Skill badge.
    badge = card.find("a", cls="sb-badge")
    assert badge is not None and badge.attrs.get("href") == f"../skills/{prompt.skill}/"
    assert visible(badge) == f"@{prompt.skill}"
    # Prompt page.
    page_link = card.find("a", cls="sb-prompt__page")
    assert page_link is not None and page_link.attrs.get("href") == f"../prompts/{prompt.id}/"
    assert "Prompt page" in visible(page_link)
    # Copy link: a link to the prompt's page that the script copies.
    copy = [a for a in card.find_all("a") if "data-sb-copy" in a.attrs]
    assert len(copy) == 1 and copy[0].attrs.get("href") == f"../prompts/{prompt.id}/"
    assert "Copy link" in visible(copy[0])
    # Context and expected output stay on the card.
    paragraphs = [visible(p) for p in card.find_all("p")]
    assert prompt.context in paragraphs and prompt.expected in paragraphs


# --------------------------------------------------------------------------------------
# 3. Skill pages
# --------------------------------------------------------------------------------------


def skill_page(skill_id: str) -> str:
    return f"skills/{skill_id}/index.html"


def yaml_related() -> dict[str, set[str]]:
    related: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SKILLS.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for other in data.get("related", []) or []:
            related[data["id"]].add(other)
            related[other].add(data["id"])
    return related


def test_exactly_the_seed_skills_have_pages(site):
    pages = sorted(p.parent.name for p in (site / "skills").glob("*/index.html"))
    assert len(pages) == 14
    assert pages == sorted(SKILL_IDS)


def _field_table(article: Node) -> dict[str, Node]:
    """The skill's facts: a definition list of labels and values."""
    facts = article.find("dl")
    assert facts is not None
    labels, values = facts.find_all("dt"), facts.find_all("dd")
    assert len(labels) == len(values) > 0
    return {visible(dt): dd for dt, dd in zip(labels, values)}


def _section_heading(article: Node, title: str) -> Node | None:
    return next((h for h in headings(article) if h.tag == "h2" and visible(h) == title), None)


def _section(article: Node, title: str) -> list[Node] | None:
    heading = next((h for h in headings(article) if h.tag == "h2" and visible(h) == title), None)
    return section_after(heading) if heading is not None else None


@pytest.mark.parametrize("skill", [s.id for s in seed_table()])
def test_skill_page(site, skill):
    rel = skill_page(skill)
    article = main_content(site, rel)
    seed = next(s for s in TABLE if s.id == skill)
    assert visible(headings(article)[0]) == f"@{skill}"
    fields = _field_table(article)
    assert visible(fields["Purpose"]) == seed.purpose
    assert visible(fields["Best for"]) == seed.best_for
    chapter_links = fields["Chapters"].find_all("a")
    assert [visible(a) for a in chapter_links] == [CHAPTER_TITLE]
    assert link_target(site, rel, chapter_links[0].attrs["href"]) == CHAPTER_PAGE

    # Its prompts, as cards.
    expected = PROMPTS_BY_SKILL.get(skill, [])
    assert "Prompts" not in fields
    prompts_heading = _section_heading(article, f"Prompts ({len(expected)})")
    note = article.find("div", cls="admonition")
    if expected:
        assert prompts_heading is not None and note is None
    else:
        # Said once, in a note, with no empty Prompts section.
        assert prompts_heading is None and _section_heading(article, "Prompts (0)") is None
        assert note is not None and visible(note).count("no prompt") == 1
    cards = article.find_all("article", cls="sb-prompt")
    assert len(cards) == len(expected)
    assert [code_text(c) for c in cards] == [p.text for p in expected]
    for card, prompt in zip(cards, expected):
        assert [visible(h) for h in headings(card)] == [prompt.title]
        # No badge: it would link to the page the card is on.
        assert card.find("a", cls="sb-badge") is None
        page_link = card.find("a", cls="sb-prompt__page")
        assert page_link is not None
        assert link_target(site, rel, page_link.attrs["href"]) == f"prompts/{prompt.id}/index.html"

    # Introduction, when to use, key strengths: only for the skills the seed introduces.
    intro = next((i for i in INTRODUCTIONS if i.skill == skill), None)
    if intro is None:
        for title in ("Introduction", "When to use this skill", "Key strengths"):
            assert _section(article, title) is None, f"@{skill} has an empty '{title}' section"
    else:
        introduction = _section(article, "Introduction")
        assert introduction and visible(introduction[0]) == intro.paragraph
        for title, items in (("When to use this skill", intro.when_to_use), ("Key strengths", intro.key_strengths)):
            section = _section(article, title)
            assert section and section[0].tag == "ul", f"'{title}' of @{skill} is not a list"
            assert [visible(li) for li in section[0].find_all("li")] == items

    # Related skills, linked both ways.
    expected_related = yaml_related()[skill]
    assert expected_related, f"@{skill} has no related skill in skills/*.yml"
    related = _section(article, "Related skills")
    assert related, f"@{skill} has no 'Related skills' section"
    targets = {link_target(site, rel, a.attrs["href"]) for n in related for a in n.find_all("a")}
    assert targets == {skill_page(o) for o in expected_related}


def test_related_skills_are_linked_both_ways(site):
    links: dict[str, set[str]] = {}
    for skill in SKILL_IDS:
        related = _section(main_content(site, skill_page(skill)), "Related skills") or []
        links[skill] = {
            Path(link_target(site, skill_page(skill), a.attrs["href"]) or "?").parent.name
            for n in related for a in n.find_all("a")
        }
    assert sum(len(v) for v in links.values()) > 0
    one_way = [f"@{a} -> @{b}" for a, others in links.items() for b in others if a not in links.get(b, set())]
    assert not one_way, one_way


def test_a_skill_page_without_prompts_shows_where_it_sits_and_what_is_near(site):
    # docker-best-practices (order 2 of Chapter 16's table, between docker-expert
    # and dockerfile-optimization) has no prompt; docker-expert names it as
    # related, and has the chapter's first three prompts.
    article = main_content(site, skill_page("docker-best-practices"))
    crumbs = article.find("nav", cls="sb-breadcrumb")
    assert crumbs is not None and crumbs.attrs["aria-label"] == "Breadcrumb"
    assert " ".join(visible(crumbs).split()) == "Chapter 16: Container Orchestration › @docker-best-practices"
    neighbours = _field_table(article)["Next to it in Chapter 16"]
    assert visible(neighbours) == "← @docker-expert · @dockerfile-optimization →"
    assert [Path(link_target(site, skill_page("docker-best-practices"), a.attrs["href"])).parent.name
            for a in neighbours.find_all("a")] == ["docker-expert", "dockerfile-optimization"]
    nearby = _section(article, "Prompts of related skills") or []
    assert [visible(a) for n in nearby for a in n.find_all("a")] == [
        "Writing Production-Ready Dockerfiles", "Debugging Container Issues", "Docker Compose for Development"]


@pytest.mark.parametrize("rel", ["skills/docker-best-practices/index.html", "prompts/debugging-container-issues/index.html"])
def test_skill_and_prompt_pages_mark_their_chapter_in_the_navigation(site, rel):
    # Neither page is in the navigation; both sit in Chapter 16, the book's only
    # chapter: its group ("Chapters") is open and the chapter marked, as on the
    # chapter's own page.
    def marked(rel: str) -> list[tuple[str, str]]:
        return [(" ".join(sorted(li.classes)), link_target(site, rel, li.find("a").attrs["href"]))
                for li in page(site, rel).find_all("li") if "md-nav__item--active" in li.classes]

    assert marked(rel) == marked(CHAPTER_PAGE) == [
        ("md-nav__item md-nav__item--active md-nav__item--nested", CHAPTER_PAGE),
        ("md-nav__item md-nav__item--active", CHAPTER_PAGE)]


# --------------------------------------------------------------------------------------
# 4. Prompt pages
# --------------------------------------------------------------------------------------


def test_exactly_the_seed_prompts_have_pages(site):
    pages = sorted(p.parent.name for p in (site / "prompts").glob("*/index.html"))
    assert len(pages) == 8
    assert pages == sorted(p.id for p in PROMPTS)


@pytest.mark.parametrize("number", range(8))
def test_prompt_page(site, number):
    prompt = PROMPTS[number]
    rel = f"prompts/{prompt.id}/index.html"
    article = main_content(site, rel)
    assert visible(headings(article)[0]) == prompt.title
    cards = article.find_all("article", cls="sb-prompt")
    assert len(cards) == 1
    assert code_text(cards[0]) == prompt.text
    paragraphs = [visible(p) for p in cards[0].find_all("p")]
    assert prompt.context in paragraphs and prompt.expected in paragraphs

    targets = [(a, resolve(rel, a.attrs.get("href", ""))) for a in article.find_all("a")]
    assert len(targets) > 3
    # The skill link.
    badge = cards[0].find("a", cls="sb-badge")
    assert badge is not None and link_target(site, rel, badge.attrs["href"]) == skill_page(prompt.skill)
    # Back to the card in its chapter: the anchor is the card's own heading.
    back = [r for _, r in targets if r == (CHAPTER_PAGE, prompt.id)]
    assert back, f"no link back to {CHAPTER_PAGE}#{prompt.id}"
    chapter_card = next((c for c in chapter_cards(site) if c.find(id=prompt.id) is not None), None)
    assert chapter_card is not None, f"#{prompt.id} is not a card of the chapter"
    assert code_text(chapter_card) == prompt.text


# --------------------------------------------------------------------------------------
# 5. Skills catalog and prompt library
# --------------------------------------------------------------------------------------


def test_skills_catalog(site):
    rel = "skills/index.html"
    article = main_content(site, rel)
    tables = article.find_all("table")
    assert len(tables) == 1
    # The seed has one chapter: a Chapter column would repeat it in every row.
    assert [visible(th) for th in tables[0].find_all("th")] == ["Skill", "Purpose", "Best For", "Prompts"]
    rows = [tr.find_all("td") for tr in tables[0].find_all("tr") if tr.find("td")]
    assert len(rows) == 14
    seen = {}
    for cells in rows:
        assert len(cells) == 4
        skill = visible(cells[0]).lstrip("@")
        assert link_target(site, rel, cells[0].find("a").attrs["href"]) == skill_page(skill)
        seen[skill] = (visible(cells[1]), visible(cells[2]), visible(cells[3]))
    assert seen == {s.id: (s.purpose, s.best_for, str(len(PROMPTS_BY_SKILL.get(s.id, [])))) for s in TABLE}


def test_prompt_library_groups_prompts_by_chapter_each_naming_its_skill(site):
    rel = "prompts/index.html"
    article = main_content(site, rel)
    h2 = None
    found: list[tuple[str | None, str, str]] = []
    for node in article.iter():
        if node.tag == "h2":
            h2 = visible(node)
        elif node.tag == "li":
            link = next((a for a in node.find_all("a") if a.find("strong")), None)
            target = link and link_target(site, rel, link.attrs["href"])
            if target and re.fullmatch(r"prompts/[^/]+/index\.html", target):
                skill = next(visible(code) for code in node.find_all("code"))
                found.append((h2, skill, target.split("/")[1]))
    assert len(found) == 8, found
    # By chapter, then by skill id, each card naming its skill.
    assert found == [(CHAPTER_TITLE, f"@{skill}", p.id) for skill in sorted(PROMPTS_BY_SKILL) for p in PROMPTS_BY_SKILL[skill]]
    # Each prompt's title is the link text.
    titles = {visible(a) for a in article.find_all("a") if a.find("strong")}
    assert titles == {p.title for p in PROMPTS}


# --------------------------------------------------------------------------------------
# 6. Home page
# --------------------------------------------------------------------------------------


def test_home_page_lists_chapters_and_counts(site):
    rel = "index.html"
    article = main_content(site, rel)
    strong = [visible(s) for s in article.find_all("strong")]
    for count in ("1 chapter", "14 skills", "8 prompts"):
        assert count in strong, f"home page does not show '{count}': {strong}"
    count_links = {visible(a): link_target(site, rel, a.attrs["href"]) for a in article.find_all("a") if "href" in a.attrs}
    assert count_links.get("1 chapter") == CHAPTER_PAGE
    assert count_links.get("14 skills") == "skills/index.html"
    assert count_links.get("8 prompts") == "prompts/index.html"
    chapter_items = [
        li for li in article.find_all("li")
        if "1 chapter" not in visible(li)
        and any(link_target(site, rel, a.attrs.get("href", "")) == CHAPTER_PAGE for a in li.find_all("a"))
    ]
    assert len(chapter_items) == 1
    assert visible(chapter_items[0]) == f"{CHAPTER_TITLE}: 14 skills, 8 prompts"


# --------------------------------------------------------------------------------------
# 7. Navigation
# --------------------------------------------------------------------------------------


def test_navigation_lists_only_the_book_not_generated_pages(site):
    pages = html_pages(site)
    assert len(pages) == 1 + 1 + 1 + 14 + 1 + 8 + 1  # home, chapter, catalog, skills, library, prompts, 404
    expected = {
        "index.html": "Home",
        CHAPTER_PAGE: CHAPTER_TITLE,
        "skills/index.html": "Skills catalog",
        "prompts/index.html": "Prompt library",
    }
    problems = []
    for rel in pages:
        navs = page(site, rel).find_all("nav", cls="md-nav--primary")
        if len(navs) != 1:
            problems.append(f"{rel}: {len(navs)} primary navigations")
            continue
        links = [
            a for a in navs[0].find_all("a")
            if not any("md-nav--secondary" in n.classes for n in a.ancestors())  # the page's own TOC
        ]
        items = {}
        for a in links:
            target = link_target(site, rel, a.attrs.get("href", ""))
            if "md-nav__link" in a.classes:
                items[target] = visible(a)
            elif target != "index.html":  # the logo links home
                problems.append(f"{rel}: unexpected navigation link {a.attrs.get('href')}")
        # The navigation is pruned (navigation.prune): off the chapter's own page
        # and the pages of its skills and prompts, its group is a link to its
        # first chapter, named by the group.
        in_chapter = rel == CHAPTER_PAGE or rel.count("/") == 2 and rel.startswith(("skills/", "prompts/"))
        if items != {**expected, CHAPTER_PAGE: CHAPTER_TITLE if in_chapter else "Chapters"}:
            problems.append(f"{rel}: navigation is {items}")
        if len(links) > 6:
            problems.append(f"{rel}: {len(links)} navigation links")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------
# 8. Internal links and anchors
# --------------------------------------------------------------------------------------

LINK_ATTRIBUTES = ("href", "src")


def test_every_internal_link_and_anchor_resolves(site):
    pages = html_pages(site)
    assert len(pages) == 27
    checked = 0
    broken = []
    for rel in pages:
        for node in page(site, rel).iter():
            for attribute in LINK_ATTRIBUTES:
                url = node.attrs.get(attribute)
                if url is None:
                    continue
                resolved = resolve(rel, url)
                if resolved is None:
                    continue
                checked += 1
                target, fragment = resolved
                path = target_file(site, target)
                if path is None:
                    broken.append(f"{rel}: <{node.tag} {attribute}={url!r}>: no file {target}")
                elif fragment and (path.suffix != ".html" or fragment not in element_ids(_parse_file(path))):
                    broken.append(f"{rel}: <{node.tag} {attribute}={url!r}>: no id {fragment!r} in {path.relative_to(site)}")
    assert checked > 500
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken)


def test_ids_are_unique_on_every_page(site):
    pages = html_pages(site)
    assert len(pages) == 27
    duplicates = []
    for rel in pages:
        counts: dict[str, int] = defaultdict(int)
        for node in page(site, rel).iter():
            if "id" in node.attrs:
                counts[node.attrs["id"]] += 1
        duplicates.extend(f"{rel}: #{i} x{n}" for i, n in counts.items() if n > 1)
    assert not duplicates, "\n".join(duplicates)


# --------------------------------------------------------------------------------------
# 9. No third-party host
# --------------------------------------------------------------------------------------

RESOURCE_TAGS = {"link", "script", "img", "source", "iframe", "video", "audio", "embed", "object", "track"}


def _third_party(url: str) -> bool:
    parts = urlsplit(url.strip())
    return (parts.scheme in ("http", "https") or url.strip().startswith("//")) and parts.netloc != SITE_HOST


def test_no_third_party_resources(site):
    pages = html_pages(site)
    assert len(pages) == 27
    found = []
    resources = 0
    for rel in pages:
        for node in page(site, rel).iter():
            if node.tag not in RESOURCE_TAGS:
                continue
            for attribute in ("src", "href", "data", "srcset", "poster"):
                url = node.attrs.get(attribute)
                if url:
                    resources += 1
                    if _third_party(url) or any(_third_party(u.split()[0]) for u in url.split(",") if attribute == "srcset" and u.strip()):
                        found.append(f"{rel}: <{node.tag} {attribute}={url!r}>")
    assert resources > 100
    assert not found, "\n".join(found)


def test_no_google_fonts_nor_remote_css(site):
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".css", ".js", ".json")]
    assert len(files) > 30
    fonts = [str(p.relative_to(site)) for p in files
             if re.search(r"fonts\.(googleapis|gstatic)\.com", p.read_text(encoding="utf-8", errors="replace"))]
    assert not fonts, fonts
    remote = []
    for css in site.rglob("*.css"):
        for match in re.finditer(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", css.read_text(encoding="utf-8")):
            if _third_party(match.group(1)):
                remote.append(f"{css.relative_to(site)}: {match.group(1)}")
    assert not remote, remote


# --------------------------------------------------------------------------------------
# 10. Search index
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def search_docs(site) -> list[dict]:
    """The whole index, which the search worker loads (the page loads the titles)."""
    index = json.loads((site / "search" / "search_index.full.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    assert len(docs) > 20
    return docs


def test_pages_load_an_index_of_the_pages_titles_only(site, search_docs):
    """Material loads search/search_index.json in the page's thread: it holds
    every page (no section) with its title, kind and boost, and no text."""
    titles = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = [doc for doc in search_docs if "#" not in doc["location"]]
    assert titles["docs"] == [{**doc, "text": ""} for doc in pages]
    assert titles["config"] == json.loads((site / "search" / "search_index.full.json").read_text(encoding="utf-8"))["config"]
    assert len(pages) < len(search_docs)


def test_skills_without_a_prompt_weigh_less_in_search(site, search_docs):
    """Search lists a skill with no prompt yet (a page of a few lines) after the
    pages with content, which it knows by the page's boost below 1."""
    skills = json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]
    boosts = {doc["location"]: doc.get("boost") for doc in search_docs if "#" not in doc["location"]}
    expected = {f"skills/{skill['id']}/": 2 if skill["prompts"] else 0.5 for skill in skills}
    assert {location: boosts[location] for location in expected} == expected
    assert 0.5 in expected.values() and 2 in expected.values()


def _entry_text(entry: dict) -> str:
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", entry["title"] + " " + entry["text"])))


def _location_page(location: str) -> str:
    return location.split("#")[0]


@pytest.mark.parametrize(("word", "pages"), [
    ("OOMKilled", {"prompts/debugging-container-issues/"}),
    ("canary", {"prompts/implementing-istio-traffic-management/", "skills/service-mesh-expert/"}),
    ("docker-expert", {"skills/docker-expert/", "prompts/writing-production-ready-dockerfiles/",
                       "prompts/debugging-container-issues/", "prompts/docker-compose-for-development/"}),
])
def test_search_finds_prompt_and_skill_pages(search_docs, word, pages):
    hits = {_location_page(e["location"]) for e in search_docs if word.lower() in _entry_text(e).lower()}
    missing = pages - hits
    assert not missing, f"search for {word!r} misses {missing}; hits: {sorted(hits)}"


@pytest.mark.parametrize("number", range(8))
def test_prompt_code_is_indexed_once_on_its_page(search_docs, number):
    prompt = PROMPTS[number]
    first_line = norm(prompt.text.split("\n")[0])
    holders = [e["location"] for e in search_docs if first_line in _entry_text(e)]
    assert holders == [f"prompts/{prompt.id}/"], (
        f"the code of '{prompt.title}' should be indexed once, on its page; it is in {holders}"
    )
    entry = next(e for e in search_docs if e["location"] == f"prompts/{prompt.id}/")
    assert norm(prompt.text) in _entry_text(entry)
    # No other line of the prompt's body leaks into the chapter or skill page entries.
    distinctive = [norm(l) for l in prompt.text.split("\n") if len(l) > 30]
    assert distinctive
    leaks = [
        (e["location"], line) for e in search_docs if e["location"] != f"prompts/{prompt.id}/"
        for line in distinctive if line in _entry_text(e)
    ]
    assert not leaks, leaks

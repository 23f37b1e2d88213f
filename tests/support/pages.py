"""Built pages read as a reader's browser reads them: the standard library's
``html.parser`` builds a small tree, and links resolve to files of the site."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITE_HOST = "127.0.0.1:8000"
CHAPTER_PAGE = "chapter-16-container-orchestration/index.html"
CHAPTER_TITLE = "Chapter 16: Container Orchestration"

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


class _TagOrder(HTMLParser):
    """Every closing tag that does not close the element open at that point."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.misplaced: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        pass  # <hr />: opens nothing

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            self.open.pop()
        else:
            inside = f"<{self.open[-1][0]}> of line {self.open[-1][1]}" if self.open else "nothing"
            self.misplaced.append(f"line {self.getpos()[0]}: </{tag}> inside {inside}")


def misplaced_tags(markup: str) -> list[str]:
    """The closing tags of an HTML text that close something other than the
    element open where they stand, and the elements left open at its end. The
    theme writes every page well formed, so on a built page each one is an
    author's tag that reached the page as markup and moved the layout."""
    order = _TagOrder()
    order.feed(markup)
    order.close()
    return order.misplaced + [f"<{tag}> of line {line} never closed" for tag, line in order.open]


def parse_html(markup: str) -> Node:
    """The tree of an HTML text, under a ``#document`` node."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


@functools.cache
def parse_file(path: Path) -> Node:
    """The tree of a built file, parsed once per test session."""
    return parse_html(path.read_text(encoding="utf-8"))


def page(site: Path, rel: str) -> Node:
    """The tree of the page ``rel`` (a path in the site), which must exist."""
    path = site / rel
    assert path.is_file(), f"{rel} is missing from the built site"
    return parse_file(path)


def main_content(site: Path, rel: str) -> Node:
    """The page's Markdown content: Material's ``article.md-content__inner``."""
    article = page(site, rel).find("article", cls="md-content__inner")
    assert article is not None, f"{rel} has no article.md-content__inner"
    return article


def norm(text: str) -> str:
    """Text with every run of white space as one space, as a browser shows it."""
    return " ".join(text.split())


def is_headerlink(node: Node) -> bool:
    """Whether ``node`` is a heading's permalink (the ¶ Material adds)."""
    return node.tag == "a" and "headerlink" in node.classes


def visible(node: Node) -> str:
    """Normalised text of an element as read, without the permalink ¶."""
    return norm(node.text(skip=is_headerlink))


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def headings(root: Node) -> list[Node]:
    """Every heading under ``root``, in document order."""
    return [n for n in root.iter() if n.tag in HEADINGS]


def pre_codes(root: Node) -> list[Node]:
    """Every ``<code>`` directly inside a ``<pre>`` under ``root``: the code blocks
    (Pygments' markup inside them is read as text)."""
    return [c for c in root.find_all("code") if c.parent is not None and c.parent.tag == "pre"]


def code_blocks(markup: str) -> list[str]:
    """The text of every code block of an HTML text: unescaped, tags stripped, exact."""
    return [code.text() for code in pre_codes(parse_html(markup))]


def code_text(card: Node) -> str:
    """Text of the card's one code block: unescaped, tags stripped, exact."""
    codes = pre_codes(card)
    assert len(codes) == 1, f"expected one <pre><code> in the card, found {len(codes)}"
    return codes[0].text()


def html_pages(site: Path) -> list[str]:
    """Every HTML file of the site, as sorted posix paths relative to it."""
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
    """Every fragment a link can name in ``root``: ids, and names of ``<a>``."""
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


def chapter_cards(site: Path) -> list[Node]:
    """The prompt cards of the real book's chapter, in order."""
    return main_content(site, CHAPTER_PAGE).find_all("article", cls="sb-prompt")


def skill_page(skill_id: str) -> str:
    """The file of a skill's page in the site."""
    return f"skills/{skill_id}/index.html"

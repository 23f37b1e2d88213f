"""Every link and anchor inside the built site leads to a file and an id that
exist, and no page holds an id twice."""

from __future__ import annotations

from collections import defaultdict

from tests.support.pages import element_ids, html_pages, page, parse_file, resolve, target_file


# --------------------------------------------------------------------------------------
# Internal links and anchors
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
                elif fragment and (path.suffix != ".html" or fragment not in element_ids(parse_file(path))):
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

"""No page of the built site loads anything from another host: no script, style
sheet, font or image from a third party."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.support.pages import SITE_HOST, html_pages, page


# --------------------------------------------------------------------------------------
# No third-party host
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

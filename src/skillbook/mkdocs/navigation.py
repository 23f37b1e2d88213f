"""Parts that open in place in the navigation.

With ``navigation.prune`` Material renders a closed part as a link to its first
chapter: on a phone, tapping "Part IV" left the drawer for a page the reader did
not ask for. Rendering every part open on every page is what pruning saves (the
whole navigation made the build grow faster than the book: bench/README.md).

So each top-level part is rendered closed, by Material's own ``nav-item.html``,
once per build (and once per update under serve), with its addresses relative to
a placeholder; ``partials/nav.html`` puts it in every page where the part is not
the page's own, with the page's way to the site's root in the placeholder's place."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation, Section

# Stands for the page's base_url in a part rendered once: no address or title holds it.
_ROOT = "\x00skillbook-root"

_SPACES = re.compile(r"\s+")
_TEMPLATE = '{% import "partials/nav-item.html" as item with context %}{{ item.render(nav_item, path, 1) }}'


class ClosedPart:
    """A part of the navigation rendered closed, its chapters listed inside."""

    def __init__(self, html: str) -> None:
        self._html = html

    def __repr__(self) -> str:  # what it shows: the build cache keys pages by it
        return f"ClosedPart({self._html!r})"

    def at(self, base_url: str) -> Markup:
        """The part's HTML for a page whose way to the site's root is ``base_url``."""
        # "." on the home page, ".." below it, "/" on the 404 page (which any address may show).
        root = base_url.rstrip("/") + "/" if base_url else ""
        return Markup(self._html.replace(_ROOT + "/", root))


def closed_parts(env: Environment, config: MkDocsConfig, nav: Navigation) -> Mapping[str, ClosedPart]:
    """Each top-level section of the navigation, rendered closed, by the id
    Material's ``partials/nav.html`` gives it (``__nav_3``); nothing when the
    navigation is not pruned, since Material then renders every part itself."""
    features: list[str] = list(config.theme.get("features") or [])
    if "navigation.prune" not in features:
        return {}
    template = env.from_string(_TEMPLATE)
    context: dict[str, Any] = {
        "config": config, "nav": nav, "page": None, "base_url": _ROOT,
        "features": [feature for feature in features if feature != "navigation.prune"],
    }
    parts = {}
    for index, item in enumerate(nav.items, 1):
        if not isinstance(item, Section) or item.active:
            continue
        path = f"__nav_{index}"
        # Material's indentation, one space each: the same page to a browser, a
        # quarter of the bytes in each of the book's pages.
        html = _SPACES.sub(" ", template.render(context, nav_item=item, path=path))
        # The part's list is a landmark named by the part, as is a section of the
        # page's contents of the same title (the prompt library's parts): landmarks
        # need names of their own.
        html = html.replace(f'aria-labelledby="{path}_label"', f'aria-label="Chapters of {escape(item.title)}"', 1)
        parts[path] = ClosedPart(html)
    return parts

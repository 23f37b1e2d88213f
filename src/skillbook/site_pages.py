"""The pages the book adds to the site (the skills catalog, the prompt library,
a page per skill and per prompt) and the redirects that keep former ids'
addresses working."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from skillbook.book import PROMPT_ID, Book
from skillbook.chapter_markdown import RenderTemplate
from skillbook.model import PROMPT_LIBRARY, PROMPTS_DIR, SKILLS_CATALOG, SKILLS_DIR, Prompt, Skill, prompt_uri, skill_uri
from skillbook.render_cache import RenderCache


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    markdown: str
    # The file the page is made from (a skill file, a prompt's chapter), for "Edit" links.
    source: str | None = None


class Redirect(NamedTuple):
    """A page keeping a former id's address working."""

    old_path: str  # of the old page in the site: skills/old-id/index.html
    target: str  # the new page, relative to the old one: ../new-id/
    new_path: str  # of the new page in the site: skills/new-id/


def generated_pages(book: Book, cache: RenderCache, render: RenderTemplate) -> list[GeneratedPage]:
    """Every page the book adds, reused from ``cache`` where their inputs hold."""
    def skill_page(book: Book, skill: Skill) -> str:
        return render("skill-page.md", skill_uri(skill.id), book=book, skill=skill)

    def prompt_page(book: Book, prompt: Prompt) -> str:
        return render("prompt-page.md", prompt_uri(prompt.id), book=book, prompt=prompt)

    def catalog(book: Book, template: str, uri: str) -> str:
        return render(template, uri, book=book)

    # The catalogs read every skill or prompt, and stay as they were after a save that changed none.
    pages = [
        GeneratedPage(SKILLS_CATALOG, cache.page(SKILLS_CATALOG, book, catalog, "skills-catalog.md", SKILLS_CATALOG)),
        GeneratedPage(PROMPT_LIBRARY, cache.page(PROMPT_LIBRARY, book, catalog, "prompt-library.md", PROMPT_LIBRARY)),
    ]
    for skill in sorted(book.skills.values(), key=lambda s: s.id):
        uri = skill_uri(skill.id)
        pages.append(GeneratedPage(uri, cache.page(uri, book, skill_page, skill), skill.path))
    # A skill whose file has errors keeps its page (under serve), which points at them.
    for skill_id in sorted(book.invalid_skills):
        if skill_id not in book.skills and PROMPT_ID.match(skill_id):
            uri = skill_uri(skill_id)
            pages.append(GeneratedPage(uri, render("skill-in-error.md", uri, skill_id=skill_id)))
    for prompt in book.prompts.values():
        uri = prompt_uri(prompt.id)
        pages.append(GeneratedPage(uri, cache.page(uri, book, prompt_page, prompt), book.chapter_of(prompt).path))
    return pages


def redirects(book: Book) -> list[Redirect]:
    """The redirects of every former id of a skill or a prompt."""
    found: list[Redirect] = []
    owners: tuple[tuple[str, list[Skill] | list[Prompt]], ...] = (
        (SKILLS_DIR, list(book.skills.values())), (PROMPTS_DIR, list(book.prompts.values())))
    for folder, of_folder in owners:
        for owner in of_folder:
            found.extend(Redirect(f"{folder}/{former}/index.html", f"../{owner.id}/", f"{folder}/{owner.id}/")
                         for former in owner.former_ids)
    return found

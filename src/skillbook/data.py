"""The book as data, for agents, editors and scripts: ``api/skills.json`` and
``api/prompts.json`` (described by ``api/schema.json``), and ``llms.txt`` and
``llms-full.txt`` after the llms.txt convention (https://llmstxt.org): a title,
a summary, then Markdown links to chapters, skills and prompts.

They are written from the model, as the pages are, so the two always agree.
(mkdocs-llmstxt builds llms.txt by converting pages' HTML back to Markdown; the
model already holds each prompt's exact text, which a conversion could alter.)"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, cast

from skillbook.book import Book
from skillbook.fences import fence_for
from skillbook.model import Chapter, Prompt
from skillbook.options import assistant_records
from skillbook.render import prompt_uri, skill_uri
from skillbook.text import count

SCHEMA_FILE = "api.schema.json"


@cache
def api_schema() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(resources.files("skillbook").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")))


def page_url(site_url: str, src_uri: str) -> str:
    """The address of a page, as MkDocs gives it with directory URLs."""
    path = src_uri.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    return site_url.rstrip("/") + "/" + path


def _place(book: Book, chapter: Chapter) -> dict[str, Any]:
    part = next((p.label for p in book.options.parts if chapter.number in p.chapters), None) if not chapter.is_appendix else None
    return {"key": str(chapter.key), "label": chapter.label, "title": chapter.plain_title, "part": part}


def skills_data(book: Book, site_url: str) -> list[dict[str, Any]]:
    return [
        {
            "id": skill.id,
            "url": page_url(site_url, skill_uri(skill.id)),
            "purpose": skill.purpose,
            "best_for": skill.best_for,
            "chapters": [_place(book, c) for c in book.chapters_of(skill)],
            "related": [other.id for other in book.related(skill)],
            "prompts": [prompt.id for prompt in book.prompts_for(skill)],
            "collection": book.collection.entry(skill.id) if book.collection is not None else None,
        }
        for skill in sorted(book.skills.values(), key=lambda s: s.id)
    ]


def prompts_data(book: Book, site_url: str) -> list[dict[str, Any]]:
    return [
        {
            "id": prompt.id,
            "title": prompt.plain_title,
            "url": page_url(site_url, prompt_uri(prompt.id)),
            "skill": prompt.skill_id,
            "chapter": _place(book, book.chapter_of(prompt)),
            "section": prompt.section_title,
            "text": prompt.text,
            "context": prompt.context,
            "expected_output": prompt.expected_output.strip() if prompt.expected_output else None,
            "template": prompt.is_template,
            "placeholders": prompt.placeholders,
        }
        for prompt in book.prompts.values()
    ]


def _line(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def llms_txt(book: Book, site_name: str, summary: str, site_url: str) -> str:
    appendices = sum(c.is_appendix for c in book.chapters)
    site = site_url.rstrip("/")
    lines = [f"# {site_name}", "", f"> {_line(summary)}", "",
             f"{count(len(book.chapters) - appendices, 'chapter')}, {count(appendices, 'appendix', 'appendices')}, "
             f"{count(len(book.skills), 'skill')} and {count(len(book.prompts), 'ready-to-paste prompt')}. "
             f"Every prompt in full: {site}/llms-full.txt; as JSON: {site}/api/prompts.json and {site}/api/skills.json.", ""]
    for title, chapters in book.groups():
        lines += [f"## {title}", ""]
        lines += [f"- [{c.plain_title}]({page_url(site_url, c.src_uri)}): {len(c.prompts)} prompts" for c in chapters]
        lines.append("")
    lines += ["## Skills", ""]
    collection = book.collection
    if collection is not None:
        installable = sum(skill_id in collection.skills for skill_id in book.skills)
        lines += [f"{installable} of {count(len(book.skills), 'skill')} can be installed from the collection "
                  f"{collection.repository} ({collection.url}): their SKILL.md is linked below.", ""]
    for s in sorted(book.skills.values(), key=lambda s: s.id):
        line = f"- [@{s.id}]({page_url(site_url, skill_uri(s.id))}): {_line(s.purpose)}"
        if collection is not None:
            entry = collection.skills.get(s.id)
            line += f"; install it from {collection.skill_md_url(entry)}" if entry else "; not in the collection"
        lines.append(line)
    lines += ["", "## Prompts", ""]
    for prompt in book.prompts.values():
        about = f"@{prompt.skill_id}" if prompt.skill_id else "template for any skill"
        context = f"; {_line(prompt.context)}" if prompt.context else ""
        lines.append(f"- [{prompt.plain_title}]({page_url(site_url, prompt_uri(prompt.id))}): {about}{context}")
    return "\n".join(lines) + "\n"


def llms_full_txt(book: Book, site_name: str, site_url: str) -> str:
    lines = [f"# {site_name}: every prompt", ""]
    for prompt in book.prompts.values():
        lines += _prompt_markdown(book, prompt, site_url)
    return "\n".join(lines)


def _prompt_markdown(book: Book, prompt: Prompt, site_url: str) -> list[str]:
    chapter = book.chapter_of(prompt)
    fence = fence_for(prompt.text)
    out = [f"## {prompt.plain_title}", "",
           f"Skill: {'@' + prompt.skill_id if prompt.skill_id else 'any (a template)'}. "
           f"{chapter.label}: {chapter.short_title}. Page: {page_url(site_url, prompt_uri(prompt.id))}", ""]
    if prompt.context:
        out += [f"Context: {prompt.context.strip()}", ""]
    out += [f"{fence}text", prompt.text, fence, ""]
    if prompt.expected_output:
        out += [f"Expected output: {prompt.expected_output.strip()}", ""]
    return out


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def data_files(book: Book, site_name: str, summary: str, site_url: str) -> dict[str, str]:
    """The data files of the site, by their path in it."""
    return {
        "api/skills.json": _json({"$schema": "schema.json#/$defs/skills", "skills": skills_data(book, site_url)}),
        "api/prompts.json": _json({"$schema": "schema.json#/$defs/prompts", "prompts": prompts_data(book, site_url),
                                   "assistants": assistant_records(book.options.assistants)}),
        "api/schema.json": _json(api_schema()),
        "llms.txt": llms_txt(book, site_name, summary, site_url),
        "llms-full.txt": llms_full_txt(book, site_name, site_url),
    }

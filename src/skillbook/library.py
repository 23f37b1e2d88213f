"""The book as an assistant asks it (``skillbook mcp``): its prompts and skills,
found by words, and a prompt's exact text in the form of the reader's assistant.

It holds the records the site publishes as ``api/prompts.json`` and
``api/skills.json`` (``data.py`` writes both from the model), read either from
the project's sources through the core or from a published site, so that the
two ways answer alike. A site's data comes from a stranger: it is fetched only
from that site, within a time and a size limit, and checked against
``api/schema.json`` before use."""

from __future__ import annotations

import difflib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable
from http.client import HTTPMessage
from typing import IO, Any, cast
from urllib.parse import urljoin, urlsplit

import jsonschema

from skillbook.book import Book
from skillbook.data import api_schema, prompts_data, skills_data
from skillbook.options import DEFAULT_ASSISTANTS, Assistant
from skillbook.placeholders import placeholders
from skillbook.prompt_parts import card_markdown_text, composed, prompt_parts
from skillbook.render import card_about
from skillbook.text import count

SITE_TIMEOUT_S = 10.0
# The data files of a book of thousands of prompts stay well under this.
MAX_SITE_FILE_BYTES = 32 * 1024 * 1024
CLOSEST = 5


class BookError(Exception):
    """A request the book cannot answer (an unknown id, a site that answers
    badly), with a message that says what to do instead."""


@dataclass
class Library:
    """The prompts and skills as the site publishes them, by id in the book's order."""

    prompts: dict[str, dict[str, Any]]
    skills: dict[str, dict[str, Any]]
    # The assistants a reader chooses among; the book's own form ("As written") first.
    assistants: tuple[Assistant, ...]
    # Per prompt id: the title, context and expected output "Copy as Markdown" copies.
    about: dict[str, dict[str, str | None]]
    # Where the book was read from, for messages.
    source: str
    # The book's errors: what they concern is left out of what is served.
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._parts = {id_: prompt_parts(p["text"], self.skills) for id_, p in self.prompts.items()}

    # -- prompts --------------------------------------------------------------------------

    def prompt(self, prompt_id: str) -> dict[str, Any]:
        prompt = self.prompts.get(prompt_id)
        if prompt is None:
            raise BookError(f"no prompt has the id '{prompt_id}'{_closest(prompt_id, self.prompts)}; "
                            "search_prompts finds prompts by words")
        return prompt

    def search_prompts(self, query: str, skill: str | None = None, chapter: str | None = None,
                       limit: int = 10) -> list[dict[str, Any]]:
        """The prompts holding every word of ``query`` (in their title, skill,
        context, section or text), best first: an exact title, id or skill id,
        then every word in the title, then in the skill or context, then the
        rest; in the book's order otherwise."""
        skill_id = self.skill(skill)["id"] if skill is not None else None
        chapter_key = self._chapter_key(chapter) if chapter is not None else None
        typed = " ".join(query.lower().split())
        words = [word.removeprefix("@") for word in typed.split()]
        found: list[tuple[int, int, dict[str, Any]]] = []
        for order, prompt in enumerate(self.prompts.values()):
            if skill_id is not None and prompt["skill"] != skill_id:
                continue
            if chapter_key is not None and prompt["chapter"]["key"] != chapter_key:
                continue
            rank = _rank(prompt, typed, words)
            if rank is not None:
                found.append((rank, order, prompt))
        found.sort(key=lambda item: item[:2])
        return [_prompt_summary(prompt) for _, _, prompt in found[:limit]]

    def assistant(self, name: str | None) -> Assistant:
        if name is None:
            return self.assistants[0]
        chosen = next((a for a in self.assistants if a.name.lower() == name.strip().lower()), None)
        if chosen is None:
            names = [a.name for a in self.assistants]
            raise BookError(f"no assistant is named '{name}'{_closest(name, names, key=str.lower)}; "
                            f"the book's assistants: {', '.join(names)}")
        return chosen

    def prompt_text(self, prompt_id: str, assistant: str | None = None,
                    values: Mapping[str, str] | None = None) -> str:
        """The prompt's exact text in the assistant's form ("As written" by
        default), ``values`` filling its placeholders as the prompt cards do."""
        prompt = self.prompt(prompt_id)
        chosen = self.assistant(assistant)
        values = dict(values or {})
        fields = placeholders(prompt["text"])
        unknown = [name for name in values if name not in fields]
        if unknown:
            known = f"its placeholders: {', '.join(fields)}" if fields else "it has no placeholders"
            raise BookError(f"prompt '{prompt_id}' has no placeholder [{unknown[0]}]; {known}")
        return composed(self._parts[prompt_id], chosen.invoke, chosen.mention, values)

    def prompt_markdown(self, prompt_id: str) -> str:
        """The prompt as "Copy as Markdown" gives it, as written."""
        self.prompt(prompt_id)
        about = self.about[prompt_id]
        return card_markdown_text(about["title"] or "", about["context"], about["expected"], self.prompt_text(prompt_id))

    # -- skills ---------------------------------------------------------------------------

    def skill(self, skill_id: str) -> dict[str, Any]:
        wanted = skill_id.strip().removeprefix("@")
        skill = self.skills.get(wanted)
        if skill is None:
            raise BookError(f"no skill has the id '{wanted}'{_closest(wanted, self.skills, prefix='@')}; "
                            "list_skills finds skills by words")
        return skill

    def list_skills(self, query: str | None = None, chapter: str | None = None) -> list[dict[str, Any]]:
        """The skills holding every word of ``query`` in their id, purpose or best
        use (as the catalog's filter), the exact id first, then by id."""
        chapter_key = self._chapter_key(chapter) if chapter is not None else None
        typed = " ".join((query or "").lower().split()).removeprefix("@")
        words = [word.removeprefix("@") for word in typed.split()]
        found = []
        for skill in self.skills.values():
            if chapter_key is not None and chapter_key not in (c["key"] for c in skill["chapters"]):
                continue
            text = " ".join([skill["id"], skill["purpose"], skill["best_for"] or ""]).lower()
            if all(word in text for word in words):
                found.append((skill["id"] != typed, skill["id"], skill))
        found.sort(key=lambda item: item[:2])
        return [{"id": s["id"], "purpose": s["purpose"], "best_for": s["best_for"],
                 "chapters": [c["label"] for c in s["chapters"]], "prompts": len(s["prompts"]), "url": s["url"]}
                for _, _, s in found]

    def skill_details(self, skill_id: str) -> dict[str, Any]:
        skill = self.skill(skill_id)
        return {
            "id": skill["id"], "purpose": skill["purpose"], "best_for": skill["best_for"], "url": skill["url"],
            "chapters": [{"key": c["key"], "title": c["title"], "part": c["part"]} for c in skill["chapters"]],
            "prompts": [{"id": p, "title": self.prompts[p]["title"]} for p in skill["prompts"] if p in self.prompts],
            "related": skill["related"],
            **({"collection": self._collection_entry(skill)} if skill.get("collection") else {}),
        }

    def _collection_entry(self, skill: dict[str, Any]) -> dict[str, Any]:
        """Where the skill is in the book's collection, and where each assistant reads it once installed."""
        folder = skill["collection"]["path"].rsplit("/", 1)[-1]
        return {**skill["collection"], "install_folders": {a.name: f"{a.skills_folder}/{folder}" for a in self.assistants}}

    def skill_markdown(self, skill_id: str) -> str:
        """A skill's facts in Markdown, for a chat or an issue."""
        skill = self.skill_details(skill_id)
        lines = [f"## @{skill['id']}", "", f"**Purpose:** {skill['purpose']}", ""]
        if skill["best_for"]:
            lines += [f"**Best for:** {skill['best_for']}", ""]
        if skill["chapters"]:
            lines += [f"**Chapters:** {'; '.join(c['title'] for c in skill['chapters'])}", ""]
        if skill["related"]:
            lines += [f"**Related skills:** {', '.join('@' + r for r in skill['related'])}", ""]
        if skill["prompts"]:
            lines += ["**Prompts:**", ""] + [f"- {p['title']} (`{p['id']}`)" for p in skill["prompts"]] + [""]
        else:
            lines += ["No prompt uses this skill yet.", ""]
        lines.append(f"Page: {skill['url']}")
        return "\n".join(lines) + "\n"

    # -- chapters -------------------------------------------------------------------------

    def _chapter_key(self, chapter: str) -> str:
        """The key of a chapter named by number, appendix letter or label ('Chapter 16')."""
        places = {p["chapter"]["key"]: p["chapter"] for p in self.prompts.values()}
        places.update({c["key"]: c for s in self.skills.values() for c in s["chapters"]})
        wanted = chapter.strip().lower()
        for key, place in places.items():
            if wanted in (key.lower(), place["label"].lower(), place["title"].lower()):
                return str(key)
        keys = sorted(places, key=lambda key: (not key.isdigit(), int(key) if key.isdigit() else 0, key))
        raise BookError(f"the book has no chapter '{chapter}'; name one by number or appendix letter: {', '.join(keys)}")


def _rank(prompt: dict[str, Any], typed: str, words: list[str]) -> int | None:
    """0 to 3, best first, or None when the prompt lacks a word of the query."""
    title = " ".join(prompt["title"].lower().split())
    skill = prompt["skill"] or ""
    about = " ".join([skill, prompt["context"] or "", prompt["section"] or ""]).lower()
    if typed and (typed in (title, prompt["id"]) or (skill and typed in (skill, "@" + skill))):
        return 0
    everything = " ".join([title, about, prompt["text"].lower()])
    if not all(word in everything for word in words):
        return None
    if all(word in title for word in words):
        return 1
    if all(word in title or word in about for word in words):
        return 2
    return 3


def _prompt_summary(prompt: dict[str, Any]) -> dict[str, Any]:
    return {"id": prompt["id"], "title": prompt["title"], "skill": prompt["skill"],
            "chapter": prompt["chapter"]["title"], "url": prompt["url"], "template": prompt["template"]}


def _closest(name: str, known: Iterable[str], prefix: str = "", key: Callable[[str], str] | None = None) -> str:
    """' (closest: a, b)' for the known names nearest ``name``, or nothing."""
    key = key or (lambda text: text)
    by_key = {key(known_name): known_name for known_name in known}
    wanted = key(name)
    ratios = {k: difflib.SequenceMatcher(None, wanted, k).ratio() for k in by_key}
    best = max(ratios.values(), default=0.0)
    # The near misses, not every name that shares a suffix such as "-expert".
    close = sorted((k for k, r in ratios.items() if r >= max(0.6, best - 0.1)), key=lambda k: -ratios[k])[:CLOSEST]
    close += [k for k in by_key if wanted and wanted in k and k not in close][:CLOSEST - len(close)]
    return f" (closest: {', '.join(prefix + by_key[k] for k in close)})" if close else ""


# -- where the book comes from ---------------------------------------------------------------


def library_from_book(book: Book, site_url: str, source: str) -> Library:
    """The book read from the project's sources: what is valid is served, its
    errors are listed in ``problems``."""
    prompts = {p["id"]: p for p in prompts_data(book, site_url)}
    about = {p.id: card_about(p.title, p.context, p.expected_output) for p in book.prompts.values()}
    return Library(prompts, {s["id"]: s for s in skills_data(book, site_url)}, book.options.assistants, about,
                   source, [str(problem) for problem in book.errors])


def library_from_site(url: str, timeout: float = SITE_TIMEOUT_S, max_bytes: int = MAX_SITE_FILE_BYTES) -> Library:
    """The book a Skillbook site publishes at ``url``, from its ``api/skills.json``
    and ``api/prompts.json``. Only that site's addresses are fetched."""
    base = site_address(url)
    skills = _site_file(base, "api/skills.json", "skills", timeout, max_bytes)
    prompts = _site_file(base, "api/prompts.json", "prompts", timeout, max_bytes)
    # A site does not publish skills folders: the default assistants' are known, others read the shared one.
    folders = {a.name: a.skills_folder for a in DEFAULT_ASSISTANTS}
    assistants = tuple(Assistant(a["name"], a["invoke"], a["mention"], folders.get(a["name"], Assistant.skills_folder))
                       for a in prompts.get("assistants", []))
    about = {p["id"]: card_about(p["title"], p["context"], p["expected_output"]) for p in prompts["prompts"]}
    return Library({p["id"]: p for p in prompts["prompts"]}, {s["id"]: s for s in skills["skills"]},
                   assistants or DEFAULT_ASSISTANTS[:1], about, base)


def site_address(url: str) -> str:
    """A site's address, ending in ``/``; only http and https are read."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BookError(f"'{url}' is not a site's address; give one such as https://book.example/")
    return parts._replace(path=parts.path.rstrip("/") + "/", query="", fragment="").geturl()


class _SameSite(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the site."""

    def __init__(self, base: str) -> None:
        self.origin = urlsplit(base)[:2]

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage,
                         newurl: str) -> urllib.request.Request | None:
        if urlsplit(urljoin(req.full_url, newurl))[:2] != self.origin:
            raise BookError(f"{req.full_url} redirects to {newurl}, outside the site; give the site's own address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(url: str, base: str, timeout: float, max_bytes: int) -> bytes:
    opener = urllib.request.build_opener(_SameSite(base))
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "skillbook-mcp"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            chunks, size = [], 0
            # read1: what one receive brings, so that a slow trickle meets the deadline.
            while chunk := response.read1(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise BookError(f"{url} is larger than {max_bytes:,} bytes; is it a Skillbook site's data?")
                if time.monotonic() > deadline:
                    raise TimeoutError
    except urllib.error.HTTPError as error:
        raise BookError(f"{url} answered {error.code} {error.reason}; is {base} the address of a Skillbook site "
                        "built with the book as data (api/*.json)?") from None
    except (TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
            raise BookError(f"{url} did not answer within {timeout:g} s; try again later") from None
        raise BookError(f"could not reach {url} ({reason}); check the address and the network") from None
    return b"".join(chunks)


def _site_file(base: str, path: str, kind: str, timeout: float, max_bytes: int) -> dict[str, Any]:
    url = base + path
    try:
        data = json.loads(_fetch(url, base, timeout, max_bytes).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BookError(f"{url} is not JSON ({error}); is {base} the address of a Skillbook site?") from None
    schema = {**api_schema(), "$ref": f"#/$defs/{kind}"}
    problem = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if problem is not None:
        where = "/".join(str(step) for step in problem.absolute_path) or "the top level"
        raise BookError(f"{url} does not hold the book's {kind} as {base}api/schema.json describes them "
                        f"(at {where}: {problem.message})")
    return cast(dict[str, Any], data)


def summary(library: Library) -> str:
    """'3 skills and 12 prompts', with the book's errors if it has any."""
    text = f"{count(len(library.skills), 'skill')} and {count(len(library.prompts), 'prompt')} from {library.source}"
    if library.problems:
        text += f"; {count(len(library.problems), 'error')} in the book left out what they concern"
    return text

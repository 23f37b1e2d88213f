"""`skillbook mcp`, as an assistant meets it: the SDK's own client talks to the
server over stdio (and over Streamable HTTP), started as a user starts it.

Expected prompt texts come from reading the chapters' fences here, line by line,
not from the core; every other expected value is written out."""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import html
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import anyio
import pytest
from markdown_it import MarkdownIt
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from tests.conftest import (DOCSIFY_BOOK, ROOT, build_site, make_collection_project, make_site_project, seed_prompts,
                            skill_yaml, write_book)
from tests.support.collection import DOCKER_INSTALLS
from tests.support.composition import composed

SKILLBOOK = str(Path(sys.executable).with_name("skillbook"))

# A book of the real book's mess: trailing white space, a prompt holding code
# fences and raw HTML, a link outside the book, repeated placeholders, a template
# for any skill, an appendix, and skills without prompts.
CHAPTER = """# Chapter 1: Shipping

<!-- skillbook: skills-table -->

## 1.1 Containers

#### Writing a Dockerfile {#write-dockerfile}

**Context:** You need an image for a [Node.js](https://nodejs.org) service.

```text
@docker-expert Write a Dockerfile for our service.  
Keep it small:\t<div class="x">no root</div>
Then ask @helm-expert to chart it.

```

**Expected Output:** A Dockerfile.

#### Reviewing a Compose File

````text
@docker-expert Review this file:

```yaml
services:
  web:
    image: app
```
See https://docs.docker.com/compose/ for the format.
````

## 1.2 Templates

#### Porting a Service {#port-service}

**Context:** Fill in the languages.

```text
@docker-expert Port [file name] from [language] to [target language]; keep [file name] working in [language].
```

#### Any Expert Review {#any-expert}

```text
@[language]-expert Review [file name] like @helm-expert would.
```
"""

APPENDIX = """# Appendix B: Charts

## Helm

#### Charting the Service with Helm {#chart-with-helm}

```text
@helm-expert Chart the service with Helm 3.
```

#### Charting the Service {#chart-service}

```text
@helm-expert Chart the service with [replicas] replicas.
```
"""

# Prompt ids in the order of their fences in the chapter, then the appendix.
PROMPT_IDS = ["write-dockerfile", "reviewing-a-compose-file", "port-service", "any-expert", "chart-with-helm",
              "chart-service"]

ASSISTANTS = """extra:
  skillbook:
    assistants:
      - name: Claude Code
        invoke: "/{skill}"
      - name: Team bot
        invoke: "Use the {skill} skill."
        mention: "the {skill} skill"
"""
MKDOCS_YML = "site_name: Test Book\nsite_url: https://book.example/\n" + ASSISTANTS


def fenced_prompts(markdown: str) -> list[str]:
    """Every fenced block whose first line starts with '@', read line by line:
    the lines between the opening fence and the first line that closes it."""
    lines = markdown.split("\n")
    found = []
    at = 0
    while at < len(lines):
        opening = re.fullmatch(r"(`{3,})(text)?", lines[at])
        if opening and at + 1 < len(lines) and lines[at + 1].startswith("@"):
            end = lines.index(opening.group(1), at + 1)
            found.append("\n".join(lines[at + 1:end]))
            at = end
        at += 1
    return found


def book(root: Path, chapter: str = CHAPTER, skills: dict[str, str] | None = None, config: str = MKDOCS_YML) -> Path:
    skills = skills if skills is not None else {
        "docker-expert.yml": skill_yaml("docker-expert", purpose="Docker containerization",
                                        best_for="Images, Compose", related="[helm-expert]"),
        "helm-expert.yml": skill_yaml("helm-expert", chapters="[1, B]", purpose="Helm charts", best_for=None),
        **{f"unused-{n}.yml": skill_yaml(f"unused-{n}", purpose=f"Unused skill {n}") for n in range(30)},
    }
    write_book(root, skills, {"chapter-1-shipping.md": chapter, "appendix-b-charts.md": APPENDIX})
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return book(tmp_path_factory.mktemp("book"))


def expected_texts() -> dict[str, str]:
    texts = fenced_prompts(CHAPTER) + fenced_prompts(APPENDIX)
    assert len(texts) == len(PROMPT_IDS)
    return dict(zip(PROMPT_IDS, texts))


@contextlib.asynccontextmanager
async def stdio(*args: str, cwd: Path, errors: list[str] | None = None) -> AsyncIterator[Client]:
    """The SDK's client, talking to `skillbook mcp ARGS` started in ``cwd``; its
    standard error lands in ``errors``."""
    params = StdioServerParameters(command=SKILLBOOK, args=["mcp", *args], cwd=str(cwd),
                                   env={k: v for k, v in os.environ.items() if k != "SKILLBOOK_SITE_URL"})
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        try:
            async with Client(stdio_client(params, errlog=log)) as client:
                yield client
        finally:
            log.seek(0)
            if errors is not None:
                errors.extend(log.read().splitlines())


def run(test, *args) -> None:
    """``anyio.run`` in a thread of its own: Playwright's sync API, which the
    browser tests of the same session use, keeps an event loop in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, test, *args).result()


async def tool_text(client: Client, name: str, **arguments) -> str:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content[0].text
    return result.content[0].text


async def tool_error(client: Client, name: str, **arguments) -> str:
    result = await client.call_tool(name, arguments)
    assert result.is_error, result
    return result.content[0].text.removeprefix(f"Error executing tool {name}: ")


async def structured(client: Client, name: str, **arguments) -> dict:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content[0].text
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


# --------------------------------------------------------------------------- lists


def test_the_tools_and_the_prompts_an_assistant_is_offered(project):
    async def test():
        async with stdio(cwd=project) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert list(tools) == ["search_prompts", "get_prompt", "list_skills", "get_skill"]
            arguments = {name: list(tool.input_schema["properties"]) for name, tool in tools.items()}
            assert arguments == {"search_prompts": ["query", "skill", "chapter", "limit"],
                                 "get_prompt": ["id", "assistant", "values"],
                                 "list_skills": ["query", "chapter"], "get_skill": ["id"]}
            assert {name: tool.input_schema.get("required", []) for name, tool in tools.items()} == {
                "search_prompts": ["query"], "get_prompt": ["id"], "list_skills": [], "get_skill": ["id"]}
            for tool in tools.values():
                assert len(tool.description) > 60, tool.name
                assert "\n " not in tool.description, tool.description  # the docstring's indentation left out
                assert all(p.get("description") for p in tool.input_schema["properties"].values()), tool.name
            # The assistants of this book's mkdocs.yml.
            assert tools["get_prompt"].description.endswith(
                "trailing white space included. The book's assistants: 'As written', 'Claude Code', 'Team bot'.")

            prompts = (await client.list_prompts()).prompts
            assert [p.name for p in prompts] == PROMPT_IDS
            assert [p.title for p in prompts] == ["Writing a Dockerfile", "Reviewing a Compose File",
                                                  "Porting a Service", "Any Expert Review", "Charting the Service with Helm",
                                                  "Charting the Service"]
            assert {p.name: [(a.name, a.required) for a in p.arguments] for p in prompts} == {
                "write-dockerfile": [], "reviewing-a-compose-file": [],
                "port-service": [("file name", False), ("language", False), ("target language", False)],
                "any-expert": [("language", False), ("file name", False)],
                "chart-with-helm": [], "chart-service": [("replicas", False)],
            }
            assert prompts[0].description == ("Chapter 1: Shipping; @docker-expert. "
                                              "You need an image for a [Node.js](https://nodejs.org) service.")
            templates = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
            assert templates == ["skillbook://prompt/{id}", "skillbook://skill/{id}"]
            assert "6 prompts" in client.instructions and "32 skills" in client.instructions
    run(test)


# --------------------------------------------------------------------------- exact text


def test_every_prompt_comes_byte_for_byte_as_its_chapter_writes_it(project):
    expected = expected_texts()
    assert expected["write-dockerfile"].endswith("chart it.\n") and "  \nKeep it small:\t<div" in expected["write-dockerfile"]

    async def test():
        async with stdio(cwd=project) as client:
            for prompt_id, text in expected.items():
                assert await tool_text(client, "get_prompt", id=prompt_id) == text, prompt_id
                assert await tool_text(client, "get_prompt", id=prompt_id, assistant="As written") == text, prompt_id
                result = await client.get_prompt(prompt_id)
                assert [(m.role, m.content.type) for m in result.messages] == [("user", "text")]
                assert result.messages[0].content.text == text, prompt_id
    run(test)


def test_every_prompt_of_the_real_book_comes_as_the_seed_chapter_writes_it():
    async def test():
        async with stdio(cwd=ROOT) as client:
            prompts = (await client.list_prompts()).prompts
            texts = [await tool_text(client, "get_prompt", id=p.name) for p in prompts]
            assert texts == seed_prompts()
            assert [(await client.get_prompt(p.name)).messages[0].content.text for p in prompts] == seed_prompts()
            # What the card's "Copy as Markdown" copies (tests/browser/test_reader_tools.py), as written.
            markdown = (await client.read_resource("skillbook://prompt/debugging-container-issues")).contents[0].text
            assert markdown == (
                "## Debugging Container Issues\n\n"
                "**Context:** Your container is crashing in production and you need to diagnose the issue.\n\n"
                f"```text\n{seed_prompts()[1]}\n```\n\n"
                "**Expected Output:** Debugging guide with JVM tuning and container configuration fixes.\n")
    run(test)


# --------------------------------------------------------------------------- the fixture book

MANIFEST = json.loads((ROOT / "tests" / "fixtures" / "docsify-book.expected.json").read_text(encoding="utf-8"))


def docsify_prompts() -> list[str]:
    """Every prompt of the fixture docsify book as its authors wrote it, read here
    from its pages: the bytes without the BOM, CRLF as LF; every fenced block
    CommonMark reads whose language is text or none and whose first character is
    '@'; a prompt the manifest lists as holding code blocks written with three
    backticks, the lines between its opening and closing lines (counted by hand)."""
    found = []
    for page in sorted([*DOCSIFY_BOOK.glob("chapters/*.md"), *DOCSIFY_BOOK.glob("appendices/*.md")]):
        lines = page.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")
        for held in (p for p in MANIFEST["prompts_holding_code_blocks"] if p["file"] == page.relative_to(DOCSIFY_BOOK).as_posix()):
            first, last = held["opening_line"], held["closing_line"]
            found.append("\n".join(lines[first:last - 1]))
            lines[first - 1:last] = [""] * (last - first + 1)
        found += [token.content[:-1] for token in MarkdownIt("commonmark").parse("\n".join(lines))
                  if token.type == "fence" and token.info.strip() in ("", "text") and token.content.startswith("@")]
    return found


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory) -> Path:
    """The fixture docsify book moved in with `skillbook import` and built with
    `mkdocs build --strict` into its site/, as its authors will."""
    root = make_site_project(tmp_path_factory.mktemp("fixture-book") / "book")
    result = subprocess.run([SKILLBOOK, "import", str(DOCSIFY_BOOK), "--project", str(root)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    built = build_site(root, root / "site")
    assert built.returncode == 0, built.stderr
    return root


def test_every_prompt_of_the_fixture_book_comes_byte_for_byte_from_the_project_and_its_site_over_stdio_and_http(
        fixture_book):
    expected = docsify_prompts()
    # The reader above keeps what the book's mess holds: 28 prompts, trailing spaces, a tab, code fences inside.
    assert len(expected) == MANIFEST["prompts"] == 28
    assert any(line != line.rstrip() for text in expected for line in text.split("\n"))
    assert any("\t" in text for text in expected) and sum("```sql" in text for text in expected) == 1

    async def texts(client: Client) -> tuple[list[str], list[str]]:
        names = [prompt.name for prompt in (await client.list_prompts()).prompts]
        assert len(names) == 28
        tools = [await tool_text(client, "get_prompt", id=name) for name in names]
        prompts = [(await client.get_prompt(name)).messages[0].content.text for name in names]
        return tools, prompts

    async def test(site):
        async with stdio(cwd=fixture_book) as client:
            tools, prompts = await texts(client)
            assert "28 prompts" in client.instructions and "error" not in client.instructions
        assert sorted(tools) == sorted(prompts) == sorted(expected)
        async with stdio("--url", site, cwd=fixture_book) as client:
            tools, prompts = await texts(client)
        assert sorted(tools) == sorted(prompts) == sorted(expected)

    async def over_http(url):
        async with Client(url) as client:
            tools, prompts = await texts(client)
        assert sorted(tools) == sorted(prompts) == sorted(expected)

    with serve_folder(fixture_book / "site") as site:
        run(test, site)
    with http_server(fixture_book) as url:
        run(over_http, url)


def card(site: Path, prompt_id: str) -> tuple[list[tuple[str, ...]], list[SimpleNamespace]]:
    """The prompt page's card as its copy button reads it: the parts of its
    prompt (data-sb-parts) and the assistants the page offers (#sb-assistants)."""
    page = (site / "prompts" / prompt_id / "index.html").read_text(encoding="utf-8")
    parts = json.loads(unquote(html.unescape(re.search(r'<pre[^>]* data-sb-parts="([^"]*)"', page).group(1))))
    assistants = json.loads(re.search(r'<script id="sb-assistants"[^>]*>(.*?)</script>', page, re.DOTALL).group(1))
    return [tuple(part) for part in parts], [SimpleNamespace(**assistant) for assistant in assistants]


def test_every_assistant_and_values_give_what_the_cards_copy_button_copies(fixture_book):
    """get_prompt against the copy of each prompt page's card, for every assistant
    the page offers, its placeholders filled: the copy worked out from the card's
    parts by the rule tests/browser/test_reader_tools.py holds the copy button to."""
    site = fixture_book / "site"
    prompts = json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
    assert sum(p["template"] for p in prompts) == MANIFEST["templates"] == 8

    async def test():
        compared = 0
        async with stdio(cwd=fixture_book) as client:
            for prompt in prompts:
                parts, assistants = card(site, prompt["id"])
                assert [a.name for a in assistants] == ["As written", "Claude Code", "Codex", "GitHub Copilot", "Cursor",
                                                        "Any assistant, in words"]
                values = {key: f"Value {n} <of> {key} & more" for n, key in enumerate(prompt["placeholders"])}
                for assistant in assistants:
                    for given in ({}, values) if values else ({},):
                        got = await tool_text(client, "get_prompt", id=prompt["id"], assistant=assistant.name,
                                              values=given)
                        assert got == composed(parts, assistant, given), (prompt["id"], assistant.name, given)
                        compared += 1
                filled = (await client.get_prompt(prompt["id"], values)).messages[0].content.text
                assert filled == composed(parts, assistants[0], values), prompt["id"]
        assert compared == 28 * 6 + 8 * 6
    run(test)


def copied_as_markdown(site: Path, prompt_id: str) -> str:
    """What the prompt page's "Copy as Markdown" copies, as written, by the rule
    prompt-tools.js follows: the card's title, context (data-sb-markdown), its
    prompt in a fence longer than any run of backticks it holds, and expected output."""
    page = (site / "prompts" / prompt_id / "index.html").read_text(encoding="utf-8")
    about = json.loads(unquote(html.unescape(re.search(r' data-sb-markdown="([^"]*)"', page).group(1))))
    parts, assistants = card(site, prompt_id)
    prompt = composed(parts, assistants[0])
    fence = "`" * (max([2, *(len(run) for run in re.findall("`+", prompt))]) + 1)
    lines = [f"## {about['title']}", ""]
    if about["context"] is not None:
        lines += [f"**Context:** {about['context']}", ""]
    lines += [f"{fence}text", prompt, fence]
    if about["expected"] is not None:
        lines += ["", f"**Expected Output:** {about['expected']}"]
    return "\n".join(lines) + "\n"


def test_every_prompt_resource_is_what_its_card_copies_as_markdown(fixture_book):
    site = fixture_book / "site"
    ids = [p["id"] for p in json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]]
    expected = {prompt_id: copied_as_markdown(site, prompt_id) for prompt_id in ids}
    assert expected["reviewing-a-slow-query"].startswith("## Reviewing a Slow Query\n\n**Context:** A report page")
    assert "\n````text\n@pytest-expert" in expected["reviewing-a-slow-query"]

    async def test(url):
        for args in ((), ("--url", url)):
            async with stdio(*args, cwd=fixture_book) as client:
                for prompt_id in ids:
                    resource = (await client.read_resource(f"skillbook://prompt/{prompt_id}")).contents[0]
                    assert (resource.mime_type, resource.text) == ("text/markdown", expected[prompt_id]), (args, prompt_id)

    with serve_folder(site) as url:
        run(test, url)


def test_the_fixture_books_templates_filled_as_on_their_cards(fixture_book):
    """Appendix B's templates filled by their placeholders' keys (the copies
    tests/browser/test_templates.py types into the cards, written out by hand)."""
    kickoff = {"language": "Azure", "project name": "Apollo", "list (Team roles)": "PM, two devs",
               "list (In scope)": "billing API", "list (Out of scope)": "mobile app", "duration": "7 years",
               "dev, staging, prod": "prod"}
    kickoff_copy = ("Plan the kickoff of Apollo.\n\nTeam roles: PM, two devs\nIn scope: billing API\n"
                    "Out of scope: mobile app\nHistorical data to migrate: 7 years\nTarget environment: prod")

    async def test():
        async with stdio(cwd=fixture_book) as client:
            listed = {p.name: [a.name for a in p.arguments] for p in (await client.list_prompts()).prompts}
            assert listed["project-kickoff"] == list(kickoff)
            assert listed["framework-migration"] == ["framework", "language", "old framework", "number of modules", "date"]
            assert await tool_text(client, "get_prompt", id="project-kickoff", values=kickoff) == "@azure-expert " + kickoff_copy
            assert await tool_text(client, "get_prompt", id="project-kickoff", assistant="Claude Code",
                                   values=kickoff) == "/azure-expert " + kickoff_copy
            assert (await client.get_prompt("project-kickoff", kickoff)).messages[0].content.text == (
                "@azure-expert " + kickoff_copy)
            assert await tool_text(client, "get_prompt", id="framework-migration", assistant="Any assistant, in words",
                                   values={"framework": "GitHub Actions", "language": "Rust", "old framework": "Jenkins",
                                           "number of modules": "12", "date": "2027-03-01"}) == (
                "Use the github-actions-expert skill. Plan the migration of our Rust service from Jenkins to GitHub "
                "Actions:\n\nService size: 12\nDeadline: 2027-03-01\n\nPlease provide:\n1. A step-by-step migration "
                "plan\n2. What can run side by side during the migration\n3. The risks and how to test for them")
            assert await tool_text(client, "get_prompt", id="tests-for-failing-code", values={
                "unit, integration, e2e": "integration", "feature name": "checkout", "dev, staging, prod": "staging",
                "paste code here": "total = sum(items)\n  return total",
                "error message": "TypeError: bad operand\n  at line 2"}) == (
                "@skill-name Write integration tests for checkout, run in staging.\n\nThe code:\n\ntotal = sum(items)\n"
                "  return total\n\nThe error it gives:\nTypeError: bad operand\n  at line 2")
            assert await tool_text(client, "get_prompt", id="system-design", assistant="Codex", values={
                "language": "Python 3", "feature name": "order search", "framework, language, version": "Django, Python, 5.1",
                "list": "API, worker", "number": "300", "duration": "2 years"}) == (
                "$python-3-expert Design the system behind order search, built with Django, Python, 5.1.\n\n"
                "Components: API, worker\nExpected load: 300 requests per second\nHistorical data: 2 years\n\n"
                "Please provide:\n1. A component diagram\n2. The data model")
            assert await tool_error(client, "get_prompt", id="project-kickoff", values={"list": "PM"}) == (
                "prompt 'project-kickoff' has no placeholder [list]; its placeholders: language, project name, "
                "list (Team roles), list (In scope), list (Out of scope), duration, dev, staging, prod")
    run(test)


# --------------------------------------------------------------------------- assistants and placeholders


def test_the_assistants_of_mkdocs_yml_write_the_invocations(project):
    text = expected_texts()["write-dockerfile"]

    async def test():
        async with stdio(cwd=project) as client:
            claude = await tool_text(client, "get_prompt", id="write-dockerfile", assistant="Claude Code")
            assert claude == text.replace("@docker-expert", "/docker-expert").replace("@helm-expert", "/helm-expert")
            bot = await tool_text(client, "get_prompt", id="write-dockerfile", assistant="team BOT")
            assert bot == (text.replace("@docker-expert", "Use the docker-expert skill.")
                           .replace("@helm-expert", "the helm-expert skill"))
            # The defaults are not this book's: mkdocs.yml lists its own.
            assert await tool_error(client, "get_prompt", id="write-dockerfile", assistant="Codex") == (
                "no assistant is named 'Codex'; the book's assistants: As written, Claude Code, Team bot")
            assert await tool_error(client, "get_prompt", id="write-dockerfile", assistant="Claud Code") == (
                "no assistant is named 'Claud Code' (closest: Claude Code); "
                "the book's assistants: As written, Claude Code, Team bot")
    run(test)


def test_values_fill_the_placeholders_as_the_cards_do(project):
    async def test():
        async with stdio(cwd=project) as client:
            filled = await tool_text(client, "get_prompt", id="port-service", assistant="Claude Code",
                                     values={"file name": "app.py", "language": "Python", "target language": ""})
            assert filled == "/docker-expert Port app.py from Python to [target language]; keep app.py working in Python."
            generic = await tool_text(client, "get_prompt", id="any-expert", assistant="Team bot",
                                      values={"language": "go"})
            assert generic == "Use the go-expert skill. Review [file name] like the helm-expert skill would."
            result = await client.get_prompt("port-service", {"language": "Rust", "target language": "Zig"})
            assert result.messages[0].content.text == (
                "@docker-expert Port [file name] from Rust to Zig; keep [file name] working in Rust.")
            assert await tool_error(client, "get_prompt", id="port-service", values={"langauge": "Go"}) == (
                "prompt 'port-service' has no placeholder [langauge]; its placeholders: file name, language, "
                "target language")
            assert await tool_error(client, "get_prompt", id="write-dockerfile", values={"language": "Go"}) == (
                "prompt 'write-dockerfile' has no placeholder [language]; it has no placeholders")
            with pytest.raises(MCPError, match=re.escape("no placeholder [lang]")):
                await client.get_prompt("port-service", {"lang": "Go"})
    run(test)


# --------------------------------------------------------------------------- unknown ids


def test_unknown_ids_are_errors_naming_the_closest(project):
    async def test():
        async with stdio(cwd=project) as client:
            assert await tool_error(client, "get_prompt", id="write-dockerfle") == (
                "no prompt has the id 'write-dockerfle' (closest: write-dockerfile); search_prompts finds prompts by words")
            assert await tool_error(client, "get_prompt", id="zzz") == (
                "no prompt has the id 'zzz'; search_prompts finds prompts by words")
            assert await tool_error(client, "get_skill", id="@helm-exprt") == (
                "no skill has the id 'helm-exprt' (closest: @helm-expert); list_skills finds skills by words")
            assert await tool_error(client, "search_prompts", query="", skill="dockr-expert") == (
                "no skill has the id 'dockr-expert' (closest: @docker-expert); list_skills finds skills by words")
            assert await tool_error(client, "search_prompts", query="", chapter="7") == (
                "the book has no chapter '7'; name one by number or appendix letter: 1, B")
            with pytest.raises(MCPError, match=re.escape("no prompt has the id 'port-servce' (closest: port-service)")):
                await client.get_prompt("port-servce")
            with pytest.raises(MCPError, match=re.escape("no skill has the id 'helm' (closest: @helm-expert)")):
                await client.read_resource("skillbook://skill/helm")
    run(test)


# --------------------------------------------------------------------------- search and skills


def test_search_puts_the_exact_title_or_skill_first(project):
    async def ids(client, **arguments):
        return [p["id"] for p in (await structured(client, "search_prompts", **arguments))["prompts"]]

    async def test():
        async with stdio(cwd=project) as client:
            # Every prompt names @helm-expert or @docker-expert somewhere; the skill's own come first.
            assert await ids(client, query="@helm-expert") == [
                "chart-with-helm", "chart-service", "write-dockerfile", "any-expert"]
            assert await ids(client, query="docker-expert") == [
                "write-dockerfile", "reviewing-a-compose-file", "port-service"]
            # The exact title first, though other titles hold its words too.
            assert await ids(client, query="charting the service") == ["chart-service", "chart-with-helm"]
            assert await ids(client, query="Chart-Service") == ["chart-service"]
            # Every word in the title, then in the context, then in the text only.
            assert await ids(client, query="service") == [
                "port-service", "chart-with-helm", "chart-service", "write-dockerfile", "reviewing-a-compose-file"]
            assert await ids(client, query="working python") == []
            assert await ids(client, query="working language") == ["port-service"]
            assert await ids(client, query="") == PROMPT_IDS
            assert await ids(client, query="", limit=2) == PROMPT_IDS[:2]
            assert await ids(client, query="", chapter="b") == ["chart-with-helm", "chart-service"]
            assert await ids(client, query="", chapter="Chapter 1", skill="@helm-expert") == []
            assert await ids(client, query="review", skill="docker-expert") == ["reviewing-a-compose-file"]
            found = await structured(client, "search_prompts", query="compose file")
            assert found == {"prompts": [{
                "id": "reviewing-a-compose-file", "title": "Reviewing a Compose File", "skill": "docker-expert",
                "chapter": "Chapter 1: Shipping", "url": "https://book.example/prompts/reviewing-a-compose-file/",
                "template": False}]}
            assert "limit" in await tool_error(client, "search_prompts", query="", limit=0)
    run(test)


def test_skills_with_their_facts_prompts_and_related_skills(project):
    async def test():
        async with stdio(cwd=project) as client:
            skills = (await structured(client, "list_skills"))["skills"]
            assert [s["id"] for s in skills] == ["docker-expert", "helm-expert", *sorted(f"unused-{n}" for n in range(30))]
            assert skills[1] == {"id": "helm-expert", "purpose": "Helm charts", "best_for": None,
                                 "chapters": ["Chapter 1", "Appendix B"], "prompts": 2,
                                 "url": "https://book.example/skills/helm-expert/"}
            assert [s["id"] for s in (await structured(client, "list_skills", query="unused skill 2"))["skills"]] == [
                "unused-12", "unused-2", "unused-20", "unused-21", "unused-22", "unused-23", "unused-24", "unused-25", "unused-26",
                "unused-27", "unused-28", "unused-29"]
            assert [s["id"] for s in (await structured(client, "list_skills", chapter="B"))["skills"]] == ["helm-expert"]
            assert [s["id"] for s in (await structured(client, "list_skills", query="@helm-expert"))["skills"]] == [
                "helm-expert"]
            assert await structured(client, "get_skill", id="@docker-expert") == {
                "id": "docker-expert", "purpose": "Docker containerization", "best_for": "Images, Compose",
                "url": "https://book.example/skills/docker-expert/",
                "chapters": [{"key": "1", "title": "Chapter 1: Shipping", "part": None}],
                "prompts": [{"id": "write-dockerfile", "title": "Writing a Dockerfile"},
                            {"id": "reviewing-a-compose-file", "title": "Reviewing a Compose File"},
                            {"id": "port-service", "title": "Porting a Service"}],
                "related": ["helm-expert"],
            }
    run(test)


def test_resources_give_the_markdown_of_copy_as_markdown(project):
    text = expected_texts()["reviewing-a-compose-file"]

    async def test():
        async with stdio(cwd=project) as client:
            prompt = (await client.read_resource("skillbook://prompt/write-dockerfile")).contents[0]
            assert prompt.mime_type == "text/markdown"
            assert prompt.text == (
                "## Writing a Dockerfile\n\n**Context:** You need an image for a Node.js service.\n\n"
                f"```text\n{expected_texts()['write-dockerfile']}\n```\n\n**Expected Output:** A Dockerfile.\n")
            fenced = (await client.read_resource("skillbook://prompt/reviewing-a-compose-file")).contents[0].text
            assert fenced == f"## Reviewing a Compose File\n\n````text\n{text}\n````\n"
            skill = (await client.read_resource("skillbook://skill/helm-expert")).contents[0].text
            assert skill == (
                "## @helm-expert\n\n**Purpose:** Helm charts\n\n**Chapters:** Chapter 1: Shipping; Appendix B: Charts\n\n"
                "**Related skills:** @docker-expert\n\n**Prompts:**\n\n- Charting the Service with Helm (`chart-with-helm`)\n"
                "- Charting the Service (`chart-service`)\n\n"
                "Page: https://book.example/skills/helm-expert/\n")
            unused = (await client.read_resource("skillbook://skill/unused-3")).contents[0].text
            assert "No prompt uses this skill yet." in unused
    run(test)


# --------------------------------------------------------------------------- a book with errors


def test_a_book_with_errors_serves_what_is_valid_and_says_what_is_not(tmp_path):
    # A prompt naming a skill the book lacks, a second prompt of an id, a skill file that is not YAML.
    broken = CHAPTER.replace("@docker-expert Review this file:", "@dockr-expert Review this file:") + (
        "\n#### Porting It Again {#port-service}\n\n```text\n@docker-expert Port it again.\n```\n")
    root = book(tmp_path, broken, {
        "docker-expert.yml": skill_yaml("docker-expert"),
        "helm-expert.yml": skill_yaml("helm-expert", chapters="[1, B]"),
        "bad-skill.yml": "id: bad-skill\npurpose: [unclosed\n",
    })
    errors: list[str] = []

    async def test():
        async with stdio(cwd=root, errors=errors) as client:
            assert [p.name for p in (await client.list_prompts()).prompts] == PROMPT_IDS
            found = await structured(client, "search_prompts", query="")
            assert found["book_errors"] == [
                "docs/chapter-1-shipping.md:23: prompt 'Reviewing a Compose File' uses unknown skill '@dockr-expert'; "
                "did you mean '@docker-expert'?",
                "docs/chapter-1-shipping.md:49: prompt id 'port-service' is already used by 'Porting a Service' "
                "(docs/chapter-1-shipping.md:35); pin a unique id by ending this prompt's heading with '{#a-new-id}'",
                "skills/bad-skill.yml:2: YAML syntax error: this '[' is not closed; close it with ']', or put a text "
                "holding '[' in quotes",
            ]
            assert "3 errors in the book" in client.instructions
            assert [s["id"] for s in (await structured(client, "list_skills"))["skills"]] == ["docker-expert", "helm-expert"]
            # The first prompt of an id keeps it; the unknown skill is left as written, whatever the assistant.
            assert await tool_text(client, "get_prompt", id="port-service") == expected_texts()["port-service"]
            assert (await tool_text(client, "get_prompt", id="reviewing-a-compose-file", assistant="Claude Code")
                    ).startswith("@dockr-expert Review this file:\n")
            assert await tool_error(client, "get_skill", id="bad-skill") == (
                "no skill has the id 'bad-skill'; list_skills finds skills by words")
    run(test)
    # What `skillbook check` says of the same book, word for word.
    check = subprocess.run([SKILLBOOK, "check"], cwd=root, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1 and check.stderr.splitlines()[:3] == errors[:3]
    assert errors[:3] == [
        "docs/chapter-1-shipping.md:23: prompt 'Reviewing a Compose File' uses unknown skill '@dockr-expert'; "
        "did you mean '@docker-expert'?",
        "docs/chapter-1-shipping.md:49: prompt id 'port-service' is already used by 'Porting a Service' "
        "(docs/chapter-1-shipping.md:35); pin a unique id by ending this prompt's heading with '{#a-new-id}'",
        "skills/bad-skill.yml:2: YAML syntax error: this '[' is not closed; close it with ']', or put a text "
        "holding '[' in quotes",
    ]


def test_outside_a_book_it_says_where_to_run_it(tmp_path):
    result = subprocess.run([SKILLBOOK, "mcp"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (f"skillbook: {tmp_path.resolve()} holds no book (no mkdocs.yml, no skills/); run it in "
                             "the book's folder, give --root, or --url to serve a published book\n")


# --------------------------------------------------------------------------- Streamable HTTP


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def http_server(project: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([SKILLBOOK, "mcp", "--http", "--port", str(port)], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert time.monotonic() < deadline, "the server did not listen within 60 s"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_over_streamable_http_on_127_0_0_1(project):
    expected = expected_texts()

    async def test(url):
        async with Client(url) as client:
            assert [t.name for t in (await client.list_tools()).tools] == [
                "search_prompts", "get_prompt", "list_skills", "get_skill"]
            assert [p.name for p in (await client.list_prompts()).prompts] == PROMPT_IDS
            for prompt_id, text in expected.items():
                assert await tool_text(client, "get_prompt", id=prompt_id) == text
                assert (await client.get_prompt(prompt_id)).messages[0].content.text == text
            assert await tool_text(client, "get_prompt", id="chart-service", assistant="Team bot",
                                   values={"replicas": "3"}) == "Use the helm-expert skill. Chart the service with 3 replicas."
            assert "closest: chart-service" in await tool_error(client, "get_prompt", id="chart-servic")

    with http_server(project) as url:
        run(test, url)
        # A page of another site, reaching 127.0.0.1 through its own name or from the reader's browser, is refused.
        assert answer(url, {"Host": "book.example"}) == 421
        assert answer(url, {"Origin": "https://book.example"}) == 403
        assert answer(url, {}) == 200


def answer(url: str, headers: dict[str, str]) -> int:
    """The status a first request (initialize) to the server gets with these headers."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# --------------------------------------------------------------------------- a published site (--url)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class Logged(Quiet):
    """Serves a folder and records the path of every request in ``requested``."""

    def __init__(self, *args, requested: list[str], **kwargs) -> None:
        self.requested = requested
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self.requested.append(self.path)
        super().do_GET()


@contextlib.contextmanager
def serve_folder(folder: Path, requested: list[str] | None = None) -> Iterator[str]:
    handler = functools.partial(Logged, directory=str(folder), requested=requested if requested is not None else [])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The fixture book built with `mkdocs build --strict`, as it is published."""
    root = make_site_project(tmp_path_factory.mktemp("published"))
    book(root, config=(root / "mkdocs.yml").read_text(encoding="utf-8") + ASSISTANTS)
    site = root / "site"
    result = build_site(root, site, site_url="https://book.example/")
    assert result.returncode == 0, result.stderr
    return site


def test_a_published_site_serves_the_same_book(published):
    expected = expected_texts()

    async def test(url):
        async with stdio("--url", url, cwd=published) as client:
            assert [p.name for p in (await client.list_prompts()).prompts] == PROMPT_IDS
            for prompt_id, text in expected.items():
                assert await tool_text(client, "get_prompt", id=prompt_id) == text, prompt_id
                assert (await client.get_prompt(prompt_id)).messages[0].content.text == text, prompt_id
            bot = await tool_text(client, "get_prompt", id="write-dockerfile", assistant="Team bot")
            assert bot.startswith("Use the docker-expert skill. Write a Dockerfile") and "ask the helm-expert skill" in bot
            assert (await structured(client, "get_skill", id="helm-expert"))["prompts"] == [
                {"id": "chart-with-helm", "title": "Charting the Service with Helm"},
                {"id": "chart-service", "title": "Charting the Service"}]
            assert [p["id"] for p in (await structured(client, "search_prompts", query="@helm-expert"))["prompts"]] == [
                "chart-with-helm", "chart-service", "write-dockerfile", "any-expert"]
            assert url in client.instructions

    requested: list[str] = []
    with serve_folder(published, requested) as url:
        run(test, url)
    # The book's two data files, once each, when the server starts: nothing else, from nowhere else.
    assert requested == ["/api/skills.json", "/api/prompts.json"]


def test_a_site_that_answers_badly_is_an_error_for_the_client(tmp_path):
    (tmp_path / "garbage" / "api").mkdir(parents=True)
    (tmp_path / "garbage" / "api" / "skills.json").write_text("<html>not the book</html>", encoding="utf-8")
    (tmp_path / "wrong" / "api").mkdir(parents=True)
    (tmp_path / "wrong" / "api" / "skills.json").write_text('{"skills": [{"id": "x"}]}', encoding="utf-8")
    (tmp_path / "empty").mkdir()

    errors: list[str] = []

    async def test(site):
        async with stdio("--url", site + "empty/", cwd=tmp_path, errors=errors) as client:
            assert await tool_error(client, "search_prompts", query="") == (
                f"{site}empty/api/skills.json answered 404 File not found; is {site}empty/ the address of a "
                "Skillbook site built with the book as data (api/*.json)?")
            assert "could not be read yet" in client.instructions
            with pytest.raises(MCPError, match="answered 404"):
                await client.list_prompts()
            with pytest.raises(MCPError, match="answered 404"):
                await client.read_resource("skillbook://prompt/anything")
        async with stdio("--url", site + "garbage", cwd=tmp_path) as client:
            assert (await tool_error(client, "get_prompt", id="x")).startswith(
                f"{site}garbage/api/skills.json is not JSON (Expecting value: line 1 column 1 (char 0)); "
                f"is {site}garbage/ the address of a Skillbook site?")
        async with stdio("--url", site + "wrong/", cwd=tmp_path) as client:
            assert await tool_error(client, "list_skills") == (
                f"{site}wrong/api/skills.json does not hold the book's skills as {site}wrong/api/schema.json describes "
                "them (at skills/0: 'url' is a required property)")

    with serve_folder(tmp_path) as site:
        run(test, site)
    # Whoever runs it by hand reads it too.
    assert errors[0] == (f"skillbook mcp: the book could not be read yet; it is read again at the next request: "
                         f"{site}empty/api/skills.json answered 404 File not found; is {site}empty/ the address of a "
                         "Skillbook site built with the book as data (api/*.json)?")


class Endless(Quiet):
    """Answers with blanks, a MiB at a time, without end."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        with contextlib.suppress(OSError):
            while True:
                self.wfile.write(b" " * 1024 * 1024)


def test_a_site_answering_without_end_is_cut_at_32_mib(tmp_path):
    async def test(site):
        async with stdio("--url", site, cwd=tmp_path) as client:
            assert await tool_error(client, "get_prompt", id="x") == (
                f"{site}api/skills.json is larger than 33,554,432 bytes; is it a Skillbook site's data?")

    with serve_handler(Endless) as site:
        run(test, site)


def test_a_bad_address_is_refused_before_serving(tmp_path):
    result = subprocess.run([SKILLBOOK, "mcp", "--url", "file:///etc/"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert (result.returncode, result.stderr) == (
        2, "skillbook: 'file:///etc/' is not a site's address; give one such as https://book.example/\n")


class Elsewhere(Quiet):
    """Sends every request to another host."""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://localhost:9/api/skills.json")
        self.end_headers()


class Slow(Quiet):
    """Answers one byte a second, without end."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        with contextlib.suppress(OSError):
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)


@contextlib.contextmanager
def serve_handler(handler) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_site_is_read_only_at_its_own_address_within_a_time_and_a_size(published):
    from skillbook.library import BookError, library_from_site

    with serve_handler(Elsewhere) as site, pytest.raises(BookError) as refused:
        library_from_site(site)
    assert str(refused.value) == (f"{site}api/skills.json redirects to http://localhost:9/api/skills.json, outside "
                                  "the site; give the site's own address")
    with serve_handler(Slow) as site, pytest.raises(BookError) as slow:
        started = time.monotonic()
        library_from_site(site, timeout=2)
    assert time.monotonic() - started < 10
    assert str(slow.value) == f"{site}api/skills.json did not answer within 2 s; try again later"
    with serve_folder(published) as site, pytest.raises(BookError) as large:
        library_from_site(site, max_bytes=1000)
    assert str(large.value) == f"{site}api/skills.json is larger than 1,000 bytes; is it a Skillbook site's data?"


def test_a_site_that_comes_back_is_served_at_the_next_request(tmp_path, published):
    import shutil

    async def test(site):
        async with stdio("--url", site, cwd=tmp_path) as client:
            assert "answered 404" in await tool_error(client, "get_prompt", id="chart-service")
            shutil.copytree(published / "api", tmp_path / "api")
            assert await tool_text(client, "get_prompt", id="chart-service") == expected_texts()["chart-service"]
            assert [p.name for p in (await client.list_prompts()).prompts] == PROMPT_IDS

    with serve_folder(tmp_path) as site:
        run(test, site)


# --------------------------------------------------------------------------- the collection of skills


def test_get_skill_gives_its_skill_md_and_install_folders_where_the_collection_is_configured(tmp_path):
    root = make_collection_project(tmp_path / "book")
    built = build_site(root, root / "site", site_url="https://book.example/")
    assert built.returncode == 0, built.stderr
    # The fixture collection's docker-expert (tests/fixtures/skills-collection), and each assistant's skills folder.
    collection = {
        "path": "skills/containers/docker-expert",
        "skill_md": "https://github.com/owner/skills/blob/HEAD/skills/containers/docker-expert/SKILL.md",
        "description": "Builds, debugs and hardens Docker images and containers. Use when a Dockerfile, an image or a "
                       "running container misbehaves.",
        "install_folders": {name: f"{folder}/docker-expert" for name, folder in DOCKER_INSTALLS.items()},
    }

    async def test(site):
        for args in ((), ("--url", site)):
            async with stdio(*args, cwd=root) as client:
                assert (await structured(client, "get_skill", id="docker-expert"))["collection"] == collection, args
                assert "collection" not in await structured(client, "get_skill", id="coolify"), args

    with serve_folder(root / "site") as site:
        run(test, site)

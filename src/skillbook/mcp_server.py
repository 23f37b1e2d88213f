"""``skillbook mcp``: the book as a Model Context Protocol server, so that an
assistant asks the book for a prompt instead of a reader copying it from the
site. Built on the official SDK (``mcp``, version 2: ``MCPServer``).

It offers four tools (search_prompts, get_prompt, list_skills, get_skill), every
prompt of the book as an MCP prompt named by its id (its placeholders as its
arguments), and the resources ``skillbook://prompt/{id}`` and
``skillbook://skill/{id}`` in Markdown. The answers come from ``library.py``,
which reads the book from the project or from a published site."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, GetPromptResult, InputRequiredResult
from mcp.types import Prompt as MCPPrompt
from pydantic import Field

from skillbook.library import BookError, Library, summary
from skillbook.placeholders import Slot, slots

MARKDOWN = "text/markdown"
MAX_LIMIT = 100


class Shelf:
    """The book, loaded on first use; a site that could not be read is tried
    again at the next request, its error given to the client meanwhile."""

    def __init__(self, load: Callable[[], Library]) -> None:
        self._load = load
        self._library: Library | None = None
        self.on_load: Callable[[Library], None] = lambda library: None
        # Why the last try to read the book failed, until one succeeds.
        self.failure: str | None = None

    @property
    def loaded(self) -> Library | None:
        return self._library

    def library(self) -> Library:
        if self._library is None:
            try:
                self._library = self._load()
            except BookError as error:
                self.failure = str(error)
                raise
            self.failure = None
            self.on_load(self._library)
        return self._library


class BookServer(MCPServer):
    """An MCP server over one book: its prompts are registered once the book is read."""

    def __init__(self, shelf: Shelf, instructions: str) -> None:
        super().__init__("skillbook", title="Skillbook", instructions=instructions, log_level="WARNING")
        self.shelf = shelf
        shelf.on_load = self.add_prompts

    def add_prompts(self, library: Library) -> None:
        """Every prompt of the book as an MCP prompt named by its id, its placeholders as arguments."""
        for prompt_id, prompt in library.prompts.items():
            # The SDK's Prompt gives context_kwarg a default that mypy does not see.
            self.add_prompt(Prompt(  # type: ignore[call-arg]
                name=prompt_id, title=prompt["title"], description=_prompt_description(prompt),
                arguments=[PromptArgument(name=slot.key, description=_slot_description(slot), required=False)
                           for slot in slots(prompt["text"])],
                fn=_renderer(library, prompt_id),
            ))

    async def list_prompts(self) -> list[MCPPrompt]:
        try:
            self.shelf.library()
        except BookError as error:
            raise MCPError(INVALID_PARAMS, str(error)) from None
        return await super().list_prompts()

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None,
                         context: Context | None = None) -> GetPromptResult | InputRequiredResult:
        try:
            library = self.shelf.library()
            library.prompt(name)
            # The values are checked here, so that a mistake reaches the client as said.
            library.prompt_text(name, values=arguments)
        except BookError as error:
            raise MCPError(INVALID_PARAMS, str(error)) from None
        return await super().get_prompt(name, arguments, context)


def _slot_description(slot: Slot) -> str:
    where = f" after '{slot.label}:'" if slot.label else ""
    return f"replaces [{slot.name}]{where} in the prompt; left as written when not given"


def _prompt_description(prompt: dict[str, Any]) -> str:
    about = f"@{prompt['skill']}" if prompt["skill"] else "a template for any skill"
    text = f"{prompt['chapter']['title']}; {about}."
    if prompt["context"]:
        text += " " + " ".join(prompt["context"].split())
    return text


def _renderer(library: Library, prompt_id: str) -> Callable[..., str]:
    def render(**values: str) -> str:
        return library.prompt_text(prompt_id, values=values)
    return render


def build_server(load: Callable[[], Library]) -> BookServer:
    """The server over the book ``load`` reads; a book read at once shows its
    counts and errors in the server's instructions."""
    shelf = Shelf(load)
    instructions = (
        "A book of AI coding-assistant skills (@docker-expert...) and ready-to-paste prompts that put them to work. "
        "Find prompts with search_prompts, then get_prompt for the exact text, in the user's assistant's form and "
        "with the placeholders ([language]) filled in; list_skills and get_skill describe skills. "
        "Give the prompt text exactly as returned.")
    try:
        library = shelf.library()
        instructions += f" This server holds {summary(library)}."
        if library.problems:
            instructions += " Errors: " + " | ".join(library.problems[:20])
    except BookError as error:
        instructions += f" The book could not be read yet: {error}"
    server = BookServer(shelf, instructions)
    if shelf.loaded is not None:
        server.add_prompts(shelf.loaded)
    _add_tools(server, shelf)
    _add_resources(server, shelf)
    return server


def _tool_library(shelf: Shelf) -> Library:
    try:
        return shelf.library()
    except BookError as error:
        raise ToolError(str(error)) from None


ToolFunction = Callable[..., Any]


def _tool(server: MCPServer, more: str = "") -> Callable[[ToolFunction], ToolFunction]:
    """``server.tool()`` with the docstring as its description, without its indentation
    (the SDK takes ``__doc__`` as it is, which Python 3.11 leaves indented), and ``more`` after it."""
    def register(function: ToolFunction) -> ToolFunction:
        return server.tool(description=" ".join(filter(None, [inspect.getdoc(function), more])))(function)
    return register


def _assistants(library: Library | None) -> str:
    """The sentence naming the book's assistants, for get_prompt's description, once the book is read."""
    if library is None:
        return "An unknown assistant is an error that names the book's assistants."
    return "The book's assistants: " + ", ".join(f"'{a.name}'" for a in library.assistants) + "."


def _add_tools(server: MCPServer, shelf: Shelf) -> None:
    @_tool(server)
    def search_prompts(
        query: Annotated[str, Field(description="words to find in a prompt's title, skill, context or text, such as "
                                    "'debug container' or a skill id '@docker-expert'; empty for every prompt")],
        skill: Annotated[str | None, Field(description="only the prompts of this skill id, such as 'docker-expert'")] = None,
        chapter: Annotated[str | None, Field(description="only the prompts of this chapter number or appendix letter, "
                                             "such as '16' or 'B'")] = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="how many prompts at most")] = 10,
    ) -> dict[str, Any]:
        """Find the book's prompts by words, best first: an exact title, prompt id or skill id first, then prompts
        with every word in their title, then in their skill or context, then in their text. Each result gives the
        id that get_prompt takes, the title, the skill, the chapter and the prompt's page."""
        library = _tool_library(shelf)
        try:
            found = library.search_prompts(query, skill, chapter, limit)
        except BookError as error:
            raise ToolError(str(error)) from None
        return _with_problems(library, {"prompts": found})

    @_tool(server, _assistants(shelf.loaded))
    def get_prompt(
        id: Annotated[str, Field(description="the prompt's id, from search_prompts or get_skill")],
        assistant: Annotated[str | None, Field(description="the assistant to write skill invocations for, by name: "
                                               "one of the book's, which this tool's description lists; by default "
                                               "'As written', the book's own form ('@docker-expert')")] = None,
        values: Annotated[dict[str, str] | None, Field(description="text for the prompt's placeholders by name, such "
                                                       "as {\"language\": \"Go\"} for [language]; a placeholder "
                                                       "without a value stays as written")] = None,
    ) -> str:
        """The prompt's exact text, ready to use: skill invocations in the chosen assistant's form, placeholders
        filled with the values given. Every other character is the book's, trailing white space included."""
        try:
            return _tool_library(shelf).prompt_text(id, assistant, values)
        except BookError as error:
            raise ToolError(str(error)) from None

    @_tool(server)
    def list_skills(
        query: Annotated[str | None, Field(description="words to find in a skill's id, purpose or best use")] = None,
        chapter: Annotated[str | None, Field(description="only the skills of this chapter number or appendix "
                                             "letter")] = None,
    ) -> dict[str, Any]:
        """The book's skills, by id (an exact id first): purpose, best use, chapters, number of prompts, page."""
        library = _tool_library(shelf)
        try:
            return _with_problems(library, {"skills": library.list_skills(query, chapter)})
        except BookError as error:
            raise ToolError(str(error)) from None

    @_tool(server)
    def get_skill(
        id: Annotated[str, Field(description="the skill's id, with or without '@', such as 'docker-expert'")],
    ) -> dict[str, Any]:
        """A skill: its purpose, best use, chapters, its prompts (ids and titles, for get_prompt), related skills and
        its page; and, when the book's collection of skills has it, its SKILL.md address and the folder each
        assistant reads it from once installed."""
        try:
            return _tool_library(shelf).skill_details(id)
        except BookError as error:
            raise ToolError(str(error)) from None


def _with_problems(library: Library, result: dict[str, Any]) -> dict[str, Any]:
    if library.problems:
        result["book_errors"] = library.problems
    return result


def _add_resources(server: MCPServer, shelf: Shelf) -> None:
    @server.resource("skillbook://prompt/{id}", name="prompt", mime_type=MARKDOWN,
                     description="A prompt as the site's \"Copy as Markdown\" gives it: title, context, prompt and "
                                 "expected output.")
    def prompt_resource(id: str) -> str:
        try:
            return shelf.library().prompt_markdown(id)
        except BookError as error:
            raise ResourceError(str(error)) from None

    @server.resource("skillbook://skill/{id}", name="skill", mime_type=MARKDOWN,
                     description="A skill in Markdown: purpose, best use, chapters, related skills and its prompts.")
    def skill_resource(id: str) -> str:
        try:
            return shelf.library().skill_markdown(id)
        except BookError as error:
            raise ResourceError(str(error)) from None

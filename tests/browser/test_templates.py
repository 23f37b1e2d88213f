"""The fixture book's prompt templates, filled in as a reader fills them, in
Chromium: every field typed key by key with a value of its own, then copied.
What each copy holds, which fields come prefilled from another template and with
what, are written out here by hand from Appendix B's text: nothing is computed by
the code under test. On a phone, the prompt comes first on its card."""

from __future__ import annotations

import pytest

from tests.browser.conftest import COPY_BUTTON, copy_via

CODE = "pre[data-sb-parts] code"

# Appendix B's templates in the book's order: for each, the fields by the name a
# reader sees (label, then placeholder), the value typed, the fields that arrive
# filled from a template before it (with that value), and the copy.
TEMPLATES = [
    ("generic-skill-request", {
        "[task]": "migrate logs", "[purpose]": "the audit", "[what exists today]": "a cron job",
        "[what is going wrong]": "it drops lines", "[requirement 1]": "no downtime", "[requirement 2]": "under 5 minutes",
        "[first deliverable]": "a plan", "[second deliverable]": "a script",
    }, {},
     "@skill-name Help me with migrate logs for the audit:\n\nBackground:\n- a cron job\n- it drops lines\n\n"
     "Requirements:\n- no downtime\n- under 5 minutes\n\nPlease provide:\n1. a plan\n2. a script\n"
     "3. An explanation of the main decisions"),
    ("domain-explainer", {"[domain]": "payments", "[language]": "TypeScript"}, {},
     "@skill-name Explain the key concepts of payments to a developer who knows TypeScript but has never worked in "
     "payments.\n\nPlease provide:\n1. The ten terms I will hear most often\n2. The three mistakes newcomers make\n"
     "3. A small first project to practise on"),
    ("code-review-in-any-language", {
        "[language]": "Pytest", "[framework]": "Hypothesis",
        "[paste code here]": 'def parse(line):\n    return line.split(",")\n\n# end',
    }, {"[language]": "TypeScript"},
     '@pytest-expert Review this Pytest code, written with Hypothesis:\n\ndef parse(line):\n    return line.split(",")\n'
     "\n# end\n\nFocus on:\n- Correctness and error handling\n- Idiomatic use of Hypothesis\n- Security issues\n\n"
     "Please provide:\n1. Problems, ordered by severity\n2. A corrected version of the worst part"),
    ("framework-migration", {
        "[framework]": "GitHub Actions", "[language]": "Rust", "[old framework]": "Jenkins",
        "Service size [number of modules]": "12", "Deadline [date]": "2027-03-01",
    }, {"[framework]": "Hypothesis", "[language]": "Pytest"},
     "@github-actions-expert Plan the migration of our Rust service from Jenkins to GitHub Actions:\n\n"
     "Service size: 12\nDeadline: 2027-03-01\n\nPlease provide:\n1. A step-by-step migration plan\n"
     "2. What can run side by side during the migration\n3. The risks and how to test for them"),
    ("system-design", {
        "[language]": "Python 3", "[feature name]": "order search", "[framework, language, version]": "Django, Python, 5.1",
        "Components [list]": "API, worker", "Expected load [number]": "300", "Historical data [duration]": "2 years",
    }, {"[language]": "Rust"},
     "@python-3-expert Design the system behind order search, built with Django, Python, 5.1.\n\n"
     "Components: API, worker\nExpected load: 300 requests per second\nHistorical data: 2 years\n\n"
     "Please provide:\n1. A component diagram\n2. The data model"),
    ("tests-for-failing-code", {
        "[unit, integration, e2e]": "integration", "[feature name]": "checkout", "[dev, staging, prod]": "staging",
        "[paste code here]": "total = sum(items)\n  return total", "[error message]": "TypeError: bad operand\n  at line 2",
    }, {"[feature name]": "order search", "[paste code here]": 'def parse(line):\n    return line.split(",")\n\n# end'},
     "@skill-name Write integration tests for checkout, run in staging.\n\nThe code:\n\ntotal = sum(items)\n"
     "  return total\n\nThe error it gives:\nTypeError: bad operand\n  at line 2"),
    ("terraform-module-scaffold", {
        "[cloud provider]": "GCP", "[resource type]": "a bucket", "[purpose]": "backups",
        "Inputs [list of variables]": "name, region", "Outputs [list of outputs]": "bucket_url",
    }, {"[purpose]": "the audit"},
     "@terraform-expert Write a module for GCP that creates a bucket for backups:\n\nInputs: name, region\n"
     "Outputs: bucket_url\n\nPlease provide:\n1. main.tf, variables.tf and outputs.tf\n"
     "2. A README with an example call\n3. Tests for the module"),
    # Its three [list] slots and its [duration] take nothing from System Design's.
    ("project-kickoff", {
        "[language]": "Azure", "[project name]": "Apollo", "Team roles [list]": "PM, two devs",
        "In scope [list]": "billing API", "Out of scope [list]": "mobile app",
        "Historical data to migrate [duration]": "7 years", "Target environment [dev, staging, prod]": "prod",
    }, {"[language]": "Python 3"},
     "@azure-expert Plan the kickoff of Apollo.\n\nTeam roles: PM, two devs\nIn scope: billing API\n"
     "Out of scope: mobile app\nHistorical data to migrate: 7 years\nTarget environment: prod"),
]

# The fields that take several lines, and the choices an option list offers.
MULTI_LINE = {"[paste code here]", "[error message]"}
OPTIONS = {"[unit, integration, e2e]": ["unit", "integration", "e2e"], "[dev, staging, prod]": ["dev", "staging", "prod"],
           "Target environment [dev, staging, prod]": ["dev", "staging", "prod"],
           "[framework, language, version]": ["framework", "language", "version"]}


def prefilled(page) -> dict[str, str]:
    """The fields the page shows as filled from another prompt, by their names, with their values."""
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(".sb-field"))
        .filter(field => !field.querySelector(".sb-field__from").hidden)
        .map(field => [field.querySelector("label").textContent, field.querySelector("[data-sb-field]").value]))""")


def test_every_template_filled_in_full_copies_every_value_and_line_and_nothing_leaks(book_page, book_server):
    (page, log), (server, _) = book_page, book_server
    for prompt_id, values, from_others, expected in TEMPLATES:
        page.goto(server.url(f"/prompts/{prompt_id}/"))
        page.locator("details.sb-fields[open]").wait_for()  # open from the start on a wide screen
        names = page.locator(".sb-field label").all_text_contents()
        assert sorted(names) == sorted(values), prompt_id
        assert prefilled(page) == from_others, prompt_id
        for name, value in values.items():
            field = page.get_by_label(name, exact=True)
            tag = field.evaluate("f => f.tagName")
            assert tag == ("TEXTAREA" if name in MULTI_LINE else "INPUT"), (prompt_id, name)
            if name in OPTIONS:
                assert field.evaluate("f => Array.from(f.list.options, o => o.value)") == OPTIONS[name]
            if name in from_others:
                page.locator(".sb-field", has=field).get_by_role("button", name="Clear").click()
                assert field.input_value() == ""
            field.press_sequentially(value)
        assert page.locator(CODE).text_content() == expected, prompt_id
        assert copy_via(page, lambda: page.locator(COPY_BUTTON).first.click()) == expected, prompt_id
        assert prefilled(page) == {}, prompt_id
    # Each template keeps its own values: the last ones written elsewhere change nothing.
    for prompt_id, _, _, expected in TEMPLATES:
        page.goto(server.url(f"/prompts/{prompt_id}/"))
        assert copy_via(page, lambda: page.locator(COPY_BUTTON).first.click()) == expected, prompt_id
    assert not log.errors, log.errors


def test_a_filled_invocation_that_names_no_skill_of_the_book_says_so(book_page, book_server):
    (page, log), (server, _) = book_page, book_server
    page.goto(server.url("/prompts/system-design/"))
    note = page.locator(".sb-skill-note")
    language = page.get_by_label("[language]", exact=True)
    language.press_sequentially("Python 3")
    assert page.locator(CODE).text_content().startswith("@python-3-expert Design the system behind [feature name]")
    assert note.text_content().startswith("This book has no skill @python-3-expert; it has @aws-expert, @azure-expert,")
    assert note.is_visible()
    language.fill("")
    language.press_sequentially("Pytest")
    assert page.locator(CODE).text_content().startswith("@pytest-expert Design the system behind [feature name]")
    assert note.text_content() == "" and not note.is_visible()
    page.locator("select.sb-assistant").first.select_option("Claude Code")
    assert page.locator(CODE).text_content().startswith("/pytest-expert Design")
    assert not log.errors, log.errors


@pytest.fixture
def phone(chromium, book_server):
    server, _ = book_server
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(10_000)
    yield page, server, errors
    context.close()


@pytest.mark.parametrize("prompt_id", [template[0] for template in TEMPLATES])
def test_on_a_phone_the_prompt_comes_first_on_its_card(phone, prompt_id):
    page, server, errors = phone
    page.goto(server.url(f"/prompts/{prompt_id}/"))
    card = page.locator("article.sb-prompt")
    card.evaluate("card => card.scrollIntoView()")
    first_line = page.locator(CODE).evaluate("""code => {
        const range = document.createRange()
        range.setStart(code.firstChild, 0)
        range.setEnd(code.firstChild, 1)
        return range.getBoundingClientRect().bottom
    }""")
    assert 0 < first_line <= 844, prompt_id
    # The form is closed until the reader opens it.
    assert not page.locator("[data-sb-field]").first.is_visible()
    assert not errors, errors


def test_on_a_phone_the_reader_opens_the_form_and_the_estimate_follows(phone):
    page, server, errors = phone
    page.goto(server.url("/prompts/project-kickoff/"))
    tokens = page.locator(".sb-tokens")
    # The estimate as skillbook.tokens counts it; counted by hand for the value:
    # "[list]" was three pieces ("[", "list", "]"), the value is seven words of
    # which "everything" (ten letters) counts two: 56 - 3 + 7.
    assert tokens.text_content() == "≈ 56 tokens"
    page.get_by_text("Fill in 7 placeholders").click()
    page.get_by_label("Out of scope [list]", exact=True).press_sequentially("everything the mobile team owns today")
    assert "Out of scope: everything the mobile team owns today\n" in page.locator(CODE).text_content()
    assert tokens.text_content() == "≈ 60 tokens"
    assert not errors, errors

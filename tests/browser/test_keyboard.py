"""A reader with a keyboard alone, in Chromium: from the home page of the
imported fixture book to a prompt template, an assistant chosen, the
template's fields filled and the prompt copied, with the focus visible at every
step (an outline or a ring drawn around the focused control)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from skillbook.options import DEFAULT_ASSISTANTS
from skillbook.prompt_parts import prompt_parts
from tests.browser.conftest import copy_via
from tests.support.composition import composed

TEMPLATES = "/appendix-b-prompt-templates/"
# What the focused element shows, as the page has drawn it. Material draws the
# focus of its hidden toggles (the palette's radio buttons) on the label after them.
FOCUS = """selector => {
  const element = document.activeElement
  if (!element || element === document.body) return {html: "<body>", visible: false, matches: false}
  const drawn = candidate => {
    const style = getComputedStyle(candidate)
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    const box = candidate.getBoundingClientRect()
    return (outline || style.boxShadow !== "none") && box.width > 0 && box.height > 0
  }
  return {
    html: element.outerHTML.slice(0, 160),
    visible: [element, ...(element.labels || []), element.nextElementSibling].some(c => c && drawn(c)),
    matches: element.matches(selector),
  }
}"""
MOST_TABS = 200


def tab_to(page, selector: str, key: str = "Tab") -> None:
    """Press Tab (or ``key``) until the focus is on ``selector``, checking at each
    press that the focused element shows it."""
    for _ in range(MOST_TABS):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS, selector)
        assert focus["visible"], f"the focus does not show on {focus['html']}"
        if focus["matches"]:
            return
    raise AssertionError(f"{MOST_TABS} presses of {key} did not reach {selector}")


def test_from_the_home_page_to_a_copied_template_with_the_keyboard_alone(book_page, book_server):
    (page, log), (server, site) = book_page, book_server
    prompts = json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
    skills = {s["id"] for s in json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]}
    template = next(p for p in prompts if p["title"] == "Generic Skill Request")
    assert len(template["placeholders"]) >= 5, template["placeholders"]

    page.goto(server.url("/"))
    page.wait_for_load_state("networkidle")
    tab_to(page, f"a[href$='{TEMPLATES}']")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Appendix B: Prompt Templates").wait_for()
    # The path, not the whole address: Material's navigation.tracking names the
    # section in view in it.
    assert urlsplit(page.url).path == TEMPLATES

    card = f".sb-prompt:has(#{template['id']})"
    code = page.locator(f"{card} pre[data-sb-parts] code")
    assert code.text_content() == template["text"]

    # The assistant: the next one in the list, chosen with an arrow key.
    tab_to(page, f"{card} select.sb-assistant")
    page.keyboard.press("ArrowDown")
    assistant = DEFAULT_ASSISTANTS[1]
    assert page.locator(f"{card} select.sb-assistant").input_value() == assistant.name
    values: dict[str, str] = {}
    assert code.text_content() == composed(prompt_parts(template["text"], skills), assistant, values)

    # Every field, typed key by key. The form comes before the card's tools: back
    # to the first field with Shift+Tab, then Tab to the next.
    names = page.locator(f"{card} input[data-sb-field]").evaluate_all("fields => fields.map(f => f.dataset.sbField)")
    assert sorted(names) == sorted(template["placeholders"])
    for number, name in enumerate(names):
        tab_to(page, f"{card} input[data-sb-field='{name}']", "Shift+Tab" if number == 0 else "Tab")
        values[name] = f"value {number} & <{name}>"
        page.keyboard.type(values[name])
        assert page.locator(f"{card} input[data-sb-field='{name}']").input_value() == values[name]
    expected = composed(prompt_parts(template["text"], skills), assistant, values)
    assert code.text_content() == expected

    # The card's "Copy prompt" button, pressed with Enter.
    tab_to(page, f"{card} button.md-code__button[data-md-type=copy]", "Shift+Tab")  # the prompt is above the form
    assert copy_via(page, lambda: page.keyboard.press("Enter")) == expected
    page.get_by_role("status").get_by_text("Prompt copied").wait_for()
    log.assert_clean()

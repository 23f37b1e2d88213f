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
# What the focused element shows, as the page has drawn it: an outline or a ring
# of a colour that is not transparent, on screen and not under the sticky header
# or anything else (the point at its centre is it, or inside it). Material draws
# the focus of its hidden toggles (the palette's radio buttons) on the label
# after them.
FOCUS = """selector => {
  const element = document.activeElement
  if (!element || element === document.body) return {html: "<body>", visible: false, why: "nothing has the focus"}
  const html = element.outerHTML.slice(0, 160)
  const painted = colour => colour !== "transparent" && !/^rgba\\([^)]*,\\s*0\\)$/.test(colour.trim())
  const ringed = candidate => {
    const style = getComputedStyle(candidate)
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && painted(style.outlineColor)
    const shadows = style.boxShadow === "none" ? [] : style.boxShadow.match(/rgba?\\([^)]*\\)/g) || []
    const box = candidate.getBoundingClientRect()
    return (outline || shadows.some(painted)) && box.width > 0 && box.height > 0
  }
  const sibling = element.nextElementSibling
  const drawn = [element, ...(element.labels || []), sibling && sibling.tagName === "LABEL" ? sibling : null]
    .find(candidate => candidate && ringed(candidate))
  if (!drawn) return {html, visible: false, why: "no outline or ring is drawn"}
  const box = drawn.getBoundingClientRect()
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1)
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1)
  if (box.bottom <= 0 || box.top >= innerHeight || box.right <= 0 || box.left >= innerWidth)
    return {html, visible: false, why: `it is off screen at ${JSON.stringify(box)}`}
  const top = document.elementFromPoint(x, y)
  if (!top || !(drawn.contains(top) || top.contains(drawn)))
    return {html, visible: false, why: `it is under ${top ? top.outerHTML.slice(0, 120) : "nothing"}`}
  return {html, visible: true, matches: element.matches(selector)}
}"""
MOST_TABS = 200
# The page come to rest after a key: any scroll into view ended and every
# transition finished (Material's search overlay shrinks away 0.25 s after the
# search field loses the focus), then two frames drawn.
SETTLED = """async () => {
  const frame = () => new Promise(done => requestAnimationFrame(done))
  let last
  do { last = scrollY; await frame(); await frame() } while (scrollY !== last)
  const finite = document.getAnimations().filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
  await Promise.all(finite.map(a => a.finished.catch(() => null)))
  await frame(); await frame()
}"""


def tab_to(page, selector: str, key: str = "Tab") -> None:
    """Press Tab (or ``key``) until the focus is on ``selector``, checking at each
    press that the focused element shows it."""
    for _ in range(MOST_TABS):
        page.keyboard.press(key)
        if shown_focus_on(page, selector):
            return
    raise AssertionError(f"{MOST_TABS} presses of {key} did not reach {selector}")


def shown_focus_on(page, selector: str) -> bool:
    """Asserts that the focus shows, and returns whether it is on ``selector``."""
    page.evaluate(SETTLED)
    focus = page.evaluate(FOCUS, selector)
    assert focus["visible"], f"the focus does not show on {focus['html']}: {focus['why']}"
    return focus["matches"]


def test_from_the_home_page_to_a_copied_template_with_the_keyboard_alone(book_page, book_server):
    (page, log), (server, site) = book_page, book_server
    prompts = json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
    skills = {s["id"] for s in json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]}
    template = next(p for p in prompts if p["title"] == "Generic Skill Request")
    assert len(template["placeholders"]) >= 5, template["placeholders"]

    page.goto(server.url("/"))
    # Material's and Skillbook's scripts have run on the page (`document$` hands
    # it to this late subscriber after them).
    page.evaluate("() => new Promise(done => document$.subscribe(() => done()))")
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
    assert shown_focus_on(page, f"{card} select.sb-assistant")
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
        assert shown_focus_on(page, f"{card} input[data-sb-field='{name}']")
        assert page.locator(f"{card} input[data-sb-field='{name}']").input_value() == values[name]
    expected = composed(prompt_parts(template["text"], skills), assistant, values)
    assert code.text_content() == expected

    # The card's "Copy prompt" button, pressed with Enter.
    tab_to(page, f"{card} button.md-code__button[data-md-type=copy]", "Shift+Tab")  # the prompt is above the form
    assert copy_via(page, lambda: page.keyboard.press("Enter")) == expected
    page.get_by_role("status").get_by_text("Prompt copied").wait_for()
    log.assert_clean()

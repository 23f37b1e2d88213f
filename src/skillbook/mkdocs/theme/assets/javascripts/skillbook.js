// Sortable tables (the skills catalog and every skills table), through the
// vendored tablesort library. document$ re-runs this after each instant navigation.
// A column of counts sorts largest first on its first click (tablesort's
// data-sort-reverse): readers look for the skills with the most prompts.
document$.subscribe(function () {
  document.querySelectorAll("article table:not([class])").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead ? table.tHead.rows[0].cells : [], function (heading, column) {
      var cells = Array.prototype.map.call(table.tBodies[0].rows, function (row) { return row.cells[column] })
      if (cells.length && cells.every(function (cell) { return cell && /^\d+$/.test(cell.textContent.trim()) })) {
        heading.setAttribute("data-sort-reverse", "")
      }
    })
    new Tablesort(table)
  })
})

// "Copy link" on prompt cards: a link to the prompt's page that copies its
// absolute URL through Material's clipboard integration instead of opening it.
document$.subscribe(function () {
  document.querySelectorAll("a[data-sb-copy]").forEach(function (link) {
    link.setAttribute("data-clipboard-text", link.href)
    link.addEventListener("click", function (event) { event.preventDefault() })
  })
})

// A prompt is copied exactly as written: Material's copy button trims the end of
// the text it copies (trailing spaces, tabs, a blank last line), so a prompt's
// button copies the card's own text (percent-encoded in data-sb-prompt, which
// survives Markdown exactly). Capture runs before the copy handler, which also
// lets the confirmation below say what the click copies.
var copiedMessage = null
document.addEventListener("click", function (event) {
  var trigger = event.target.closest && event.target.closest("[data-clipboard-target], [data-clipboard-text]")
  if (!trigger) return
  var code = trigger.hasAttribute("data-clipboard-target") && document.querySelector(trigger.getAttribute("data-clipboard-target"))
  var prompt = code && code.closest("pre[data-sb-prompt]")
  // As shown: in the reader's assistant's form, with their values (prompt-tools.js).
  if (prompt) trigger.setAttribute("data-clipboard-text", window.skillbookPrompt
    ? window.skillbookPrompt(prompt) : decodeURIComponent(prompt.getAttribute("data-sb-prompt")))
  copiedMessage = prompt ? "Prompt copied" : trigger.matches("a[data-sb-copy]") ? "Link copied"
    : trigger.getAttribute("data-sb-copied")
}, true)

// Material confirms a copy in its dialog with one message for everything
// ("Copied to clipboard"); ours say what was copied. The dialog becomes a status
// region, so that screen readers announce the message. It lives outside the
// content that instant navigation replaces: set up once.
var dialog = document.querySelector(".md-dialog")
var dialogText = dialog && dialog.querySelector(".md-dialog__inner")
if (dialogText) {
  dialog.setAttribute("role", "status")
  new MutationObserver(function () {
    if (copiedMessage && dialogText.textContent !== copiedMessage) dialogText.textContent = copiedMessage
  }).observe(dialogText, { childList: true, characterData: true, subtree: true })
}

// Material's search dialog has no accessible name; screen readers announce this one.
document.querySelector(".md-search[role=dialog]")?.setAttribute("aria-label", "Search")

// Material puts each code block's buttons in a <nav>: a page with several code
// blocks had as many navigation landmarks, with nothing to tell them apart
// (axe-core's landmark-unique), crowding the landmarks a screen reader lists
// with "navigation" after "navigation". A code block's buttons are not a way
// around the site: they are made plain buttons again.
document$.subscribe(function () {
  document.querySelectorAll("nav.md-code__nav").forEach(function (nav) { nav.setAttribute("role", "none") })
})

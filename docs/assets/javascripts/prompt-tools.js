// The reader's tools on prompt cards: which assistant the prompts are written
// for, the values of their [placeholders], and copying a card as Markdown. The
// controls are in the page (the card template); this gives them their effect.
//
// A card's prompt arrives in parts (data-sb-parts on its <pre>, written by the
// book from its skills and its placeholder rule): text, skill invocations and
// placeholder fields. The text shown and copied is composed from them: an
// invocation in the chosen assistant's form, a field with the reader's value
// when there is one. Everything else stays byte for byte, and without this
// script (or with "As written" and no values) the card shows the book's text.
// Choices live in this browser only (localStorage), so they follow the reader
// across pages, reloads and instant navigation.
(function () {
  var ASSISTANT_KEY = "skillbook.assistant"
  var FIELDS_KEY = "skillbook.fields"
  var assistants = JSON.parse((document.getElementById("sb-assistants") || {}).textContent || "[]")

  function stored(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback } catch (error) { return fallback }
  }

  function store(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)) } catch (error) { /* private mode: this page only */ }
  }

  function assistant() {
    var name = stored(ASSISTANT_KEY, null)
    return assistants.find(function (a) { return a.name === name }) || assistants[0]
  }

  function decoded(value) { return JSON.parse(decodeURIComponent(value)) }

  function filled(text, values) {
    return text.replace(/\[([^\]]+)\]/g, function (field, name) { return values[name] || field })
  }

  // The prompt as the reader wants it: the first invocation (before any other
  // text) in the assistant's invoke form, later ones in its mention form.
  function composed(pre) {
    var parts = decoded(pre.getAttribute("data-sb-parts"))
    var chosen = assistant()
    var values = stored(FIELDS_KEY, {})
    var opening = true
    return parts.map(function (part) {
      var kind = part[0], value = part[1]
      if (kind === "skill") {
        var form = opening ? chosen.invoke : chosen.mention
        opening = false
        return form.replace("{skill}", function () { return filled(value, values) })
      }
      if (kind === "field") return values[value] || "[" + value + "]"
      if (value.trim()) opening = false
      return value
    }).join("")
  }
  window.skillbookPrompt = composed

  function refresh() {
    document.querySelectorAll("pre[data-sb-parts]").forEach(function (pre) {
      var code = pre.querySelector("code")
      var text = composed(pre)
      if (code.textContent !== text) code.textContent = text
    })
    document.querySelectorAll("select.sb-assistant").forEach(function (select) { select.value = assistant().name })
    // A skill page's install command: into the chosen assistant's skills folder.
    document.querySelectorAll("[data-sb-install]").forEach(function (box) {
      var install = decoded(box.getAttribute("data-sb-install"))[assistant().name]
      if (!install) return
      var folder = box.querySelector(".sb-install__folder")
      var code = box.querySelector(".sb-install__command code")
      if (folder.textContent !== install.folder) folder.textContent = install.folder
      if (code.textContent !== install.command) code.textContent = install.command
    })
    var values = stored(FIELDS_KEY, {})
    document.querySelectorAll("input[data-sb-field]").forEach(function (input) {
      if (input !== document.activeElement) input.value = values[input.getAttribute("data-sb-field")] || ""
    })
  }

  // "Copy as Markdown": the card's title, context, prompt (in a fence longer
  // than any run of backticks it holds) and expected output.
  function markdown(card, pre) {
    var about = decoded(card.getAttribute("data-sb-markdown"))
    var prompt = composed(pre)
    var longest = Math.max.apply(null, [2].concat((prompt.match(/`+/g) || []).map(function (run) { return run.length })))
    var fence = new Array(longest + 2).join("`")
    var lines = ["## " + about.title, ""]
    if (about.context !== null) lines.push("**Context:** " + about.context, "")
    lines.push(fence + "text", prompt, fence)
    if (about.expected !== null) lines.push("", "**Expected Output:** " + about.expected)
    return lines.join("\n") + "\n"
  }

  function setUp() {
    if (!assistants.length) return
    document.querySelectorAll("select.sb-assistant").forEach(function (select) {
      select.addEventListener("change", function () {
        store(ASSISTANT_KEY, select.value)
        refresh()
      })
    })
    document.querySelectorAll("article.sb-prompt").forEach(function (card) {
      var pre = card.querySelector("pre[data-sb-parts]")
      var copy = card.querySelector("button.sb-copy-markdown")
      // Material's clipboard integration copies data-clipboard-text on click;
      // this capture-phase listener sets it first.
      if (pre && copy) copy.addEventListener("click", function () {
        copy.setAttribute("data-clipboard-text", markdown(card, pre))
      }, true)
    })
    document.querySelectorAll("input[data-sb-field]").forEach(function (input) {
      var name = input.getAttribute("data-sb-field")
      input.addEventListener("input", function () {
        var values = stored(FIELDS_KEY, {})
        if (input.value) values[name] = input.value
        else delete values[name]
        store(FIELDS_KEY, values)
        refresh()
      })
    })
    document.querySelectorAll("button.sb-clear").forEach(function (clear) {
      clear.addEventListener("click", function () {
        store(FIELDS_KEY, {})
        refresh()
      })
    })
    refresh()
  }

  document$.subscribe(setUp)
  // Another tab's choice: follow it.
  addEventListener("storage", function (event) {
    if (event.key === ASSISTANT_KEY || event.key === FIELDS_KEY) refresh()
  })
})()

// The reader's tools on prompt cards: which assistant the prompts are written
// for, the values of their [placeholders], and copying a card as Markdown. The
// controls are in the page (the card template); this gives them their effect.
//
// A card's prompt arrives in parts (data-sb-parts on its <pre>, written by the
// book from its skills and its placeholder rule, skillbook.placeholders): text,
// skill invocations and fields, each field naming its slot. The text shown and
// copied is composed from them: an invocation in the chosen assistant's form, a
// field with its slot's value when there is one. Everything else stays byte for
// byte, and without this script (or with "As written" and no values) the card
// shows the book's text.
//
// Choices live in this browser only (localStorage), so they follow the reader
// across pages, reloads and instant navigation. Values are kept per prompt; a
// slot this prompt has no value for takes the latest value of the slot of the
// same name and label in another prompt (so "Historical data: [duration]" takes
// nothing from "Deadline: [duration]"), and its field says so and can be
// cleared. A cleared field stays empty.
(function () {
  var ASSISTANT_KEY = "skillbook.assistant"
  var SLOTS_KEY = "skillbook.slots"
  var WIDE = "(min-width: 60em)"
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

  // A value filled into an invocation, as an id's part: lower case, every run
  // of other characters a hyphen (skillbook.placeholders.invocation_id).
  function invocationId(value) {
    return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
  }

  function filledSkill(skill, values) {
    return skill.replace(/\[([^\]]+)\]/g, function (field, name) { return invocationId(values[name] || "") || field })
  }

  // The values of a prompt's slots, by key: its own, else another prompt's
  // latest value for a slot of the same name and label (its data-sb-share),
  // marked as such in `from`. Values are stored by that name and label.
  function slotValues(id, fields) {
    var all = stored(SLOTS_KEY, {})
    var own = all[id] || {}
    var values = {}, from = {}
    fields.forEach(function (field) {
      if (Object.prototype.hasOwnProperty.call(own, field.share)) { values[field.key] = own[field.share]; return }
      Object.keys(all).forEach(function (other) {
        if (other !== id && all[other][field.share]) { values[field.key] = all[other][field.share]; from[field.key] = other }
      })
    })
    return { values: values, from: from }
  }

  function setOwn(id, changes) {
    var all = stored(SLOTS_KEY, {})
    var own = all[id] || {}
    Object.keys(changes).forEach(function (share) { own[share] = changes[share] })
    delete all[id]
    all[id] = own  // the latest written last, so its values are the ones offered elsewhere
    store(SLOTS_KEY, all)
  }

  function fieldsOf(card) {
    return Array.prototype.map.call(card.querySelectorAll("[data-sb-field]"), function (input) {
      return { key: input.getAttribute("data-sb-field"), share: input.getAttribute("data-sb-share") }
    })
  }

  function cardValues(pre) {
    var card = pre.closest("[data-sb-id]")
    return card ? slotValues(card.getAttribute("data-sb-id"), fieldsOf(card)) : { values: {}, from: {} }
  }

  // The prompt as the reader wants it: the first invocation (before any other
  // text) in the assistant's invoke form, later ones in its mention form.
  function composed(pre, values) {
    var parts = decoded(pre.getAttribute("data-sb-parts"))
    var chosen = assistant()
    values = values || cardValues(pre).values
    var opening = true
    return parts.map(function (part) {
      var kind = part[0], value = part[1]
      if (kind === "skill") {
        var form = opening ? chosen.invoke : chosen.mention
        opening = false
        return form.replace("{skill}", function () { return filledSkill(value, values) })
      }
      if (kind === "field") return values[part[2]] || "[" + value + "]"
      if (value.trim()) opening = false
      return value
    }).join("")
  }
  window.skillbookPrompt = composed

  // The estimate of skillbook.tokens, for the prompt as filled in: a word one
  // token per 6.5 letters, a run of up to three digits one, punctuation one per
  // two characters, a run of white space one.
  function roundHalfEven(number) {
    var floor = Math.floor(number), rest = number - floor
    return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor
  }
  function estimatedTokens(text) {
    var total = 0
    ;(text.match(/ ?[A-Za-z]+| ?\d{1,3}| ?[^\sA-Za-z\d]+|\s+/g) || []).forEach(function (match) {
      var piece = match.replace(/^ +/, "") || " "
      if (/^\p{L}/u.test(piece)) total += Math.max(1, roundHalfEven(piece.length / 6.5))
      else if (/^\d/.test(piece) || !piece.trim()) total += 1
      else total += Math.max(1, roundHalfEven(piece.length / 2))
    })
    return total
  }
  window.skillbookTokens = estimatedTokens

  // What the card tells a reader whose value makes an invocation no skill of the book.
  function skillNote(pre, values) {
    var choices = decoded(pre.getAttribute("data-sb-choices") || "null")
    if (!choices) return ""
    var missing = decoded(pre.getAttribute("data-sb-parts")).filter(function (part) {
      return part[0] === "skill" && part[1].indexOf("[") >= 0
    }).map(function (part) { return filledSkill(part[1], values) }).filter(function (skill) {
      return skill.indexOf("[") < 0 && choices.indexOf(skill) < 0
    })
    if (!missing.length) return ""
    return "This book has no skill @" + missing[0] + (choices.length
      ? "; it has " + choices.map(function (skill) { return "@" + skill }).join(", ") + "." : ".")
  }

  function refresh() {
    document.querySelectorAll("pre[data-sb-parts]").forEach(function (pre) {
      var card = pre.closest("article.sb-prompt") || document
      var code = pre.querySelector("code")
      var slots = cardValues(pre)
      var text = composed(pre, slots.values)
      if (code.textContent !== text) code.textContent = text
      var filled = Object.keys(slots.values).some(function (key) { return slots.values[key] })
      var tokens = card.querySelector(".sb-tokens")
      if (tokens && filled) tokens.textContent = "≈ " + estimatedTokens(text) + " tokens"
      var note = card.querySelector(".sb-skill-note")
      if (note && note.textContent !== skillNote(pre, slots.values)) note.textContent = skillNote(pre, slots.values)
      card.querySelectorAll("[data-sb-field]").forEach(function (input) {
        var key = input.getAttribute("data-sb-field")
        if (input !== document.activeElement) input.value = slots.values[key] || ""
        input.closest(".sb-field").querySelector(".sb-field__from").hidden = !(key in slots.from)
      })
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
      var id = card.getAttribute("data-sb-id")
      var pre = card.querySelector("pre[data-sb-parts]")
      var copy = card.querySelector("button.sb-copy-markdown")
      // Material's clipboard integration copies data-clipboard-text on click;
      // this capture-phase listener sets it first.
      if (pre && copy) copy.addEventListener("click", function () {
        copy.setAttribute("data-clipboard-text", markdown(card, pre))
      }, true)
      var form = card.querySelector("details.sb-fields")
      if (!form) return
      // On a wide screen the form is open; on a phone the prompt stays first
      // and the reader opens the form.
      if (matchMedia(WIDE).matches) form.open = true
      form.querySelectorAll("[data-sb-field]").forEach(function (input) {
        var change = {}
        input.addEventListener("input", function () {
          change[input.getAttribute("data-sb-share")] = input.value
          setOwn(id, change)
          refresh()
        })
        input.closest(".sb-field").querySelector(".sb-field__clear").addEventListener("click", function () {
          change[input.getAttribute("data-sb-share")] = ""
          setOwn(id, change)
          refresh()
          input.focus()
        })
      })
      form.querySelector("button.sb-clear").addEventListener("click", function () {
        var cleared = {}
        form.querySelectorAll("[data-sb-field]").forEach(function (input) { cleared[input.getAttribute("data-sb-share")] = "" })
        setOwn(id, cleared)
        refresh()
      })
    })
    refresh()
  }

  document$.subscribe(setUp)
  // Another tab's choice: follow it.
  addEventListener("storage", function (event) {
    if (event.key === ASSISTANT_KEY || event.key === SLOTS_KEY) refresh()
  })
})()

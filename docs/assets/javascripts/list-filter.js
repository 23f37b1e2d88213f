// Filters for the long lists of the book: the skills catalog and the prompt
// library. The page lists everything (and still does without JavaScript); this
// adds a box that matches as you type and choices by part or chapter and by
// skill. Items carry what they are filtered by (data-sb-item and its data-sb-*
// attributes, written by the book's templates); the headings over items that
// all hide, hide with them.
// The filter lives in the address (?q=debug&chapter=16&skill=docker-expert), so
// a filtered view can be shared, and a status line tells screen readers how
// many items match.
document$.subscribe(function () {
  var list = document.querySelector("[data-sb-filter]")
  if (!list) return
  // An item's marker is its link (the templates can set attributes on a link
  // only); the item is the card or the row that holds it.
  var markers = Array.prototype.slice.call(list.querySelectorAll("[data-sb-item]"))
  var items = markers.map(function (marker) { return marker.closest("li, tr") || marker })
  var noun = list.getAttribute("data-sb-filter")  // "skills" or "prompts"
  var params = new URLSearchParams(location.search)

  var form = document.createElement("form")
  form.className = "sb-filter"
  form.setAttribute("role", "search")
  form.setAttribute("aria-label", "Filter the " + noun)
  form.addEventListener("submit", function (event) { event.preventDefault() })

  var box = field(form, "Filter", document.createElement("input"))
  box.type = "search"
  box.name = "q"
  box.placeholder = noun === "skills" ? "id, purpose, best for" : "title, context"
  // On a first load, main.html took ?q= away from Material's search.
  box.value = window.skillbookFilterText || params.get("q") || ""
  window.skillbookFilterText = null

  var choices = [
    choice("chapter", "Part or chapter", "All parts and chapters", list.getAttribute("data-sb-chapters")),
    choice("skill", "Skill", "All skills", list.getAttribute("data-sb-skills")),
  ].filter(Boolean)

  var status = document.createElement("p")
  status.className = "sb-filter__status"
  status.setAttribute("role", "status")
  form.appendChild(status)
  list.parentNode.insertBefore(form, list)

  box.addEventListener("input", apply)
  choices.forEach(function (select) { select.addEventListener("change", apply) })
  apply()

  function field(parent, caption, control) {
    var label = document.createElement("label")
    var span = document.createElement("span")
    span.textContent = caption
    label.append(span, control)
    parent.appendChild(label)
    return control
  }

  // A select from the list's data-sb-<name>s: a JSON list of [value, label].
  function choice(name, caption, all, options) {
    if (!options) return null
    var select = field(form, caption, document.createElement("select"))
    select.name = name
    select.add(new Option(all, ""))
    JSON.parse(options).forEach(function (option) { select.add(new Option(option[1], option[0])) })
    select.value = params.get(name) || ""
    if (select.selectedIndex < 0) select.value = ""
    return select
  }

  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean)
    var wanted = {}
    choices.forEach(function (select) { if (select.value) wanted[select.name] = select.value })
    var shown = 0
    items.forEach(function (item, index) {
      var text = item.textContent.toLowerCase()
      var match = words.every(function (word) { return text.indexOf(word) >= 0 }) &&
        Object.keys(wanted).every(function (name) {
          return (markers[index].getAttribute("data-sb-" + name) || "").split(" ").indexOf(wanted[name]) >= 0
        })
      item.hidden = !match
      shown += match
    })
    hideEmptyHeadings()
    status.textContent = shown === items.length
      ? "All " + items.length + " " + noun
      : shown + " of " + items.length + " " + noun + " match"
    var url = new URL(location.href)
    ;[box].concat(choices).forEach(function (control) {
      if (control.value) url.searchParams.set(control.name, control.value)
      else url.searchParams.delete(control.name)
    })
    history.replaceState(history.state, "", url)
  }

  // A heading hides when every item under it (up to the next heading of its
  // level or above) is hidden; so does a grid of cards.
  function hideEmptyHeadings() {
    list.querySelectorAll(".grid").forEach(function (grid) {
      grid.hidden = !items.some(function (item) { return !item.hidden && grid.contains(item) })
    })
    var headings = Array.prototype.slice.call(list.querySelectorAll("h2, h3, h4, h5"))
    headings.reverse().forEach(function (heading) {
      var level = +heading.tagName[1]
      var visible = false
      for (var node = next(heading); node; node = next(node)) {
        if (/^H[2-5]$/.test(node.tagName) && +node.tagName[1] <= level) break
        if (items.some(function (item) { return !item.hidden && node.contains(item) })) {
          visible = true
          break
        }
      }
      heading.hidden = !visible
    })
  }

  function next(node) { return node.nextElementSibling }
})

// Filters for the long lists of the book: the skills catalog and the prompt
// library. The page lists everything (and still does without JavaScript); the
// filter (its form is in the page, from the _filter.md template) matches as you
// type and chooses by part or chapter and by skill. Items carry what they are
// filtered by (data-sb-item and its data-sb-* attributes, written by the book's
// templates); the headings over items that all hide, hide with them. The filter
// lives in the address (?q=debug&chapter=16&skill=docker-expert), so a filtered
// view can be shared, and its status line tells screen readers how many match.
document$.subscribe(function () {
  var list = document.querySelector("[data-sb-filter]")
  var form = document.querySelector("form.sb-filter")
  if (!list || !form) return
  // An item's marker is its link (the templates can set attributes on a link
  // only); the item is the card or the row that holds it.
  var markers = Array.prototype.slice.call(list.querySelectorAll("[data-sb-item]"))
  var items = markers.map(function (marker) { return marker.closest("li, tr") || marker })
  var noun = list.getAttribute("data-sb-filter")  // "skills" or "prompts"
  var params = new URLSearchParams(location.search)
  var box = form.elements.q
  var choices = Array.prototype.filter.call(form.elements, function (control) { return control.tagName === "SELECT" })
  var status = form.querySelector("[role=status]")

  // On a first load, main.html took ?q= away from Material's search.
  box.value = window.skillbookFilterText || params.get("q") || ""
  window.skillbookFilterText = null
  choices.forEach(function (select) {
    select.value = params.get(select.name) || ""
    if (select.selectedIndex < 0) select.value = ""
  })

  // A long list shows its first rows (data-sb-first, in the order a sort
  // chose) until the reader filters or asks for all.
  var first = +list.getAttribute("data-sb-first") || 0
  var showAll = false
  var showAllButton = list.parentNode.querySelector("[data-sb-show-all]")
  if (showAllButton) showAllButton.addEventListener("click", function () { showAll = true; apply() })

  form.addEventListener("submit", function (event) { event.preventDefault() })
  box.addEventListener("input", apply)
  choices.forEach(function (select) { select.addEventListener("change", apply) })
  apply()

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
      if (item.hidden === match) item.hidden = !match
      shown += match
    })
    hideEmptyHeadings()
    var filtered = shown < items.length
    var all = showAll || filtered || !first
    list.classList.toggle("sb-all", all)
    status.textContent = filtered ? shown + " of " + items.length + " " + noun + " match"
      : all ? "All " + items.length + " " + noun
      : "The first " + first + " of " + items.length + " " + noun + ": filter them, or show all"
    var url = new URL(location.href)
    ;[box].concat(choices).forEach(function (control) {
      if (control.value) url.searchParams.set(control.name, control.value)
      else url.searchParams.delete(control.name)
    })
    if (url.href !== location.href) history.replaceState(history.state, "", url)
  }

  // A heading hides when every item under it (up to the next heading of its
  // level or above) is hidden; so does a grid of cards.
  function hideEmptyHeadings() {
    list.querySelectorAll(".grid").forEach(function (grid) {
      var hidden = !items.some(function (item) { return !item.hidden && grid.contains(item) })
      if (grid.hidden !== hidden) grid.hidden = hidden
    })
    var headings = Array.prototype.slice.call(list.querySelectorAll("h2, h3, h4, h5"))
    headings.reverse().forEach(function (heading) {
      var level = +heading.tagName[1]
      var visible = false
      for (var node = heading.nextElementSibling; node; node = node.nextElementSibling) {
        if (/^H[2-5]$/.test(node.tagName) && +node.tagName[1] <= level) break
        if (items.some(function (item) { return !item.hidden && node.contains(item) })) {
          visible = true
          break
        }
      }
      if (heading.hidden === visible) heading.hidden = !visible
    })
  }
})

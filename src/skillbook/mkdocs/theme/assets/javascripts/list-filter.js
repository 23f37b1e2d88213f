// Filters for the long lists of the book: the skills catalog and the prompt
// library. The page lists everything (and still does without JavaScript); the
// filter (its form is in the page, from the _filter.md template) matches as you
// type and chooses by part or chapter and by skill. Items carry what they are
// filtered by (data-sb-item and its data-sb-* attributes, written by the book's
// templates); the headings over items that all hide, hide with them. The filter
// lives in the address (?q=debug&chapter=16&skill=docker-expert), so a filtered
// view can be shared, and its status line tells screen readers how many match.
// The words typed match in any order; the items that hold the most of them are
// shown (all of them when some item holds them all), and under the status a
// link runs the same words as a search of the whole book, saying how many pages
// it finds (window.skillbookSearchCount, the theme's main.html), so that a filter
// that finds little or nothing is never the end of the road.
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
  var searchLink = form.querySelector("[data-sb-search]")
  var counted = 0  // the filter's words counted by search so far: only the last count shows

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
    var words = box.value.toLowerCase().split(/\s+/).filter(function (word, index, all) {
      return word && all.indexOf(word) === index
    })
    var wanted = {}
    choices.forEach(function (select) { if (select.value) wanted[select.name] = select.value })
    // How many of the words each item holds (-1: the choices leave it out).
    var held = items.map(function (item, index) {
      var chosen = Object.keys(wanted).every(function (name) {
        return (markers[index].getAttribute("data-sb-" + name) || "").split(" ").indexOf(wanted[name]) >= 0
      })
      if (!chosen) return -1
      var text = item.textContent.toLowerCase()
      return words.filter(function (word) { return text.indexOf(word) >= 0 }).length
    })
    var most = Math.max.apply(null, held)
    var shown = 0
    items.forEach(function (item, index) {
      var match = held[index] >= 0 && held[index] === most && (most > 0 || !words.length)
      if (item.hidden === match) item.hidden = !match
      shown += match
    })
    hideEmptyHeadings()
    var filtered = shown < items.length
    var all = showAll || filtered || !first
    list.classList.toggle("sb-all", all)
    status.textContent = words.length && shown && most < words.length
      ? shown + " of " + items.length + " " + noun + " match " + most + " of the " + words.length + " words, none all"
      : filtered ? shown + " of " + items.length + " " + noun + " match"
      : all ? "All " + items.length + " " + noun
      : "The first " + first + " of " + items.length + " " + noun + ": filter them, or show all"
    offerSearch(box.value.trim().replace(/\s+/g, " "))
    var url = new URL(location.href)
    ;[box].concat(choices).forEach(function (control) {
      if (control.value) url.searchParams.set(control.name, control.value)
      else url.searchParams.delete(control.name)
    })
    if (url.href !== location.href) history.replaceState(history.state, "", url)
  }

  // The words typed, as a search of the whole book, with how many pages search
  // finds: the link opens Material's search on them here, as a reader would by
  // typing them into it (its address, the home page's search deep link, is for
  // opening in a new tab: instant navigation would not open search).
  searchLink.addEventListener("click", function (event) {
    var search = document.querySelector("input.md-search__input")
    if (!search || event.ctrlKey || event.metaKey || event.shiftKey) return
    // Instant navigation would follow the link (it does not ask whether the click
    // was handled) and close search on the way: the click stops here.
    event.preventDefault()
    event.stopPropagation()
    search.value = searchLink.getAttribute("data-sb-search")
    // Open search as Material's own shortcut does, by its toggle.
    var toggle = document.querySelector("[data-md-toggle=search]")
    if (toggle && !toggle.checked) {
      toggle.checked = true
      toggle.dispatchEvent(new Event("change"))
    }
    search.focus()  // Material reads the box on keyup
    search.dispatchEvent(new KeyboardEvent("keyup"))
  })

  function offerSearch(query) {
    searchLink.hidden = !query
    if (!query) return
    var home = document.querySelector("a.md-logo")  // Material's header links to the home page
    var url = new URL(home ? home.href : location.href)
    url.searchParams.set("q", query)
    searchLink.href = url.href
    searchLink.setAttribute("data-sb-search", query)
    searchLink.textContent = "Search the whole book for \u201c" + query + "\u201d"
    var asked = ++counted
    if (window.skillbookSearchCount) window.skillbookSearchCount(query, function (pages) {
      if (asked !== counted) return
      searchLink.textContent = "Search the whole book for \u201c" + query + "\u201d: " +
        (pages === 1 ? "1 page" : pages + " pages")
    })
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

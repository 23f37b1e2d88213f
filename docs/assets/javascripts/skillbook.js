// Sortable tables (the skills catalog and every skills table), through the
// vendored tablesort library. document$ re-runs this after each instant navigation.
document$.subscribe(function () {
  document.querySelectorAll("article table:not([class])").forEach(function (table) {
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

// Material's search dialog has no accessible name; screen readers announce this one.
document.querySelector(".md-search[role=dialog]")?.setAttribute("aria-label", "Search")

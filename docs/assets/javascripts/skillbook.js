// Sortable tables (the skills catalog and every skills table), through the
// vendored tablesort library. document$ re-runs this after each instant navigation.
document$.subscribe(function () {
  document.querySelectorAll("article table:not([class])").forEach(function (table) {
    new Tablesort(table)
  })
})

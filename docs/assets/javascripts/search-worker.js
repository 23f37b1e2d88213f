// Skillbook's search worker. Material's own worker (loaded below, from the
// address Material configured) does all the searching: the index, lunr's
// ranking by word, highlighting. Readers of a book of skills and prompts mostly
// search for one skill or one prompt they were told about, which ranking by word
// cannot put first among hundreds of "*-expert" skills and prompts that name them.
// So this worker reorders Material's results, and keeps their order otherwise:
// - a skill's exact id, with or without its "@", puts that skill's page first;
// - a prompt's exact title puts that prompt's page first;
// - a query starting with "@" lists skills before anything else, first those
//   whose id starts with what was typed, by id ("@dock" offers @docker-expert);
// - a page's first tag is its kind (Skill, Prompt, Chapter, Appendix...): it
//   becomes a label in front of the page's title, Material's tag style, so that
//   it is seen at a glance and read first.
//
// At the scale of the book, the index takes most of the time to a first result:
// loading it (about 1 MB) and building lunr's index of every word of about 1,000
// pages. So the page loads, and Material's worker builds, an index of the pages'
// titles alone (the build's hook writes it), which is quick and is where skill
// ids and prompt titles are; this worker loads the whole index itself, off the
// page's thread, and has Material build it after the first query, or a second
// after the page loaded when nobody searches. A query answered from the titles
// is answered again once the whole index is built; one that titles cannot
// answer waits for it.
// The messages are Material's (SearchMessageType in its worker source).
var SETUP = 0
var READY = 1
var QUERY = 2
var RESULT = 3
var SKILL = "Skill"
var PROMPT = /^Prompt\b/
var FULL_INDEX_DELAY_MS = 1000

var address = new URL(location.href).searchParams
var lastQuery = ""
var wholeIndexPending = true  // until Material has built it (or it cannot be loaded)
var wholeIndex = null         // loaded, not yet built
var searched = false
var answeredFromTitles = false
var forwarding = false

addEventListener("message", function (event) {
  var message = event.data
  if (message.type === SETUP && !forwarding) {
    event.stopImmediatePropagation()
    forward(message)
    loadWholeIndex(message.data.options)
  } else if (message.type === QUERY) {
    lastQuery = message.data
    answeredFromTitles = wholeIndexPending
  }
})

importScripts(address.get("material"))

// Hands a message to Material's worker, as if it came from the page.
function forward(message) {
  forwarding = true
  dispatchEvent(new MessageEvent("message", { data: message }))
  forwarding = false
}

function loadWholeIndex(options) {
  fetch(address.get("index"))
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status) })
    .then(function (data) {
      wholeIndex = { config: data.config, docs: data.docs, options: options }
      setTimeout(buildWholeIndex, searched ? 0 : FULL_INDEX_DELAY_MS)
    })
    .catch(function () {  // the titles are all there is: answer from them
      wholeIndexPending = false
      if (answeredFromTitles) forward({ type: QUERY, data: lastQuery })
    })
}

function buildWholeIndex() {
  if (wholeIndex === null) return
  var setup = wholeIndex
  wholeIndex = null
  forward({ type: SETUP, data: setup })
}

// Material's worker answers through the global postMessage, once per message and
// before the next message is read, so lastQuery is the query being answered.
var postToPage = self.postMessage
var ready = false
self.postMessage = function (message) {
  if (message.type === READY) {
    if (ready) {  // the whole index: the page knows search is ready already
      wholeIndexPending = false
      if (answeredFromTitles) forward({ type: QUERY, data: lastQuery })
      return
    }
    ready = true
  } else if (message.type === RESULT) {
    if (wholeIndexPending) {
      searched = true
      setTimeout(buildWholeIndex)  // a reader is searching: now, if it is loaded
      if (!message.data.items.length) return  // titles found nothing: wait for it
    }
    message.data.items = ranked(message.data.items, lastQuery)
  }
  postToPage.call(self, message)
}

function ranked(groups, query) {
  var typed = normalised(query)
  var skillsFirst = typed.charAt(0) === "@"
  var id = skillsFirst ? typed.slice(1) : typed
  var rank = groups.map(function (group, order) {
    var page = group.find(function (item) { return item.location.indexOf("#") < 0 }) || group[0]
    var kind = page.tags ? text(page.tags[0]) : ""
    var title = normalised(text(page.title))
    var exact = kind === SKILL ? title === "@" + id : PROMPT.test(kind) && title === typed
    var prefix = skillsFirst && kind === SKILL && title.indexOf("@" + id) === 0
    var score = exact ? 0 : !skillsFirst ? 4 : kind !== SKILL ? 3 : prefix ? 1 : 2
    group.forEach(function (item) {
      delete item.tags
      item.text = excerpt(item.text)
    })
    if (kind) page.title = '<span class="md-tag">' + escaped(kind) + "</span> " + page.title
    // Skills whose id starts with what was typed are listed as in an index, by id.
    return { group: group, score: score, order: order, key: prefix ? title : "" }
  })
  rank.sort(function (a, b) {
    return a.score - b.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order)
  })
  return rank.map(function (entry) { return entry.group })
}

// A result shows a few lines around the first word found, not a whole section
// (a prompt's words would fill the panel): the section's text, its markup
// reduced to Material's <mark> highlights, cut at words to EXCERPT_CHARACTERS.
var EXCERPT_CHARACTERS = 220

function excerpt(html) {
  var flat = String(html).replace(/<(?!\/?mark>)[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  var plain = flat.replace(/<\/?mark>/g, "")
  if (plain.length <= EXCERPT_CHARACTERS) return html
  // Positions in the flat text of each character of the plain one.
  var at = []
  for (var i = 0; i < flat.length; i++) {
    var tag = /^<\/?mark>/.exec(flat.slice(i))
    if (tag) { i += tag[0].length - 1; continue }
    at.push(i)
  }
  var first = flat.indexOf("<mark>")
  var centre = first < 0 ? 0 : at.findIndex(function (position) { return position > first })
  var start = Math.max(0, Math.min(centre - EXCERPT_CHARACTERS / 3, plain.length - EXCERPT_CHARACTERS))
  var end = Math.min(plain.length, start + EXCERPT_CHARACTERS)
  start = start ? plain.indexOf(" ", start) + 1 : 0
  end = end < plain.length ? plain.lastIndexOf(" ", end) : plain.length
  var cut = flat.slice(at[start], end < plain.length ? at[end] : flat.length)
  // A <mark> cut in two is closed or opened again.
  if ((cut.match(/<mark>/g) || []).length > (cut.match(/<\/mark>/g) || []).length) cut += "</mark>"
  if (/^[^<]*<\/mark>/.test(cut)) cut = "<mark>" + cut
  return "<p>" + (start ? "… " : "") + cut + (end < plain.length ? " …" : "") + "</p>"
}

// Titles and tags arrive as HTML, with Material's <mark> highlights in them.
function text(html) {
  return String(html).replace(/<[^>]*>/g, "").replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot);/gi, function (entity, name) {
    var named = { amp: "&", lt: "<", gt: ">", quot: '"' }[name.toLowerCase()]
    if (named) return named
    return String.fromCodePoint(name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10))
  })
}

function escaped(value) {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

function normalised(value) {
  return String(value).trim().replace(/\s+/g, " ").toLowerCase()
}

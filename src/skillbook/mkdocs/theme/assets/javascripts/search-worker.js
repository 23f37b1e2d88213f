// Skillbook's search worker, in Material's place (the theme's main.html). It speaks
// Material's protocol (SearchMessageType in Material's worker source: the page
// sends SETUP with the index it loaded, then a QUERY each time the box changes;
// the worker answers READY, then a RESULT a query), and runs in two roles:
//
// - The answering worker (this script as Material's page starts it) answers every
//   query at once from a table of the pages' titles, which is where skill ids and
//   prompt titles are, and then again from the whole index. Readers of a book of
//   skills mostly search for one skill or one prompt they were told about, so it
//   orders every answer:
//   - a skill's exact id, with or without its "@", puts that skill's page first;
//   - a prompt's exact title puts that prompt's page first;
//   - a query starting with "@" lists skills before anything else, first those
//     whose id starts with what was typed, by id ("@dock" offers @docker-expert);
//   - other queries keep the index's order, pages without content (a skill with
//     no prompt yet, whose search boost is below 1: skill-page.md) after the rest;
//   - a page's first tag is its kind (Skill, Prompt, Chapter, Appendix...): it
//     becomes a label in front of the page's title, Material's tag style.
// - The whole index's worker (this script again, started by the answering one with
//   role=index) runs Material's own worker, which builds lunr's index of every
//   word and answers queries by word. A search there takes from tens to hundreds
//   of milliseconds at the book's size (bench/README.md), and cannot be stopped
//   once started; in a worker of its own it never delays the answer from titles.
//   The answering worker hands it only the last query typed, when it is free.
//
// Every answer carries the number of the query it answers (the page numbers its
// queries and shows only the answer to its last one, the theme's main.html). The
// whole index (about 1 MB at the book's size) is fetched when the page asks for it
// (the search box got focus, or the page is idle) or at the first query.
var SETUP = 0
var READY = 1
var QUERY = 2
var RESULT = 3
// Skillbook's own messages: the page asks for the whole index, and for the number
// of pages a query finds (the lists' filters offer that search); the whole
// index's worker says it could not load it.
var LOAD = "load-whole-index"
var COUNT = "count"
var UNAVAILABLE = "whole-index-unavailable"
var SKILL = "Skill"
var PROMPT = /^Prompt\b/

var address = new URL(location.href).searchParams

if (address.get("role") === "index") wholeIndexWorker()
else answeringWorker()

function answeringWorker() {
  var separator = null   // Material's word separator (mkdocs.yml), from the page's SETUP
  var options = null     // Material's search options, from the page's SETUP
  var titles = []        // the table: a page's index entry and the words of its title
  var latest = null      // the last query the page sent: { query, seq }
  var wholeIndex = null  // its worker, once asked for
  var wholeIndexState = "absent"  // "loading", "ready" or "unavailable"
  var asked = null       // the query the whole index's worker is answering
  var answered = null    // the last query it answered
  var held = null        // a query the titles found nothing for, until the whole index answers
  var counting = null    // the last query to count the pages of: { query, id }
  var wanted = false     // the page asked for the whole index before it set search up

  addEventListener("message", function (event) {
    var message = event.data
    if (message.type === SETUP) {
      separator = new RegExp(message.data.config.separator)
      options = message.data.options
      titles = message.data.docs.filter(function (doc) { return doc.location.indexOf("#") < 0 }).map(function (doc, order) {
        return { doc: doc, order: order, words: words(text(doc.title)) }
      })
      postMessage({ type: READY })
      if (wanted) loadWholeIndex()
    } else if (message.type === QUERY) {
      latest = { query: message.data, seq: message.seq }
      answerFromTitles(latest)
      loadWholeIndex()
      askWholeIndex()
    } else if (message.type === COUNT) {
      counting = { query: message.data, id: message.id }
      if (wholeIndexState === "unavailable") countFromTitles()
      loadWholeIndex()
      askWholeIndex()
    } else if (message.type === LOAD) {
      loadWholeIndex()
    }
  })

  function countFromTitles() {
    postMessage({ type: COUNT, id: counting.id, pages: fromTitles(counting.query).length })
    counting = null
  }

  function unavailable() {
    wholeIndexState = "unavailable"
    if (held) answer(held, { items: [] })
    if (counting) countFromTitles()
  }

  function answerFromTitles(query) {
    var groups = fromTitles(query.query)
    held = null
    if (groups.length || !normalised(query.query) || wholeIndexState === "unavailable") answer(query, { items: groups })
    else held = query  // rather than "No matching documents" for words only the whole index has
  }

  function answer(query, result) {
    result.items = ranked(result.items, query.query)
    postMessage({ type: RESULT, data: result, seq: query.seq })
  }

  function loadWholeIndex() {
    wanted = true
    if (wholeIndex || !options || wholeIndexState === "unavailable") return
    if (typeof Worker === "undefined") return unavailable()  // no workers in workers: titles only
    wholeIndexState = "loading"
    var worker = new URL(location.href)
    worker.searchParams.set("role", "index")
    wholeIndex = new Worker(worker.href)
    wholeIndex.addEventListener("message", fromWholeIndex)
    wholeIndex.postMessage({ type: LOAD, url: address.get("index"), options: options })
  }

  // The whole index's worker answers one query at a time: the last one typed
  // first, then the last one to count.
  function askWholeIndex() {
    if (wholeIndexState !== "ready" || asked) return
    if (latest && answered !== latest && normalised(latest.query)) {
      asked = latest
    } else if (counting) {
      asked = counting
      counting = null
    } else {
      return
    }
    wholeIndex.postMessage({ type: QUERY, data: searchable(asked.query) })
  }

  function fromWholeIndex(event) {
    var message = event.data
    if (message.type === READY) {
      wholeIndexState = "ready"
    } else if (message.type === RESULT) {
      var done = asked
      asked = null
      if (done.id !== undefined) {
        postMessage({ type: COUNT, id: done.id, pages: message.data.items.length })
      } else {
        answered = done
        if (done === latest) answer(done, message.data)
      }
    } else if (message.type === UNAVAILABLE) {
      unavailable()
    }
    askWholeIndex()
  }

  // The pages whose title holds every word typed (the last one as typed so far),
  // in any order; those whose words match whole first, then the shortest titles.
  function fromTitles(query) {
    var typed = words(query)
    if (!typed.length) return []
    var found = []
    titles.forEach(function (entry) {
      var whole = 0
      var all = typed.every(function (word) {
        var exact = entry.words.indexOf(word) >= 0
        whole += exact
        return exact || entry.words.some(function (titleWord) { return titleWord.indexOf(word) === 0 })
      })
      if (all) found.push({ entry: entry, whole: whole })
    })
    found.sort(function (a, b) {
      return b.whole - a.whole || a.entry.words.length - b.entry.words.length || a.entry.order - b.entry.order
    })
    var terms = {}
    typed.forEach(function (word) { terms[word] = true })
    return found.map(function (match, rank) {
      var doc = match.entry.doc
      var item = { location: doc.location, title: doc.title, text: "", score: found.length - rank, terms: terms }
      if (doc.tags) item.tags = doc.tags.slice()
      if (doc.boost !== undefined) item.boost = doc.boost
      return [item]
    })
  }

  function words(value) {
    return normalised(value).split(separator).filter(Boolean)
  }
}

// Orders the groups (a page and its sections) of an answer, labels each page with
// its kind, and gives the pages scores in the order shown, as Material's Enter key
// opens the page of highest score.
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
    var withoutContent = page.boost !== undefined && page.boost < 1
    var score = exact ? 0 : skillsFirst ? (kind !== SKILL ? 3 : prefix ? 1 : 2) : withoutContent ? 5 : 4
    group.forEach(function (item) {
      delete item.tags
      // Every word typed is in the page asked for by name, as its title.
      if (exact) Object.keys(item.terms).forEach(function (term) { item.terms[term] = true })
    })
    if (kind) page.title = '<span class="md-tag">' + escaped(kind) + "</span> " + page.title
    // Skills whose id starts with what was typed are listed as in an index, by id.
    return { group: group, score: score, order: order, key: prefix ? title : "" }
  })
  rank.sort(function (a, b) {
    return a.score - b.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order)
  })
  // From the last group up, each group's scores are raised above those of the
  // group after it, keeping the order of its own sections.
  var below = 0
  for (var i = rank.length - 1; i >= 0; i--) {
    var group = rank[i].group
    var best = Math.max.apply(null, group.map(function (item) { return item.score }))
    var raise = best > below ? 0 : below - best + 1
    group.forEach(function (item) { item.score += raise })
    below = best + raise
  }
  return rank.map(function (entry) { return entry.group })
}

// The whole index's worker: Material's worker, fed the whole index when asked,
// whose results leave with excerpts rather than whole sections.
function wholeIndexWorker() {
  addEventListener("message", function (event) {
    var message = event.data
    if (message.type !== LOAD) return
    event.stopImmediatePropagation()
    fetch(message.url)
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status) })
      .then(function (data) {
        // Queries are split into words as the pages were ("@docker-expert" as docker
        // and expert); lunr's query parser otherwise splits at spaces and "-" only,
        // and Material would mark "@docker" as a word missing from every page.
        self.lunr.QueryLexer.termSeparator = new RegExp(data.config.separator)
        var setup = { type: SETUP, data: { config: data.config, docs: data.docs, options: message.options } }
        dispatchEvent(new MessageEvent("message", { data: setup }))
      })
      .catch(function () { postMessage({ type: UNAVAILABLE }) })
  })

  importScripts(address.get("material"))

  var post = self.postMessage
  self.postMessage = function (message) {
    if (message.type === RESULT) message.data.items.forEach(function (group) {
      group.forEach(function (item) { item.text = excerpt(item.text) })
    })
    post.call(self, message)
  }
}

// Material's query syntax reads a leading "-" or "+" as a presence and ":" after a
// word as a field; a reader typing an id or a title means neither, so "@" and
// those are read as the word separators they are in the index.
function searchable(query) {
  return query.replace(/(^|\s)[@+\-]+/g, "$1").replace(/:/g, " ")
}

// A result shows a few lines around the first word found, not a whole section
// (a prompt's words would fill the panel): the section's text, its markup
// reduced to Material's <mark> highlights, cut at words to EXCERPT_CHARACTERS.
var EXCERPT_CHARACTERS = 220

function excerpt(html) {
  var flat = String(html).replace(/<(?!\/?mark>)[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  var pieces = flat.split(/(<\/?mark>)/)
  var plain = pieces.filter(function (piece, i) { return i % 2 === 0 }).join("")
  if (plain.length <= EXCERPT_CHARACTERS) return html
  // Positions in the flat text of each character of the plain one, and of the first mark.
  var at = []
  var first = -1
  var offset = 0
  pieces.forEach(function (piece, i) {
    if (i % 2) {
      if (first < 0 && piece === "<mark>") first = at.length
    } else {
      for (var k = 0; k < piece.length; k++) at.push(offset + k)
    }
    offset += piece.length
  })
  var centre = Math.max(first, 0)
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

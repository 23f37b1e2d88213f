// Mermaid diagrams from this site only, and only on pages that have one.
//
// Material renders ```mermaid fences with the global `mermaid`, and when there
// is none it fetches mermaid from unpkg.com (the site allows no CDN). This
// stand-in is that global: Material calls initialize(config) once per visit and
// render(id, code) per diagram; the first render loads the vendored
// mermaid.min.js (3.5 MB, so never on pages without a diagram) once a diagram
// comes near the screen, and every render waits for that one load. Scripts run once under instant navigation,
// so the state below lasts the whole visit.
(function () {
  "use strict";
  // Evaluated twice, or the real mermaid already here: keep what is there.
  // (An element with id="mermaid" is also window.mermaid; that one is replaced.)
  if (typeof window.mermaid !== "undefined" && !(window.mermaid instanceof Element)) return;

  // Resolved against this script's own URL, so it works under any base path.
  var url = new URL("vendor/mermaid.min.js", document.currentScript.src).href;
  var config = {};
  var loaded = null; // promise of the real mermaid, made by the first render

  var standIn = {
    initialize: function (options) {
      config = options;
    },
    render: function (id, code) {
      loaded = loaded || near().then(function () { return new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = function () {
          // The file assigns globalThis.mermaid, replacing this stand-in (so
          // later renders go straight to it); the config was kept above.
          var real = window.mermaid;
          if (!real || real === standIn) return reject(new Error("mermaid not defined by " + url));
          real.initialize(config);
          resolve(real);
        };
        script.onerror = function () {
          loaded = null; // let a later diagram try again
          reject(new Error("could not load " + url));
        };
        document.head.appendChild(script);
      }); });
      return loaded.then(function (real) {
        return real.render(id, code);
      });
    },
  };
  // Resolves when a diagram of the page comes near the screen: mermaid is big,
  // and evaluating it keeps a phone busy for half a second, which a diagram far
  // down the page need not cost a reader who never scrolls to it.
  function near() {
    return new Promise(function (resolve) {
      var diagrams = document.querySelectorAll(".mermaid");
      if (!diagrams.length || !("IntersectionObserver" in window)) return resolve();
      var observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          resolve();
        }
      }, { rootMargin: "800px 0px" });
      diagrams.forEach(function (diagram) { observer.observe(diagram); });
    });
  }

  window.mermaid = standIn;
})();

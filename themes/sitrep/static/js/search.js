// Start Pagefind's UI: newest reports first; ?q=word in the address searches at once.
// A large site's index comes in parts (pagefind/parts.js lists them, beside the main bundle): merge them.
//
// The index, its parts and every filter are loaded before the UI starts. Pagefind's UI loads the
// filters without waiting for them, and a search counts only the filters loaded by then: the UI then
// keeps the first answer's filter groups, so a search made at once (from the address, or typed
// quickly on a slow network) lacked groups until the next search.
window.addEventListener("DOMContentLoaded", function () {
  var bundle = document.querySelector("script[src$='pagefind-ui.js']").src;
  var parts = (window.sitrepSearchParts || []).map(function (folder) {
    return new URL(folder, bundle).pathname;
  });
  // Say the index is loading until the UI starts: a large site's index takes a while on a slow network.
  var loading = document.querySelector(".search-loading");
  loading.hidden = false;
  var start = function () {
    loading.hidden = true;
    var ui = new PagefindUI({
      element: "#search",
      showSubResults: true,
      showImages: false,
      sort: { date: "desc" },
      translations: { placeholder: "Search reports" }
    });
    label();
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) ui.triggerSearch(query);
  };
  // Without its index the UI would say "Searching..." for ever: say what failed, and the other ways in.
  // Opened as a file (file://), the browser refuses the index's module: search needs a web server.
  var failed = function () {
    loading.hidden = true;
    document.querySelector(".search-failed").hidden = false;
    document.querySelector(".search-failed-file").hidden = window.location.protocol !== "file:";
  };
  // Tie the page's label to Pagefind's input, which has no id of its own, and show it: hidden, and
  // tied to nothing, until there is an input to label (without JavaScript there is none, and a `for`
  // naming an absent id is invalid HTML).
  var label = function () {
    var input = document.querySelector("#search .pagefind-ui__search-input");
    if (!input) return window.requestAnimationFrame(label);
    input.id = "search-input";
    var text = document.querySelector(".search-label");
    text.htmlFor = input.id;
    text.hidden = false;
  };
  // The UI imports the same module (one per address), so it finds the parts merged and the filters loaded.
  import(new URL("pagefind.js", bundle).href)
    .then(function (pagefind) {
      var merged = parts.reduce(function (done, part) {
        return done.then(function () { return pagefind.mergeIndex(part); });
      }, Promise.resolve());
      return merged.then(function () { return pagefind.filters(); });
    })
    .then(start, failed);
});

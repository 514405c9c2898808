// Start Pagefind's UI: newest reports first; ?q=word in the address searches at once.
// A large site's index comes in parts (pagefind/parts.js lists them, beside the main bundle): merge them.
window.addEventListener("DOMContentLoaded", function () {
  var bundle = document.querySelector("script[src$='pagefind-ui.js']").src;
  var parts = (window.sitrepSearchParts || []).map(function (folder) {
    return { bundlePath: new URL(folder, bundle).pathname };
  });
  var ui = new PagefindUI({
    element: "#search",
    mergeIndex: parts,
    showSubResults: true,
    showImages: false,
    sort: { date: "desc" },
    translations: { placeholder: "Search reports" }
  });
  // Tie the page's label to Pagefind's input, which has no id of its own, and show it: hidden until
  // there is an input to label (without JavaScript there is none).
  var label = function () {
    var input = document.querySelector("#search .pagefind-ui__search-input");
    if (!input) return window.requestAnimationFrame(label);
    input.id = "search-input";
    document.querySelector(".search-label").hidden = false;
  };
  label();
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});

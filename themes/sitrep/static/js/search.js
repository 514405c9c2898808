// Start Pagefind's UI: newest reports first; ?q=word in the address searches at once.
window.addEventListener("DOMContentLoaded", function () {
  var ui = new PagefindUI({
    element: "#search",
    showSubResults: true,
    showImages: false,
    sort: { date: "desc" },
    translations: { placeholder: "Search reports" }
  });
  // Tie the page's visible label to Pagefind's input, which has no id of its own.
  var label = function () {
    var input = document.querySelector("#search .pagefind-ui__search-input");
    if (!input) return window.requestAnimationFrame(label);
    input.id = "search-input";
  };
  label();
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});

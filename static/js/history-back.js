/*
 * "Cancel" links of Oscar's forms go back to the previous page, as Oscar's
 * inline onclick did before the Content-Security-Policy stopped inline
 * scripts: <a href="..." data-behaviours="history-back">. Without a page to
 * go back to, or without this script, the link's own address is followed.
 * A page may load this file more than once (one per form); it listens once.
 */
(function () {
  "use strict";

  if (window.choQueHistoryBack) {
    return;
  }
  window.choQueHistoryBack = true;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-behaviours~='history-back']");
    if (!link || window.history.length < 2) {
      return;
    }
    event.preventDefault();
    window.history.back();
  });
})();

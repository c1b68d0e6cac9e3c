// localzoom dashboard: refreshes the page's live region (#live) every second while the page is
// visible, without a reload, and copies text for buttons marked data-copy. No dependencies.
(function () {
  "use strict";
  var region = document.getElementById("live");
  var busy = false;
  function refresh() {
    if (!region || busy || document.visibilityState !== "visible") return;
    busy = true;
    fetch(window.location.href, { headers: { "x-localzoom-live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("live");
        if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the server may be restarting: try again next tick */ })
      .then(function () { busy = false; });
  }
  if (region) window.setInterval(refresh, 1000);
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-copy]") : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = label; }, 1200);
    }, function () { /* clipboard refused (not a secure context): the text stays selectable */ });
  });
})();

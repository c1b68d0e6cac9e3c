// localzoom dashboard: refreshes the page's live region (#live) every second while the page is
// visible, without a reload (open <details> stay open; searches are not re-run), and copies text for buttons marked data-copy. No dependencies.
(function () {
  "use strict";
  var region = document.getElementById("live");
  var busy = false;
  var last = region ? region.innerHTML : "";
  function refresh() {
    if (!region || busy || document.visibilityState !== "visible") return;
    busy = true;
    fetch(window.location.href, { headers: { "x-localzoom-live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("live");
        if (!fresh || fresh.innerHTML === last) return;
        last = fresh.innerHTML;
        // What the person opened stays open.
        var open = [];
        region.querySelectorAll("details[open][data-key]").forEach(function (d) { open.push(d.getAttribute("data-key")); });
        region.innerHTML = fresh.innerHTML;
        region.querySelectorAll("details[data-key]").forEach(function (d) {
          if (open.indexOf(d.getAttribute("data-key")) >= 0) d.open = true;
        });
      })
      .catch(function () { /* the server may be restarting: try again next tick */ })
      .then(function () { busy = false; });
  }
  if (region && region.getAttribute("data-live") === "1") window.setInterval(refresh, 1000);
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

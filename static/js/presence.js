/*
 * The change form tells the server, while it stays open, that this person has it open: once
 * when it loads (the page itself notes it), then every beat, and "left" when it closes. The
 * form names the others it has heard from within the last two minutes; without script, a
 * person is named for two minutes after opening the form.
 */
(function () {
  "use strict";
  var form = document.getElementById("article_form");
  var root = document.querySelector("[data-presence-url]");
  if (!form || !root) {
    return;
  }
  var url = root.getAttribute("data-presence-url");
  var beat = Number(root.getAttribute("data-presence-beat")) * 1000 || 45000;
  var tokenField = form.querySelector("input[name=csrfmiddlewaretoken]");
  if (!tokenField) {
    return;
  }

  function body(left) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", tokenField.value);
    if (left) {
      data.append("left", "1");
    }
    return data;
  }

  function stillHere() {
    if (document.visibilityState === "visible") {
      fetch(url, { method: "POST", body: body(false), credentials: "same-origin" }).catch(
        function () {}
      );
    }
  }

  window.setInterval(stillHere, beat);
  document.addEventListener("visibilitychange", stillHere);
  window.addEventListener("pagehide", function () {
    if (navigator.sendBeacon) {
      navigator.sendBeacon(url, body(true));
    }
  });
})();

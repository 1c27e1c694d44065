/*
 * Dismissible site notices. A dismissal is remembered in this browser under the banner's
 * key, which changes whenever the banner is edited, so an edited notice shows again.
 * Without script (or storage) the notice simply stays; emergencies have no button at all.
 */
(function () {
  "use strict";
  var STORE = "newsroom:dismissed-alerts";
  var KEEP = 50;

  function read() {
    try {
      var keys = JSON.parse(window.localStorage.getItem(STORE));
      return Array.isArray(keys) ? keys : [];
    } catch (error) {
      return [];
    }
  }

  function remember(key) {
    var keys = read().filter(function (k) { return k !== key; });
    keys.push(key);
    try {
      window.localStorage.setItem(STORE, JSON.stringify(keys.slice(-KEEP)));
    } catch (error) {
      /* Storage refused (private mode, quota): the notice is hidden for this page only. */
    }
  }

  function hideRegionIfEmpty(region) {
    if (region && !region.querySelector(".alert:not([hidden])")) {
      region.hidden = true;
    }
  }

  var dismissed = read();
  var banners = document.querySelectorAll("[data-alert-key]");
  Array.prototype.forEach.call(banners, function (banner) {
    var key = banner.getAttribute("data-alert-key");
    var region = banner.closest(".alerts");
    if (dismissed.indexOf(key) !== -1) {
      banner.hidden = true;
      hideRegionIfEmpty(region);
      return;
    }
    var button = banner.querySelector("[data-alert-dismiss]");
    if (!button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      banner.hidden = true;
      remember(key);
      hideRegionIfEmpty(region);
      var main = document.getElementById("main");
      if (main) {
        main.focus();
      }
    });
  });
})();

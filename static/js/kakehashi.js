// Progressive enhancement only: every page works without this file (and a CSP without inline scripts allows it).
// It notes the viewer's own UTC offset beside the Japan-time note, since the server cannot know it.
(function () {
  "use strict";

  function formatOffset(minutes) {
    var sign = minutes < 0 ? "-" : "+";
    var abs = Math.abs(minutes);
    var hours = Math.floor(abs / 60);
    var mins = abs % 60;
    return sign + String(hours).padStart(2, "0") + ":" + String(mins).padStart(2, "0");
  }

  function noteViewerOffset() {
    var japanMinutes = 9 * 60;
    var viewerMinutes = -new Date().getTimezoneOffset();
    var diff = viewerMinutes - japanMinutes;
    document.querySelectorAll("[data-viewer-offset]").forEach(function (el) {
      var text = diff === 0 ? el.dataset.same : el.dataset.other;
      el.textContent = " " + text.replace("{offset}", formatOffset(viewerMinutes)).replace("{diff}", formatOffset(diff));
      el.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", noteViewerOffset);
  } else {
    noteViewerOffset();
  }
})();

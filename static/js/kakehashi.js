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

// Workspace pipeline board (issue 14): drag a card onto another stage's column to move it. Without this script each
// card's own "Move to" form does the same.
(function () {
  "use strict";

  function addToCount(column, delta) {
    var count = column.querySelector(".count");
    var now = parseInt(count.textContent.replace(/[^0-9]/g, ""), 10) || 0;
    // Only the number changes: the brackets stay as the page wrote them (" (3)" in English, "（3）" in Japanese).
    count.textContent = count.textContent.replace(/[0-9]+/, String(now + delta));
  }

  function moveCard(card, column) {
    var form = card.querySelector("form");
    var stage = column.dataset.stage;
    var body = new FormData();
    body.append("stage", stage);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    fetch(card.dataset.moveUrl, {method: "POST", body: body, headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        var from = card.closest("[data-stage]");
        var empty = column.querySelector(".muted");
        if (empty) { empty.remove(); }
        column.querySelector("h2").after(card);
        form.querySelector("select").value = data.stage;
        addToCount(from, -1);
        addToCount(column, 1);
      })
      .catch(function () { form.submit(); });
  }

  function enhanceBoard() {
    var board = document.querySelector("[data-pipeline-board]");
    if (!board) { return; }
    board.querySelectorAll("[data-card][draggable=true]").forEach(function (card) {
      card.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", card.id);
        event.dataTransfer.effectAllowed = "move";
      });
    });
    board.querySelectorAll("[data-stage]").forEach(function (column) {
      column.addEventListener("dragover", function (event) { event.preventDefault(); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        var card = document.getElementById(event.dataTransfer.getData("text/plain"));
        if (card && card.parentNode !== column) { moveCard(card, column); }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceBoard);
  } else {
    enhanceBoard();
  }
})();

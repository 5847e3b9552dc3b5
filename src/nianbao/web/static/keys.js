// Keyboard navigation for a day's work. Overview: j / ↓ and k / ↑ move the highlighted row,
// Enter (or o) opens it. Report page: j / → the next report of the list it was opened from,
// k / ← the previous one, u back to the list. Keys typed into a form field are left alone.
(function () {
  "use strict";

  function typing(e) {
    var t = e.target;
    return e.altKey || e.ctrlKey || e.metaKey ||
      (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)));
  }

  var table = document.getElementById("report-list");
  if (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows), current = -1;
    var choose = function (index) {
      if (!rows.length) return;
      index = Math.max(0, Math.min(rows.length - 1, index));
      if (current >= 0) { rows[current].classList.remove("current"); rows[current].removeAttribute("aria-current"); }
      current = index;
      rows[current].classList.add("current");
      rows[current].setAttribute("aria-current", "true");
      rows[current].scrollIntoView({ block: "nearest" });
    };
    document.addEventListener("keydown", function (e) {
      if (typing(e)) return;
      if (e.key === "j" || e.key === "ArrowDown") { choose(current + 1); e.preventDefault(); }
      else if (e.key === "k" || e.key === "ArrowUp") { choose(current < 0 ? 0 : current - 1); e.preventDefault(); }
      else if ((e.key === "Enter" || e.key === "o") && current >= 0) { window.location.href = rows[current].dataset.href; }
    });
    rows.forEach(function (row, index) {
      row.addEventListener("click", function () { choose(index); });
    });
  }

  var nav = document.getElementById("report-nav");
  if (nav) {
    var go = function (rel) {
      var link = nav.querySelector('a[rel="' + rel + '"]');
      if (link) window.location.href = link.href;
    };
    document.addEventListener("keydown", function (e) {
      if (typing(e)) return;
      if (e.key === "j" || e.key === "ArrowRight") go("next");
      else if (e.key === "k" || e.key === "ArrowLeft") go("prev");
      else if (e.key === "u") go("up");
    });
  }
})();

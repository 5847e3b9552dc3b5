// Overview charts drawn as inline SVG from /api/stats (no chart library, nothing from a CDN).
"use strict";
(function () {
  var outcomes = document.getElementById("chart-outcomes"), regions = document.getElementById("chart-regions");
  if (!outcomes) return;
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#2e7d32", "#66bb6a", "#c62828", "#ef6c00", "#6a1b9a", "#1565c0", "#8d6e63", "#9e9e9e"];

  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function empty(box) { var p = document.createElement("p"); p.className = "empty"; p.textContent = "暂无数据 No data"; box.appendChild(p); }

  function drawOutcomes(box, stats) {
    var years = stats.outcomes_by_year, groups = stats.outcome_groups;
    if (!years.length) return empty(box);
    var W = 460, H = 220, left = 46, bottom = 24, top = 8;
    var max = Math.max.apply(null, years.map(function (y) { return groups.reduce(function (s, g) { return s + (y.outcomes[g] || 0); }, 0); })) || 1;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "各年度办理结果" });
    var band = (W - left) / years.length, bar = Math.min(60, band * 0.6);
    for (var i = 0; i <= 4; i++) {
      var v = max * i / 4, y = H - bottom - (H - bottom - top) * i / 4;
      svg.appendChild(el("line", { x1: left, x2: W, y1: y, y2: y, stroke: "#e3e7ec" }));
      svg.appendChild(el("text", { x: left - 4, y: y + 4, "text-anchor": "end" }, String(Math.round(v))));
    }
    years.forEach(function (yr, i) {
      var x = left + band * i + (band - bar) / 2, y = H - bottom;
      groups.forEach(function (g, gi) {
        var v = yr.outcomes[g] || 0, h = (H - bottom - top) * v / max;
        if (!h) return;
        y -= h;
        var r = el("rect", { x: x, y: y, width: bar, height: h, fill: COLORS[gi % COLORS.length] });
        r.appendChild(el("title", {}, yr.year + " " + g + "：" + v));
        svg.appendChild(r);
      });
      svg.appendChild(el("text", { x: x + bar / 2, y: H - 6, "text-anchor": "middle" }, String(yr.year)));
    });
    box.appendChild(svg);
    var legend = document.createElement("div"); legend.className = "legend";
    groups.forEach(function (g, gi) {
      var s = document.createElement("span"), i = document.createElement("i");
      i.style.background = COLORS[gi % COLORS.length]; s.append(i, g); legend.appendChild(s);
    });
    box.appendChild(legend);
  }

  function drawRegions(box, stats) {
    var rows = stats.error_rates;
    if (!rows.length) return empty(box);
    var W = 460, row = 22, left = 120, right = 100, H = rows.length * row + 8;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "各地区错误率" });
    rows.forEach(function (r, i) {
      var y = 4 + i * row, w = (W - left - right) * r.rate;
      svg.appendChild(el("text", { x: left - 6, y: y + 14, "text-anchor": "end" }, r.region));
      var back = el("rect", { x: left, y: y + 3, width: W - left - right, height: row - 8, fill: "#eef1f5" });
      // Reports with guessed cells are not counted as having errors; the tooltip says how many there are.
      back.appendChild(el("title", {}, r.region + "：有错误 " + r.with_errors + "/" + r.reports + " 份；含推测值待核对 " +
        (r.with_uncertain || 0) + " 份"));
      svg.appendChild(back);
      if (w) svg.appendChild(el("rect", { x: left, y: y + 3, width: w, height: row - 8, fill: "#c62828" }));
      svg.appendChild(el("text", { x: W - right + 6, y: y + 14 }, Math.round(r.rate * 100) + "%（" + r.with_errors + "/" + r.reports + "）"));
    });
    box.appendChild(svg);
  }

  fetch(outcomes.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (stats) {
    drawOutcomes(outcomes, stats); drawRegions(regions, stats);
  }).catch(function () { empty(outcomes); empty(regions); });
})();

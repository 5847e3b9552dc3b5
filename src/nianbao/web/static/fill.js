// Fill-in form: totals computed live and the identities checked as the user types.
// The equations come from nianbao.editions (Relation.left / Relation.right), serialised
// into the page; nothing about rows or columns is written here.
"use strict";
(function () {
  var relations = JSON.parse(document.getElementById("relations").textContent);
  var inputs = {};
  document.querySelectorAll("#fill-form input[data-path]").forEach(function (el) { inputs[el.dataset.path] = el; });
  var summary = document.getElementById("check-summary"), list = document.getElementById("check-list");
  var missing = document.getElementById("check-missing"), form = document.getElementById("fill-form");
  // Completeness is decided by the server, by the rule `nianbao render` applies (nianbao.render.complete):
  // null until the first answer, then {complete, messages, …}.
  var gaps = null, bad = 0, ok = 0, open = 0, asked = null;

  // A cell that is the single right-hand side of an equation is a total: computed until typed over.
  var totals = {};
  relations.forEach(function (r) { if (r.right.length === 1 && r.left.length > 1) totals[r.right[0]] = true; });
  Object.keys(totals).forEach(function (p) { if (inputs[p]) { inputs[p].dataset.auto = "1"; inputs[p].classList.add("computed"); } });

  function num(path) {
    var el = inputs[path]; if (!el) return null;
    var t = el.value.trim().replace(/,/g, "");
    if (t === "") return null;
    var v = Number(t); return isNaN(v) ? NaN : v;
  }
  function sum(paths) {
    var total = 0, any = false, missing = false;
    paths.forEach(function (p) { var v = num(p); if (v === null) missing = true; else { any = true; total += v; } });
    return { total: total, any: any, missing: missing };
  }
  function round(v) { return Math.round(v * 100) / 100; }

  function compute() {
    // Totals may feed other totals (a row total of the total row): settle in a few passes.
    for (var pass = 0; pass < 4; pass++) {
      var changed = false;
      relations.forEach(function (r) {
        if (r.right.length !== 1 || r.left.length < 2) return;
        var el = inputs[r.right[0]];
        if (!el || el.dataset.auto !== "1") return;
        var s = sum(r.left);
        var value = s.any ? String(round(s.total)) : "";
        if (el.value !== value) { el.value = value; changed = true; }
      });
      if (!changed) break;
    }
  }

  function label(path) {
    var el = inputs[path]; return el ? el.getAttribute("aria-label") : path;
  }

  function check() {
    Object.keys(inputs).forEach(function (p) { inputs[p].classList.remove("bad"); });
    list.textContent = "";
    bad = 0; open = 0; ok = 0;
    relations.forEach(function (r) {
      var l = sum(r.left), rt = sum(r.right);
      if (!l.any && !rt.any) return;
      if (l.missing || rt.missing) { open++; return; }
      if (Math.abs(l.total - rt.total) < 1e-6) { ok++; return; }
      bad++;
      r.right.concat(r.left.length === 1 ? r.left : []).forEach(function (p) { if (inputs[p]) inputs[p].classList.add("bad"); });
      if (r.code === "T3.IDENTITY") r.left.concat(r.right).forEach(function (p) { if (inputs[p]) inputs[p].classList.add("bad"); });
      var li = document.createElement("li");
      li.textContent = r.subject + "（" + r.code + "）：" + r.left.map(label).join(" + ") + " = " + round(l.total) +
        "，但 " + r.right.map(label).join(" + ") + " = " + round(rt.total);
      list.appendChild(li);
    });
    show();
  }

  // The status bar: green only when the identities hold and nothing is missing; otherwise red, saying what.
  function show() {
    var lacking = gaps ? gaps.messages : [];
    missing.hidden = lacking.length === 0;
    missing.textContent = lacking.join("；");
    summary.className = bad || lacking.length ? "bad" : "good";
    if (!bad && !gaps) { summary.className = ""; summary.textContent = "核对中 checking…"; return; }  // no verdict yet
    if (bad) summary.textContent = "✗ " + bad + " 处不一致 inconsistent";
    else if (gaps && !gaps.complete) summary.textContent = "✗ 未填写完整，不能生成报告 incomplete";
    else summary.textContent = (lacking.length ? "✗ " : "✓ ") + "已核对 " + ok + " 项一致" +
      (open ? "，" + open + " 项含空白无法核对" : "") + " checked";
  }

  function formData() {
    var body = { edition: form.elements.edition.value, cells: {}, units: {} };
    Object.keys(inputs).forEach(function (p) { var v = num(p); body.cells[p] = v === null || isNaN(v) ? null : v; });
    return body;
  }

  function askCompleteness() {
    var sent = JSON.stringify(formData());
    if (sent === asked) return;
    asked = sent;
    fetch("/api/fill/complete", { method: "POST", headers: { "Content-Type": "application/json" }, body: sent })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer && sent === asked) { gaps = answer; show(); } })
      .catch(function () { /* offline: the download itself still refuses an incomplete report */ });
  }
  var timer = null;
  function update() { compute(); check(); clearTimeout(timer); timer = setTimeout(askCompleteness, 250); }

  // Word/HTML downloads wait for a complete report (the JSON saves a draft whatever its state).
  form.addEventListener("submit", function (e) {
    var format = e.submitter ? e.submitter.value : "docx";
    if (format !== "json" && gaps && !gaps.complete) {
      e.preventDefault();
      missing.classList.add("flash");
      missing.scrollIntoView({ block: "nearest" });
    }
  });
  Object.keys(inputs).forEach(function (p) {
    inputs[p].addEventListener("input", function (e) {
      var el = e.target;
      if (totals[p]) {
        // Typing over a total makes it manual; clearing it hands it back to the computation.
        el.dataset.auto = el.value.trim() === "" ? "1" : "0";
        el.classList.toggle("computed", el.dataset.auto === "1");
      }
      update();
    });
  });
  update();
})();

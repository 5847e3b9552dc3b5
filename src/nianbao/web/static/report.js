// Report page: click a cell to see where it was read (its box on the page image of a PDF, else its
// read text highlighted); findings highlight their cells; corrections are posted to the API and the
// page reloads with the checks re-run.
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var where = document.getElementById("where");
  var pre = document.getElementById("doc-text");
  var fullText = pre ? pre.textContent : "";
  var selected = null;

  function showTab(name) {
    document.querySelectorAll(".tabs [data-tab]").forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.tab === name)); });
    document.querySelectorAll(".tab-body").forEach(function (body) { body.hidden = body.dataset.body !== name; });
  }
  document.querySelectorAll(".tabs [data-tab]").forEach(function (b) { b.addEventListener("click", function () { showTab(b.dataset.tab); }); });

  // Marks the read text; `reveal` shows the text tab scrolled to it (not when the page image is shown).
  function highlight(start, end, reveal) {
    if (!pre) return;
    // Rebuild the text as before / <mark> / after with textContent: the text stays escaped.
    pre.textContent = "";
    var mark = document.createElement("mark");
    mark.textContent = fullText.slice(start, end) || " ";
    pre.append(document.createTextNode(fullText.slice(0, start)), mark, document.createTextNode(fullText.slice(end)));
    if (!reveal) return;
    showTab("text");
    mark.scrollIntoView({ block: "center" });
  }

  // The cell's box (x0, top, x1, bottom in PDF points from the page's top-left) drawn on its page image.
  // Points over the page size in points is the share of the image, whatever scale the server drew it at,
  // so the box is placed in percent of the page's frame and follows the image when the pane resizes.
  var cellBox = null;
  function showBox(loc) {
    var size = loc && loc.box && loc.page ? (data.page_sizes || [])[loc.page - 1] : null;
    var frame = size && document.querySelector("#page-" + loc.page + " .page-frame");
    if (!frame) { if (cellBox) cellBox.remove(); return false; }
    if (!cellBox) { cellBox = document.createElement("div"); cellBox.id = "cell-box"; cellBox.className = "cell-box"; }
    var w = size[0], h = size[1], b = loc.box;
    cellBox.style.left = (100 * b[0] / w) + "%";
    cellBox.style.top = (100 * b[1] / h) + "%";
    cellBox.style.width = (100 * (b[2] - b[0]) / w) + "%";
    cellBox.style.height = (100 * (b[3] - b[1]) / h) + "%";
    frame.append(cellBox);
    showTab("original");
    cellBox.scrollIntoView({ block: "center" });
    return true;
  }

  function line(label, value) {
    var p = document.createElement("div");
    var b = document.createElement("strong"); b.textContent = label + "：";
    p.append(b, document.createTextNode(value));
    return p;
  }

  function pageLink(n) {
    var a = document.createElement("a"); a.href = "#page-" + n; a.textContent = "查看原文第 " + n + " 页 show page " + n;
    a.addEventListener("click", function (e) {
      e.preventDefault(); showTab("original");
      var fig = document.getElementById("page-" + n);
      if (fig) { document.querySelectorAll(".pages figure.target").forEach(function (f) { f.classList.remove("target"); }); fig.classList.add("target"); fig.scrollIntoView(); }
    });
    return a;
  }

  function select(td, scroll) {
    if (selected) selected.classList.remove("selected");
    selected = td; td.classList.add("selected");
    if (scroll) td.scrollIntoView({ block: "center" });
    var path = td.dataset.path, cell = data.cells[path], loc = cell && cell.location;
    var boxed = showBox(loc);  // on the page image when there is one; else the read text is shown
    where.hidden = false; where.textContent = "";
    var code = document.createElement("code"); code.textContent = path;
    var head = document.createElement("div"); head.append("单元格 ", code);
    where.append(head);
    if (!cell) {
      where.append(line("状态", "报告中没有这一格（未识别或未印出）not found in the report"));
    } else {
      where.append(line("数值 value", cell.value === null ? "空（未填报）blank" : String(cell.value) + (cell.unit ? " " + cell.unit : "")));
      where.append(line("原文 printed", cell.raw === null || cell.raw === undefined ? "（无 none）" : cell.raw));
      if (cell.corrected) where.append(line("更正 corrected", "原值 " + (cell.original_value === null ? "空" : cell.original_value)));
      if (cell.inferred) where.append(line("推断 inferred", cell.inferred));
      if (cell.uncertain) where.append(line("注意", "解析推测值，请核对原文 uncertain" +
        (cell.alternatives && cell.alternatives.length ? "；另一可能读法：" +
          cell.alternatives.map(function (v) { return v === null ? "空白" : String(v); }).join("、") : "")));
      if (loc) {
        var parts = [];
        if (loc.page) parts.push("第 " + loc.page + " 页");
        if (loc.table !== undefined) parts.push("第 " + (loc.table + 1) + " 个表格 · 行 " + (loc.row + 1) + " · 列 " + (loc.col + 1));
        if (loc.start !== undefined) parts.push("文本位置 " + loc.start + "–" + loc.end);
        where.append(line("位置 location", parts.join("，")));
        if (loc.page && data.pages) where.append(pageLink(loc.page));
        if (loc.start !== undefined) highlight(loc.start, loc.end, !boxed);
      }
    }
    var related = data.findings.filter(function (f) { return f.cells.indexOf(path) >= 0; });
    related.forEach(function (f) {
      // A finding a reviewer dismissed (驳回) is still named, marked, but not as a problem.
      var dismissed = f.verdict === "dismissed";
      var p = document.createElement("div"); p.className = "msg " + (f.severity === "error" && !dismissed ? "bad" : "");
      p.textContent = (dismissed ? "（已驳回）" : "⚠ ") + f.message; where.append(p);
    });
    var cellInput = document.getElementById("correct-cell"), valueInput = document.getElementById("correct-value");
    if (cellInput) {
      cellInput.value = path;
      valueInput.value = cell && cell.value !== null ? cell.value : "";
      // The note's example names where this cell was printed, when that is known.
      document.getElementById("correct-note").placeholder =
        loc && loc.page ? "依据：原文第 " + loc.page + " 页" : "依据：原文中的出处 where the right value is printed";
    }
    if (history.replaceState) history.replaceState(null, "", "?cell=" + encodeURIComponent(path));
    uncover(td);
  }

  // The cell box is sticky at the top of the pane: if the cell just chosen is now under it or out of sight
  // (showing its text scrolls the window too), bring the cell back just below the box. Measured after the
  // box is filled: it grows with the cell's details.
  function uncover(td) {
    var box = where.getBoundingClientRect(), cellBox = td.getBoundingClientRect(), margin = 8;
    if (cellBox.top < box.bottom + margin || cellBox.bottom > window.innerHeight) {
      window.scrollBy(0, cellBox.top - box.bottom - margin);
    }
  }

  document.querySelectorAll("td.cell").forEach(function (td) {
    td.addEventListener("click", function () { select(td, false); });
    td.addEventListener("keydown", function (e) { if (e.key === "Enter") select(td, false); });
  });

  function cellOf(path) { return document.querySelector('td.cell[data-path="' + CSS.escape(path) + '"]'); }

  document.querySelectorAll("#findings li").forEach(function (li) {
    li.addEventListener("click", function (e) {
      // The review buttons and note (web/review.py) are the finding's own controls, not a request to show its cells.
      if (e.target.closest("form")) return;
      var paths = (li.dataset.cells || "").split(" ").filter(Boolean);
      paths.forEach(function (p) { var td = cellOf(p); if (td) { td.classList.remove("flash"); void td.offsetWidth; td.classList.add("flash"); } });
      var first = paths.map(cellOf).filter(Boolean)[0];
      if (first) select(first, true);
    });
  });
  document.querySelectorAll("[data-goto]").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); var td = cellOf(a.dataset.goto); if (td) select(td, true); });
  });

  var form = document.getElementById("correct-form");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    var msg = document.getElementById("correct-msg");
    var raw = document.getElementById("correct-value").value.trim().replace(/,/g, "");
    if (raw !== "" && isNaN(Number(raw))) { msg.className = "msg bad"; msg.textContent = "请输入数字 Enter a number"; return; }
    var body = { cell: document.getElementById("correct-cell").value.trim(), value: raw === "" ? null : Number(raw),
                 note: document.getElementById("correct-note").value || null, author: document.getElementById("correct-author").value || null };
    if (body.author) rememberAuthor(body.author);
    msg.className = "msg"; msg.textContent = "保存中 saving…";
    fetch("/api/reports/" + data.id + "/corrections", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": window.nianbao.csrf() }, body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, body: j }; });
    }).then(function (res) {
      if (!res.ok) { msg.className = "msg bad"; msg.textContent = typeof res.body.detail === "string" ? res.body.detail : "保存失败 failed"; return; }
      window.location.replace("/reports/" + data.id + "?cell=" + encodeURIComponent(body.cell) + "&saved=1");
    }).catch(function () { msg.className = "msg bad"; msg.textContent = "网络错误 network error"; });
  });

  // The corrector's name, typed once: the server keeps it in the session, this browser keeps it too.
  var AUTHOR_KEY = "nianbao.author";
  function rememberAuthor(name) { try { window.localStorage.setItem(AUTHOR_KEY, name); } catch (e) { /* storage off */ } }
  var authorInput = document.getElementById("correct-author");
  if (authorInput && !authorInput.value) {
    try { authorInput.value = window.localStorage.getItem(AUTHOR_KEY) || ""; } catch (e) { /* storage off */ }
  }

  var params = new URLSearchParams(window.location.search);
  var initial = params.get("cell") && cellOf(params.get("cell"));
  if (initial) select(initial, true);
  if (params.get("saved")) {
    var msg = document.getElementById("correct-msg");
    if (msg) { msg.className = "msg good"; msg.textContent = "已保存，检查已重新运行 Saved; checks re-run."; }
  }
})();

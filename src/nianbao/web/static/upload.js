// Drag-and-drop upload with a progress bar per file; several files go up at once.
// Without JavaScript the form posts to /upload instead.
"use strict";
(function () {
  var drop = document.getElementById("drop"), input = document.getElementById("file-input");
  var queue = document.getElementById("queue"), form = document.getElementById("upload-form");
  var waiting = [], running = 0, PARALLEL = 3;

  function item(file) {
    var li = document.createElement("li");
    var name = document.createElement("span"); name.className = "name"; name.textContent = file.name;
    var bar = document.createElement("progress"); bar.max = 100; bar.value = 0;
    var msg = document.createElement("span"); msg.className = "state"; msg.textContent = "等待 waiting";
    li.append(name, bar, msg); queue.appendChild(li);
    return { li: li, bar: bar, msg: msg };
  }

  function send(job) {
    running++;
    var xhr = new XMLHttpRequest(), data = new FormData();
    data.append("files", job.file, job.file.name);
    xhr.open("POST", "/api/reports");
    xhr.setRequestHeader("X-CSRF-Token", window.nianbao.csrf());
    job.ui.msg.textContent = "上传中 uploading";
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) job.ui.bar.value = Math.round(90 * e.loaded / e.total); };
    xhr.upload.onload = function () { job.ui.msg.textContent = "解析与检查中 parsing and checking"; };
    xhr.onload = function () {
      job.ui.bar.value = 100;
      var body = null; try { body = JSON.parse(xhr.responseText); } catch (err) { /* not JSON */ }
      var result = body && body.results ? body.results[0] : null;
      job.ui.msg.textContent = "";
      if (result && result.ok) {
        job.ui.li.className = "done";
        var a = document.createElement("a"); a.href = result.url;
        a.textContent = (result.agency || "报告") + " " + (result.year || "");
        job.ui.msg.append(a, " 错误 " + result.n_errors + " · 警告 " + result.n_warnings + (result.duplicate ? "（已存在 already stored）" : ""));
      } else {
        job.ui.li.className = "failed";
        var detail = result ? result.error : (body && body.detail) || ("HTTP " + xhr.status);
        job.ui.msg.textContent = typeof detail === "string" ? detail : JSON.stringify(detail);
        job.ui.msg.className = "msg";
      }
      done();
    };
    xhr.onerror = function () { job.ui.li.className = "failed"; job.ui.msg.textContent = "网络错误 network error"; done(); };
    xhr.send(data);
  }

  function done() { running--; next(); }
  function next() { while (running < PARALLEL && waiting.length) send(waiting.shift()); }
  function add(files) {
    Array.prototype.forEach.call(files, function (file) { waiting.push({ file: file, ui: item(file) }); });
    next();
  }

  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  ["dragenter", "dragover"].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); }); });
  ["dragleave", "drop"].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("over"); }); });
  drop.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files) add(e.dataTransfer.files); });
  drop.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
})();

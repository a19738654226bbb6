// civicdesk: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      var table = target.closest("table");
      table.querySelectorAll("input[name=case]").forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("[data-use-answer]")) {
      var answer = document.getElementById("answer");
      if (answer) {
        answer.value = target.getAttribute("data-use-answer");
        answer.closest("details").open = true;
        var now = document.querySelector("input[name=answer_now]");
        if (now) { now.checked = true; }
        var kind = document.getElementById("id_kind");
        if (kind) { kind.value = "inquiry"; }
      }
    }
    if (target.matches("[data-locate]") && navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (position) {
        document.querySelector(target.getAttribute("data-lat")).value = position.coords.latitude.toFixed(6);
        document.querySelector(target.getAttribute("data-long")).value = position.coords.longitude.toFixed(6);
      });
    }
  });
  // One click, one request: a slow connection must not turn a double click into two cases.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitting) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    window.setTimeout(function () {
      delete form.dataset.submitting;
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    }, 8000);
  });
  // Forms marked data-draft keep what was typed in this browser until the server has it: a visit typed on a
  // poor connection survives a failed submit, a reload or a closed tab. A page marked data-draft-clear
  // (shown once the server stored it) forgets the draft.
  var draftKey = function (name) { return "civicdesk-draft-" + name; };
  document.querySelectorAll("[data-draft-clear]").forEach(function (mark) {
    try { window.localStorage.removeItem(draftKey(mark.dataset.draftClear)); } catch (e) { /* storage off */ }
  });
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = draftKey(form.dataset.draft);
    var kept = function (field) {
      return field.name && field.name !== "csrfmiddlewaretoken" && ["hidden", "file", "password", "submit"].indexOf(field.type) < 0;
    };
    var saved = {};
    try { saved = JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (kept(field) && Object.prototype.hasOwnProperty.call(saved, field.name) && (!field.value || field.value === field.defaultValue)) {
        field.value = saved[field.name];
      }
    });
    var save = function () {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (field) { if (kept(field)) { data[field.name] = field.value; } });
      try { window.localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();

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
})();

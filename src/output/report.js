// Filters of the mtlint HTML report: by verdict and by rule. No network, no dependencies.
(function () {
  var verdict = document.getElementById("verdict");
  var rule = document.getElementById("rule");
  var shown = document.getElementById("shown");
  function apply() {
    var n = 0;
    document.querySelectorAll("section.doc").forEach(function (doc) {
      var rules = doc.dataset.rules ? doc.dataset.rules.split(" ") : [];
      var ok = (!verdict.value || doc.dataset.verdict === verdict.value) && (!rule.value || rules.indexOf(rule.value) >= 0);
      doc.hidden = !ok;
      if (ok) n++;
      doc.querySelectorAll(".findings li").forEach(function (li) {
        li.classList.toggle("hidden", !!rule.value && li.dataset.rule !== rule.value);
      });
    });
    shown.textContent = n + " shown";
  }
  // Filters can be preset by the address: report.html#verdict=mt&rule=calque/literal-calque
  new URLSearchParams(location.hash.slice(1)).forEach(function (value, key) {
    if (key === "verdict") verdict.value = value;
    if (key === "rule") rule.value = value;
  });
  verdict.addEventListener("change", apply);
  rule.addEventListener("change", apply);
  // Pointing at a finding in the list outlines its sentence in the text.
  document.querySelectorAll(".findings li").forEach(function (li) {
    var mark = document.getElementById(li.dataset.mark);
    if (!mark) return;
    li.addEventListener("mouseenter", function () { mark.classList.add("focus"); });
    li.addEventListener("mouseleave", function () { mark.classList.remove("focus"); });
  });
  apply();
})();

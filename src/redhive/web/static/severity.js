// The severity form's live result: asks the server's rubric (POST /api/findings/severity/band) for
// the band of the inputs as they are typed, so the page never computes a band of its own.
(function () {
  "use strict";
  const form = document.getElementById("assess-form");
  const out = document.getElementById("band-preview");
  if (!form || !out) return;
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const names = ["harm", "reliability", "breadth", "accessibility", "agentic_amplification", "transferred_systems"];
  let pending = 0;
  async function update() {
    const body = {};
    for (const name of names) body[name] = Number(form.elements[name].value || 0);
    const mine = ++pending;
    const response = await fetch("/api/findings/severity/band?exposure=" + encodeURIComponent(form.dataset.exposure || "2"), {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: JSON.stringify(body)});
    if (mine !== pending) return;
    if (response.ok) {
      const result = await response.json();
      out.textContent = result.band + " " + result.name + " (priority " + result.priority + " at this flaw's exposure)";
    } else {
      out.textContent = "scores are 0 to 4 (amplification 0 to 2)";
    }
  }
  form.addEventListener("input", update);
  update();
})();

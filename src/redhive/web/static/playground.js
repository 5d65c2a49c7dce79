// The playground page: sends the conversation to the playground endpoint and renders the reply as
// it streams (server-sent events read from fetch's ReadableStream); "Flag this exchange" calls the
// flag API. No framework, no build step.
(function () {
  "use strict";
  const root = document.getElementById("playground");
  if (!root) return;
  const mission = root.dataset.mission, session = root.dataset.session, csrf = root.dataset.csrf;
  const form = document.getElementById("chat-form");
  const transcript = document.getElementById("transcript");
  const status = document.getElementById("chat-status");
  const send = document.getElementById("send");
  const history = [];  // the conversation so far, as chat messages
  for (const turn of JSON.parse(document.getElementById("history").textContent)) {
    if (turn.outcome === "ok") history.push({role: "user", content: turn.user}, {role: "assistant", content: turn.reply});
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function errorSentence(response) {
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) return body.error.message;
    } catch (e) { /* not JSON */ }
    return "The playground answered " + response.status + ": try again.";
  }

  function flagControls(meta, exchangeId) {
    const code = el("code", null, exchangeId);
    meta.append("exchange ", code, " ");
    const button = el("button", "flag secondary", "Flag this exchange");
    button.type = "button";
    button.dataset.exchange = exchangeId;
    const report = el("a", "button secondary report-this", "Report this");
    report.href = "/findings/new?exchange=" + encodeURIComponent(exchangeId);
    meta.append(button, " ", report, " ", el("span", "flag-status"));
    meta.lastChild.setAttribute("role", "status");
  }

  async function flag(button) {
    const out = button.parentElement.querySelector(".flag-status");
    button.disabled = true;
    const response = await fetch("/api/gateway/exchanges/" + encodeURIComponent(button.dataset.exchange) + "/flags", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({note: "Flagged in the playground."}),
    });
    if (response.ok) {
      out.textContent = "Flagged: cite exchange " + button.dataset.exchange + " in your finding.";
      button.textContent = "Flagged";
    } else {
      out.textContent = await errorSentence(response);
      button.disabled = false;
    }
  }

  transcript.addEventListener("click", function (event) {
    const button = event.target.closest("button.flag");
    if (button) flag(button);
  });

  // Reads "data: {...}\n\n" events; calls onDelta with each piece of text. Returns an error sentence or null.
  async function readEvents(body, onDelta) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", problem = null;
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const line of event.split("\n")) {
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") continue;
          let chunk;
          try { chunk = JSON.parse(data); } catch (e) { continue; }
          if (chunk.error) { problem = chunk.error.message || "The stream ended with an error."; continue; }
          for (const choice of chunk.choices || []) {
            if (choice.delta && choice.delta.content) onDelta(choice.delta.content);
          }
        }
      }
    }
    return problem;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const text = form.message.value.trim();
    if (!text) { status.textContent = "Write a message first."; form.message.focus(); return; }
    const messages = [];
    if (form.system && form.system.value.trim()) messages.push({role: "system", content: form.system.value.trim()});
    messages.push(...history, {role: "user", content: text});

    const turn = el("li", "turn");
    turn.append(el("p", "msg user", ""));
    turn.firstChild.append(el("span", "who", "You"), " " + text);
    const answer = el("div", "msg assistant");
    const reply = el("p", "reply", "");
    const meta = el("p", "meta");
    answer.append(el("span", "who", form.model.value), reply, meta);
    turn.append(answer);
    transcript.append(turn);
    send.disabled = true;
    status.textContent = "Waiting for " + form.model.value + "…";
    try {
      const response = await fetch("/api/missions/" + encodeURIComponent(mission) + "/playground/chat", {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf, "X-Redhive-Session": session},
        body: JSON.stringify({model: form.model.value, messages: messages}),
      });
      const exchangeId = response.headers.get("X-Redhive-Exchange-Id");
      if (!response.ok) {
        reply.textContent = await errorSentence(response);
        reply.classList.add("error");
      } else {
        status.textContent = "Streaming…";
        const problem = await readEvents(response.body, function (piece) { reply.textContent += piece; });
        if (problem) {
          reply.append(el("span", "error", " " + problem));
        } else {
          history.push({role: "user", content: text}, {role: "assistant", content: reply.textContent});
        }
        form.message.value = "";
      }
      if (exchangeId) { turn.dataset.exchange = exchangeId; flagControls(meta, exchangeId); }
      status.textContent = "";
    } catch (e) {
      reply.textContent = "The connection to the playground failed: check your network and send again.";
      status.textContent = "";
    } finally {
      send.disabled = false;
      form.message.focus();
    }
  });
})();

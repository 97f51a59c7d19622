// The review page's buttons: each calls /api/curation with the write token, then shows the queue anew.
(function () {
  "use strict";
  const token = document.getElementById("write-token");
  const author = document.getElementById("review-author");
  const note = document.getElementById("review-note");
  const status = document.getElementById("review-status");
  token.value = sessionStorage.getItem("ffkg-write-token") || "";
  author.value = localStorage.getItem("ffkg-author") || "";
  token.addEventListener("change", function () { sessionStorage.setItem("ffkg-write-token", token.value.trim()); });
  author.addEventListener("change", function () { localStorage.setItem("ffkg-author", author.value.trim()); });

  async function send(method, url, body) {
    const headers = { Accept: "application/json", Authorization: "Bearer " + token.value.trim() };
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetch(url, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined });
    const answer = await response.json();
    if (!response.ok) {
      status.textContent = (answer.title || "Refused") + ": " + (answer.detail || response.status);
      status.className = "error";
      return null;
    }
    return answer;
  }

  function decision(data) {
    const body = { action: data.action, target: data.target, author: author.value.trim() || "anonymous", note: note.value.trim() };
    if (data.other) body.other = data.other;
    return body;
  }

  document.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const data = button.dataset;
    sessionStorage.setItem("ffkg-write-token", token.value.trim());
    button.disabled = true;
    const answer = data.action === "undo"
      ? await send("DELETE", "/api/curation/decisions/" + encodeURIComponent(data.id))
      : await send("POST", "/api/curation/decisions", decision(data));
    button.disabled = false;
    if (answer) {
      status.textContent = (data.action === "undo" ? "Undone " : "Decided ") + answer.id;
      status.className = "";
      window.location.reload();
    }
  });
  document.body.dataset.settled = "true";
})();

// Typeahead for the search box on every page: asks /api/search as you type and lists the best hits.
(function () {
  "use strict";
  const form = document.querySelector("form.fulltext");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector(".typeahead");
  let timer = null;
  let asked = 0;

  function close() { list.replaceChildren(); list.hidden = true; }

  function show(items) {
    list.replaceChildren();
    for (const hit of items) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = hit.url;
      const label = document.createElement("strong");
      label.textContent = hit.label;
      const type = document.createElement("small");
      type.textContent = " " + hit.type;
      const snippet = document.createElement("span");
      snippet.className = "snippet";
      snippet.innerHTML = hit.snippet_html;  // escaped by the server; only <mark> is markup
      link.append(label, type, snippet);
      item.append(link);
      list.append(item);
    }
    list.hidden = items.length === 0;
  }

  async function ask() {
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    const mine = ++asked;
    const response = await fetch("/api/search?limit=8&q=" + encodeURIComponent(q));
    if (mine !== asked) return;
    if (!response.ok) { close(); return; }
    show((await response.json()).items);
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 150); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      list.querySelector("a").focus();
    }
  });
  list.addEventListener("keydown", (event) => {
    const item = event.target.closest("li");
    if (!item) return;
    const next = event.key === "ArrowDown" ? item.nextElementSibling : event.key === "ArrowUp" ? item.previousElementSibling : null;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (next) next.querySelector("a").focus();
      else if (event.key === "ArrowUp") input.focus();
    }
    if (event.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", (event) => { if (!form.contains(event.target)) close(); });
})();

// The /query page: runs the editor's query against /sparql and shows the answer.
// Values are put on the page as text nodes only, never as HTML.
"use strict";

const examples = JSON.parse(document.getElementById("examples").textContent);
const editor = document.getElementById("editor");
const statusLine = document.getElementById("status");
const results = document.getElementById("results");

function termText(term) {
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return `${term.value} @${term["xml:lang"]}`;
  return term.value;
}

function showTable(data) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of data.head.vars) {
    const cell = document.createElement("th");
    cell.textContent = name;
    head.appendChild(cell);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of data.head.vars) row.insertCell().textContent = termText(binding[name]);
  }
  results.replaceChildren(table);
  return `${data.results.bindings.length} rows`;
}

function showText(text) {
  const pre = document.createElement("pre");
  pre.textContent = text;
  results.replaceChildren(pre);
}

async function run() {
  statusLine.className = "";
  statusLine.textContent = "running…";
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query: editor.value }),
    });
    const type = response.headers.get("content-type") || "";
    let summary;
    if (!response.ok) {
      const problem = type.includes("json") ? await response.json() : { title: response.statusText, detail: await response.text() };
      showText(problem.detail || "");
      statusLine.className = "error";
      statusLine.textContent = `${response.status} ${problem.title}`;
      return;
    }
    if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      if ("boolean" in data) {
        showText(String(data.boolean));
        summary = "ASK";
      } else {
        summary = showTable(data);
      }
    } else {
      showText(await response.text());
      summary = "graph";
    }
    statusLine.textContent = `${summary} in ${Math.round(performance.now() - started)} ms`;
  } catch (error) {
    statusLine.className = "error";
    statusLine.textContent = `request failed: ${error}`;
  }
}

document.getElementById("example").addEventListener("change", (event) => {
  const chosen = examples[Number(event.target.value)];
  if (event.target.value !== "" && chosen) editor.value = chosen.text;
});
document.getElementById("run").addEventListener("click", run);
editor.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
});

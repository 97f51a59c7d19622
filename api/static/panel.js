/* The side panel shared by the graph views and the flow map: a fact with its notes and the sentences behind
   it, fetched from /view/evidence when the drawing does not carry them. Every text that came from a document
   is put in the page with textContent, never as HTML. */
(function () {
  "use strict";

  const evidenceCache = new Map();

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function link(href, text) {
    const a = el("a", text);
    a.href = href;
    return a;
  }

  /* An edge record's colour: a string, or vis-style {color: ...} as older payloads wrote it. */
  function edgeColor(edge) {
    return typeof edge.color === "string" ? edge.color : (edge.color && edge.color.color) || "#aab2bb";
  }

  function factId(edge) {
    return edge.from + " " + edge.predicate + " " + edge.to;
  }

  function evidenceList(records) {
    const list = el("ul", null, "evidence");
    if (!records.length) list.appendChild(el("li", "No evidence sentence is recorded for this fact.", "muted"));
    records.forEach(function (record) {
      const item = el("li");
      item.appendChild(el("blockquote", record.sentence));
      const source = el("p", null, "source");
      source.appendChild(el("span", record.title, "doc-title"));
      source.appendChild(el("span", " \u2014 ", "muted"));
      const at = record.start === null || record.start === undefined ? "" : "#at-" + record.start + "-" + record.end;
      source.appendChild(link("/view/document/" + encodeURI(record.document) + at, record.document));
      const meta = [];
      if (record.outlet) meta.push(record.outlet);
      if (record.date) meta.push(record.date);
      meta.push(record.confidence === null ? "confidence not recorded" : "confidence " + record.confidence.toFixed(2));
      source.appendChild(el("span", " \u00b7 " + meta.join(" \u00b7 "), "muted"));
      item.appendChild(source);
      list.appendChild(item);
    });
    return list;
  }

  /* The sentences of a node's facts, one request per node and page. */
  function evidenceOf(node) {
    if (!evidenceCache.has(node)) {
      const request = fetch("/view/evidence?node=" + encodeURIComponent(node), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("the server answered " + response.status);
          return response.json();
        })
        .then(function (answer) {
          const found = new Map();
          answer.facts.forEach(function (fact) { found.set(factId(fact), fact.evidence); });
          return found;
        });
      evidenceCache.set(node, request);
    }
    return evidenceCache.get(node);
  }

  /* One fact: "A relation B", its notes, and its sentences (carried by the edge, or fetched for `node`). */
  function factItem(edge, labelOf, node) {
    const item = el("li", null, "fact");
    const head = el("p", null, "fact-head");
    head.appendChild(el("strong", labelOf(edge.from)));
    head.appendChild(el("span", " " + edge.label + " ", "predicate"));
    head.appendChild(el("strong", labelOf(edge.to)));
    item.appendChild(head);
    if (edge.notes && edge.notes.length) {
      const notes = el("ul", null, "notes");
      edge.notes.forEach(function (note) { notes.appendChild(el("li", note)); });
      item.appendChild(notes);
    }
    if (edge.evidence) {
      item.appendChild(evidenceList(edge.evidence));
    } else if (edge.source !== "tables") {
      const waiting = el("p", "Loading the sentences\u2026", "muted");
      item.appendChild(waiting);
      evidenceOf(node || edge.from).then(function (found) {
        waiting.replaceWith(evidenceList(found.get(factId(edge)) || []));
      }, function (error) {
        waiting.textContent = "The sentences could not be loaded: " + error.message;
      });
    }
    return item;
  }

  /* Save a blob as a download named `name`. */
  function save(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  window.ffkgPanel = {
    el: el, link: link, edgeColor: edgeColor, factId: factId, evidenceList: evidenceList, factItem: factItem, save: save,
  };
})();

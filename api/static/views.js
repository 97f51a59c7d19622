/* Draws a view's network from the JSON payload in the page and shows the evidence behind what is clicked.
   Every text that came from a document is put in the page with textContent, never as HTML. */
(function () {
  "use strict";

  const payload = JSON.parse(document.getElementById("payload").textContent);
  const nodes = new vis.DataSet(payload.nodes);
  const edges = new vis.DataSet(payload.edges);
  const container = document.getElementById("network");
  const panel = document.getElementById("panel");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, payload.options);

  function settled() {
    network.setOptions({ physics: { enabled: false } });
    network.fit();
    document.body.dataset.settled = "true";
  }
  if (payload.options.physics.enabled) {
    network.once("stabilizationIterationsDone", settled);
  } else {
    settled();
  }

  /* Parallels and meridians every 5 degrees behind a map-like view, labelled next to the outermost places. */
  function graticule(ctx, scale) {
    const all = nodes.get();
    const lons = all.map(function (n) { return n.x / scale; });
    const lats = all.map(function (n) { return -n.y / scale; });
    const step = 5;
    const west = Math.floor(Math.min.apply(null, lons) / step) * step - step;
    const east = Math.ceil(Math.max.apply(null, lons) / step) * step + step;
    const south = Math.floor(Math.min.apply(null, lats) / step) * step - step;
    const north = Math.ceil(Math.max.apply(null, lats) / step) * step + step;
    ctx.save();
    ctx.strokeStyle = "#e6eaef";
    ctx.fillStyle = "#9aa3ad";
    ctx.lineWidth = 1;
    ctx.font = "11px system-ui, sans-serif";
    for (let lon = west; lon <= east; lon += step) {
      ctx.beginPath();
      ctx.moveTo(lon * scale, -north * scale);
      ctx.lineTo(lon * scale, -south * scale);
      ctx.stroke();
      ctx.fillText(Math.abs(lon) + "\u00b0" + (lon < 0 ? "W" : "E"), lon * scale + 3, -(south + step) * scale + 14);
    }
    for (let lat = south; lat <= north; lat += step) {
      ctx.beginPath();
      ctx.moveTo(west * scale, -lat * scale);
      ctx.lineTo(east * scale, -lat * scale);
      ctx.stroke();
      ctx.fillText(Math.abs(lat) + "\u00b0" + (lat < 0 ? "S" : "N"), (west + step) * scale + 3, -lat * scale - 4);
    }
    ctx.restore();
  }
  if (payload.map) {
    network.on("beforeDrawing", function (ctx) { graticule(ctx, payload.map.scale); });
  }

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

  function evidenceList(records) {
    const list = el("ul", null, "evidence");
    if (!records.length) {
      list.appendChild(el("li", "No evidence sentence is recorded for this fact.", "muted"));
    }
    records.forEach(function (record) {
      const item = el("li");
      item.appendChild(el("blockquote", record.sentence));
      const source = el("p", null, "source");
      source.appendChild(el("span", record.title, "doc-title"));
      source.appendChild(el("span", " \u2014 ", "muted"));
      source.appendChild(link("/api/documents/" + encodeURI(record.document), record.document));
      const meta = [];
      if (record.date) meta.push(record.date);
      meta.push(record.confidence === null ? "confidence not recorded" : "confidence " + record.confidence.toFixed(2));
      source.appendChild(el("span", " \u00b7 " + meta.join(" \u00b7 "), "muted"));
      item.appendChild(source);
      list.appendChild(item);
    });
    return list;
  }

  function factItem(edge) {
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    const item = el("li", null, "fact");
    const head = el("p", null, "fact-head");
    head.appendChild(el("strong", from.full_label));
    head.appendChild(el("span", " " + edge.label + " ", "predicate"));
    head.appendChild(el("strong", to.full_label));
    item.appendChild(head);
    if (edge.notes && edge.notes.length) {
      const notes = el("ul", null, "notes");
      edge.notes.forEach(function (note) { notes.appendChild(el("li", note)); });
      item.appendChild(notes);
    }
    item.appendChild(evidenceList(edge.evidence));
    return item;
  }

  function show(children) {
    panel.replaceChildren.apply(panel, children);
  }

  function showNode(id) {
    const node = nodes.get(id);
    const parts = [el("h2", node.full_label), el("p", node.type_label + (node.date ? " \u00b7 " + node.date : ""), "muted")];
    if (node.url) {
      const open = el("p", null, "open");
      open.appendChild(link(node.url, "Open the network around " + node.full_label));
      parts.push(open);
    }
    const facts = edges.get({ filter: function (e) { return e.from === id || e.to === id; } });
    parts.push(el("h3", facts.length + (facts.length === 1 ? " fact" : " facts") + " in this view"));
    const list = el("ul", null, "facts");
    facts.forEach(function (edge) { list.appendChild(factItem(edge)); });
    parts.push(list);
    show(parts);
  }

  function showEdge(id) {
    const edge = edges.get(id);
    const list = el("ul", null, "facts");
    list.appendChild(factItem(edge));
    const parts = [el("h2", edge.label), list];
    if (edge.documents) parts.splice(1, 0, el("p", "attested by " + edge.documents + " document(s)", "muted"));
    show(parts);
  }

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });
  network.on("doubleClick", function (params) {
    const node = params.nodes.length ? nodes.get(params.nodes[0]) : null;
    if (node && node.url) window.location.assign(node.url);
  });

  window.ffkg = { network: network, nodes: nodes, edges: edges, payload: payload, showNode: showNode, showEdge: showEdge };
})();

/* Draws a view's network (sigma.js on WebGL, graphology, ForceAtlas2) from the JSON payload in the page,
   and shows the evidence behind what is clicked, fetched from /view/evidence when the page lacks it.
   Every text that came from a document is put in the page with textContent, never as HTML. */
(function () {
  "use strict";

  const lib = window.ffkgGraphLib;
  const P = window.ffkgPanel;
  const el = P.el;
  const link = P.link;
  const payload = JSON.parse(document.getElementById("payload").textContent);
  const container = document.getElementById("network");
  const panel = document.getElementById("panel");
  const tooltip = document.getElementById("tooltip");
  const graph = new lib.Graph({ multi: true, type: "directed" });
  let selected = null;

  /* Nodes without a position start on a golden-angle spiral (deterministic), then ForceAtlas2 spreads them. */
  function addNode(node, index, near) {
    if (graph.hasNode(node.id)) return false;
    let x;
    let y;
    if (node.x !== undefined && node.y !== undefined) {
      x = node.x;
      y = -node.y;
    } else if (near) {
      const angle = index * 2.399963;
      x = near.x + Math.cos(angle) * (2 + index * 0.3);
      y = near.y + Math.sin(angle) * (2 + index * 0.3);
    } else {
      const radius = 10 * Math.sqrt(index + 1);
      x = radius * Math.cos(index * 2.399963);
      y = radius * Math.sin(index * 2.399963);
    }
    graph.addNode(node.id, {
      x: x, y: y, size: node.size, color: node.color, label: node.label, full_label: node.full_label,
      key: node.key, url: node.url, date: node.date, title: node.title, type_label: node.type_label, record: node,
    });
    return true;
  }

  function addEdge(edge) {
    const id = P.factId(edge);
    if (graph.hasEdge(id) || !graph.hasNode(edge.from) || !graph.hasNode(edge.to)) return false;
    graph.addDirectedEdgeWithKey(id, edge.from, edge.to, {
      label: edge.label,
      size: Math.max(0.5, edge.width / 1.5),
      color: P.edgeColor(edge),
      type: "arrow",
      record: edge,
    });
    return true;
  }

  payload.nodes.forEach(function (node, index) { addNode(node, index, null); });
  payload.edges.forEach(addEdge);

  /* ForceAtlas2 passes run on this page: none when the server sent positions (the graph view always
     does), so a large drawing appears at once; small views without positions are laid out here. */
  let layoutPasses = 0;
  function layout(iterations) {
    if (payload.layout === "fixed" || graph.order < 2) return;
    const settings = lib.forceAtlas2.inferSettings(graph);
    settings.barnesHutOptimize = graph.order > 400;
    settings.adjustSizes = false;
    lib.forceAtlas2.assign(graph, { iterations: iterations, settings: settings });
    layoutPasses = iterations;
  }
  layout(Math.max(20, Math.min(400, Math.round(40000 / Math.max(graph.order, 1)))));

  const small = graph.order <= 150;
  /* Past a few thousand edges, what a frame costs is edges and labels: hide both while the camera
     moves (they come back when it stops) and draw labels only for nodes big on screen. */
  const large = graph.size > 2000 || graph.order > 1000;
  const renderer = new lib.Sigma(graph, container, {
    renderEdgeLabels: graph.size <= 120,
    enableEdgeEvents: graph.size <= 5000,
    hideEdgesOnMove: large,
    hideLabelsOnMove: large,
    labelRenderedSizeThreshold: small ? 0 : large ? 12 : 9,
    labelDensity: small ? 1 : large ? 0.07 : 0.15,
    labelGridCellSize: 120,
    defaultEdgeType: "arrow",
    zIndex: true,
    nodeReducer: function (node, data) {
      if (!selected) return data;
      const near = node === selected || graph.areNeighbors(node, selected);
      return near ? Object.assign({}, data, { zIndex: 1, highlighted: node === selected })
        : Object.assign({}, data, { color: "#e3e6ea", label: "", zIndex: 0 });
    },
    edgeReducer: function (edge, data) {
      if (!selected) return data;
      return graph.hasExtremity(edge, selected) ? Object.assign({}, data, { zIndex: 1 })
        : Object.assign({}, data, { hidden: true });
    },
  });

  function show(children) {
    panel.replaceChildren.apply(panel, children);
  }

  function label(id) {
    return graph.hasNode(id) ? graph.getNodeAttribute(id, "full_label") : id;
  }

  function factItem(edgeKey, node) {
    return P.factItem(graph.getEdgeAttribute(edgeKey, "record"), label, node);
  }

  /* "Expand": the node's own ego network, up to the payload's cap of new nodes, added around it. */
  function expand(id, button, status) {
    const key = graph.getNodeAttribute(id, "key");
    button.disabled = true;
    fetch("/view/entity/" + key + "?format=json").then(function (response) {
      if (!response.ok) throw new Error("the server answered " + response.status);
      return response.json();
    }).then(function (answer) {
      const origin = graph.getNodeAttributes(id);
      const fresh = answer.network.nodes.filter(function (n) { return !graph.hasNode(n.id); });
      const taken = fresh.slice(0, payload.expand_cap);
      taken.forEach(function (node, index) { addNode(Object.assign({}, node, { focus: false, x: undefined, y: undefined }), index, origin); });
      let facts = 0;
      answer.network.edges.forEach(function (edge) { if (addEdge(edge)) facts += 1; });
      let said = "Added " + taken.length + " neighbour(s) and " + facts + " fact(s).";
      if (fresh.length > taken.length) {
        said += " " + (fresh.length - taken.length) + " more not drawn: at most " + payload.expand_cap +
          " are added per click; open the entity's own view to see them all.";
      }
      status.textContent = said;
      renderer.refresh();
    }).catch(function (error) {
      status.textContent = "Could not expand: " + error.message;
      button.disabled = false;
    });
  }

  function showNode(id) {
    selected = id;
    renderer.refresh();
    const node = graph.getNodeAttributes(id);
    const parts = [el("h2", node.full_label), el("p", node.type_label + (node.date ? " \u00b7 " + node.date : ""), "muted")];
    if (node.url) {
      const open = el("p", null, "open");
      open.appendChild(link(node.url, "Open the network around " + node.full_label));
      if (node.date) {
        open.appendChild(el("span", " \u00b7 "));
        open.appendChild(link("/view/timeline?entity=" + encodeURIComponent(node.key), "on the timeline"));
      }
      parts.push(open);
      const status = el("p", null, "muted");
      const button = el("button", "Expand: add its neighbours (up to " + payload.expand_cap + ")");
      button.type = "button";
      button.className = "expand";
      button.addEventListener("click", function () { expand(id, button, status); });
      parts.push(button, status);
    }
    const facts = graph.edges(id);
    parts.push(el("h3", facts.length + (facts.length === 1 ? " fact" : " facts") + " in this view"));
    const list = el("ul", null, "facts");
    facts.forEach(function (edge) { list.appendChild(factItem(edge, id)); });
    parts.push(list);
    show(parts);
  }

  function showEdge(key) {
    const edge = graph.getEdgeAttribute(key, "record");
    const list = el("ul", null, "facts");
    list.appendChild(factItem(key, null));
    const parts = [el("h2", edge.label), list];
    if (edge.documents) parts.splice(1, 0, el("p", "attested by " + edge.documents + " document(s)", "muted"));
    show(parts);
  }

  function tip(text, event) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    tooltip.style.left = event.x + 14 + "px";
    tooltip.style.top = event.y + 14 + "px";
  }

  renderer.on("clickNode", function (event) { showNode(event.node); });
  renderer.on("clickEdge", function (event) { showEdge(event.edge); });
  renderer.on("clickStage", function () { selected = null; renderer.refresh(); });
  renderer.on("doubleClickNode", function (event) {
    event.preventSigmaDefault();
    const url = graph.getNodeAttribute(event.node, "url");
    if (url) window.location.assign(url);
  });
  renderer.on("enterNode", function (event) { tip(graph.getNodeAttribute(event.node, "title"), event.event); });
  renderer.on("enterEdge", function (event) { tip(graph.getEdgeAttribute(event.edge, "record").title, event.event); });
  renderer.on("leaveNode", function () { tooltip.hidden = true; });
  renderer.on("leaveEdge", function () { tooltip.hidden = true; });

  /* Search-to-focus: an exact label first, else the first label containing the words. */
  function focusOn(query) {
    const wanted = query.trim().toLowerCase();
    if (!wanted) return null;
    const names = graph.mapNodes(function (id, attrs) { return [id, attrs.full_label.toLowerCase()]; });
    const found = names.find(function (pair) { return pair[1] === wanted; }) ||
      names.find(function (pair) { return pair[1].includes(wanted); });
    if (!found) return null;
    const position = renderer.getNodeDisplayData(found[0]);
    renderer.getCamera().animate({ x: position.x, y: position.y, ratio: 0.25 }, { duration: 400 });
    showNode(found[0]);
    return found[0];
  }
  const focusForm = document.getElementById("focus");
  focusForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const query = focusForm.elements.q.value;
    const found = focusOn(query);
    document.getElementById("focus-status").textContent = found ? "" : "No node in this drawing is called \u201c" + query + "\u201d.";
  });

  /* SVG: the drawing as the camera shows it, nodes, edges and the labels of the larger nodes. */
  function toSvg() {
    const ns = "http://www.w3.org/2000/svg";
    const box = container.getBoundingClientRect();
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("xmlns", ns);
    svg.setAttribute("width", box.width);
    svg.setAttribute("height", box.height);
    svg.setAttribute("viewBox", "0 0 " + box.width + " " + box.height);
    const background = document.createElementNS(ns, "rect");
    background.setAttribute("width", "100%");
    background.setAttribute("height", "100%");
    background.setAttribute("fill", "#ffffff");
    svg.appendChild(background);
    function at(node) { return renderer.framedGraphToViewport(renderer.getNodeDisplayData(node)); }
    graph.forEachEdge(function (edge, attrs, source, target) {
      const a = at(source);
      const b = at(target);
      const line = document.createElementNS(ns, "line");
      line.setAttribute("x1", a.x); line.setAttribute("y1", a.y); line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
      line.setAttribute("stroke", attrs.color);
      line.setAttribute("stroke-width", attrs.size);
      svg.appendChild(line);
    });
    const scale = renderer.getCamera().ratio;
    graph.forEachNode(function (node, attrs) {
      const p = at(node);
      const size = renderer.getNodeDisplayData(node).size / Math.sqrt(scale);
      const circle = document.createElementNS(ns, "circle");
      circle.setAttribute("cx", p.x); circle.setAttribute("cy", p.y); circle.setAttribute("r", Math.max(size, 1.5));
      circle.setAttribute("fill", attrs.color);
      svg.appendChild(circle);
      if (small || size >= 9) {
        const text = document.createElementNS(ns, "text");
        text.setAttribute("x", p.x + size + 2); text.setAttribute("y", p.y + 4);
        text.setAttribute("font-family", "system-ui, sans-serif"); text.setAttribute("font-size", "12");
        text.textContent = attrs.label;
        svg.appendChild(text);
      }
    });
    return new XMLSerializer().serializeToString(svg);
  }

  const fileName = "ffkg-" + (document.body.className.replace("view-", "") || "view");
  document.getElementById("export-svg").addEventListener("click", function () {
    P.save(new Blob([toSvg()], { type: "image/svg+xml" }), fileName + ".svg");
  });
  document.getElementById("export-png").addEventListener("click", function () {
    lib.toBlob(renderer, { format: "png", backgroundColor: "#ffffff" }).then(function (blob) { P.save(blob, fileName + ".png"); });
  });

  /* What the drawing holds now (the payload plus what "expand" added), as the JSON twin shapes it. */
  function data() {
    return {
      nodes: graph.mapNodes(function (id, attrs) { return attrs.record; }),
      edges: graph.mapEdges(function (id, attrs) { return attrs.record; }),
    };
  }
  function screenPosition(id) {
    const p = renderer.framedGraphToViewport(renderer.getNodeDisplayData(id));
    const box = container.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }

  window.ffkg = {
    graph: graph, renderer: renderer, payload: payload, data: data, showNode: showNode, showEdge: showEdge,
    focusOn: focusOn, screenPosition: screenPosition, toSvg: toSvg, layoutPasses: layoutPasses,
  };
  const focus = new URLSearchParams(window.location.search).get("focus");
  renderer.once("afterRender", function () {
    const wanted = focus && graph.findNode(function (id, attrs) { return attrs.key === focus; });
    if (wanted) {
      const p = renderer.getNodeDisplayData(wanted);
      renderer.getCamera().setState({ x: p.x, y: p.y, ratio: 0.3 });
      showNode(wanted);
    }
    document.body.dataset.settled = "true";
  });
  renderer.refresh();
})();

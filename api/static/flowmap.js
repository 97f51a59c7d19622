/* The flow map: countries and US states from the bundled atlases (world-atlas, us-atlas), drawn with d3-geo
   as SVG; routes as arrows between places, cities at their points, countries and states as areas with the
   route ending at the centre of their largest part. Places with no geometry are listed beside the map with
   their routes, never drawn at an invented position. Nothing is fetched from another host. */
(function () {
  "use strict";

  const G = window.ffkgGraphLib;
  const M = window.ffkgMapLib;
  const P = window.ffkgPanel;
  const SVG = "http://www.w3.org/2000/svg";
  const payload = JSON.parse(document.getElementById("payload").textContent);
  const container = document.getElementById("map");
  const panel = document.getElementById("panel");
  const graph = new G.Graph({ multi: true, type: "directed" });
  const anchors = new Map();

  payload.nodes.forEach(function (node) {
    graph.addNode(node.id, { full_label: node.full_label, label: node.label, geo: node.geo, url: node.url, record: node });
  });
  payload.edges.forEach(function (edge) {
    graph.addDirectedEdgeWithKey(P.factId(edge), edge.from, edge.to, { record: edge, color: P.edgeColor(edge) });
  });

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function label(id) {
    return graph.hasNode(id) ? graph.getNodeAttribute(id, "full_label") : id;
  }

  function showEdge(key) {
    const edge = graph.getEdgeAttribute(key, "record");
    const list = P.el("ul", null, "facts");
    list.appendChild(P.factItem(edge, label, null));
    const parts = [P.el("h2", edge.label), list];
    if (edge.documents) parts.splice(1, 0, P.el("p", "attested by " + edge.documents + " document(s)", "muted"));
    panel.replaceChildren.apply(panel, parts);
  }

  function showNode(id) {
    const node = graph.getNodeAttributes(id);
    const parts = [P.el("h2", node.full_label), P.el("p", node.record.type_label, "muted")];
    if (node.url) {
      const open = P.el("p", null, "open");
      open.appendChild(P.link(node.url, "Open the network around " + node.full_label));
      parts.push(open);
    }
    const facts = graph.edges(id);
    parts.push(P.el("h3", facts.length + (facts.length === 1 ? " route" : " routes") + " on this map"));
    const list = P.el("ul", null, "facts");
    facts.forEach(function (key) { list.appendChild(P.factItem(graph.getEdgeAttribute(key, "record"), label, id)); });
    parts.push(list);
    panel.replaceChildren.apply(panel, parts);
  }

  /* The centre of the largest part of an area, so the United States' routes end in the lower 48, not in Canada. */
  function centre(feature) {
    if (feature.geometry.type !== "MultiPolygon") return M.geoCentroid(feature);
    let best = null;
    let largest = -1;
    feature.geometry.coordinates.forEach(function (polygon) {
      const part = { type: "Polygon", coordinates: polygon };
      const size = M.geoArea(part);
      if (size > largest) { largest = size; best = part; }
    });
    return M.geoCentroid(best);
  }

  function listUnplaced() {
    const list = document.querySelector("#unplaced ul");
    const missing = graph.filterNodes(function (id, attrs) { return !attrs.geo || !anchors.has(id); });
    document.getElementById("unplaced").hidden = missing.length === 0;
    missing.forEach(function (id) {
      const item = P.el("li");
      item.dataset.iri = id;
      item.appendChild(P.el("strong", label(id)));
      item.appendChild(P.el("span", " " + graph.getNodeAttribute(id, "record").type_label, "muted"));
      const routes = P.el("ul");
      graph.edges(id).forEach(function (key) {
        const edge = graph.getEdgeAttribute(key, "record");
        const row = P.el("li");
        const text = edge.from === id ? "to " + label(edge.to) : "from " + label(edge.from);
        const button = P.link("#", text + " (" + edge.label + ")");
        button.addEventListener("click", function (event) { event.preventDefault(); showEdge(key); });
        row.appendChild(button);
        routes.appendChild(row);
      });
      item.appendChild(routes);
      list.appendChild(item);
    });
  }

  function draw(world, us) {
    const countries = M.feature(world, world.objects.countries).features;
    const states = M.feature(us, us.objects.states).features;
    const byCountry = new Map(countries.map(function (f) { return [String(f.id), f]; }));
    const byState = new Map(states.map(function (f) { return [f.properties.name, f]; }));
    const areas = new Map();
    const focus = [];
    graph.forEachNode(function (id, attrs) {
      const geo = attrs.geo;
      if (!geo) return;
      if (geo.point) {
        anchors.set(id, geo.point);
        focus.push({ type: "Feature", geometry: { type: "Point", coordinates: geo.point } });
        return;
      }
      const feature = geo.layer === "countries" ? byCountry.get(geo.id) : byState.get(geo.name);
      if (!feature) return;
      areas.set(id, feature);
      anchors.set(id, centre(feature));
      focus.push({ type: "Feature", geometry: { type: "Point", coordinates: centre(feature) } });
    });
    const width = container.clientWidth;
    const height = container.clientHeight;
    const projection = M.geoEqualEarth();
    if (focus.length > 1) {
      projection.fitExtent([[60, 40], [width - 60, height - 40]], { type: "FeatureCollection", features: focus });
      if (projection.scale() > 4 * width) projection.scale(4 * width);
    } else {
      projection.fitExtent([[10, 10], [width - 10, height - 10]], { type: "Sphere" });
      if (focus.length === 1) projection.center(focus[0].geometry.coordinates).translate([width / 2, height / 2]).scale(3 * width);
    }
    const path = M.geoPath(projection);
    const svg = svgEl("svg", { xmlns: SVG, viewBox: "0 0 " + width + " " + height, width: width, height: height });
    svg.appendChild(svgEl("rect", { width: width, height: height, fill: "#f4f8fb" }));
    svg.appendChild(svgEl("path", { d: path(M.geoGraticule10()), fill: "none", stroke: "#e2e8ee", "stroke-width": 0.5 }));
    const land = svgEl("g", { "class": "land" });
    countries.forEach(function (f) {
      land.appendChild(svgEl("path", { d: path(f), fill: "#e9ece8", stroke: "#b9c0c7", "stroke-width": 0.5 }));
    });
    svg.appendChild(land);
    svg.appendChild(svgEl("path", { d: path(M.mesh(us, us.objects.states, function (a, b) { return a !== b; })), fill: "none", stroke: "#c9ced3", "stroke-width": 0.5 }));
    const involved = svgEl("g", { "class": "areas" });
    areas.forEach(function (feature, id) {
      const shape = svgEl("path", { d: path(feature), fill: "#d5e3ef", stroke: "#7f9bb5", "stroke-width": 1, "class": "place area", "data-iri": id });
      shape.appendChild(svgEl("title", {}, label(id)));
      shape.addEventListener("click", function () { showNode(id); });
      involved.appendChild(shape);
    });
    svg.appendChild(involved);
    const defs = svgEl("defs", {});
    const colours = new Set();
    graph.forEachEdge(function (key, attrs) { colours.add(attrs.color); });
    Array.from(colours).forEach(function (colour, index) {
      const marker = svgEl("marker", { id: "arrow" + index, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto-start-reverse", markerUnits: "strokeWidth" });
      marker.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
      defs.appendChild(marker);
    });
    svg.appendChild(defs);
    const palette = Array.from(colours);
    const routes = svgEl("g", { "class": "routes" });
    const bends = new Map();
    graph.forEachEdge(function (key, attrs, source, target) {
      if (!anchors.has(source) || !anchors.has(target)) return;
      const a = projection(anchors.get(source));
      const b = projection(anchors.get(target));
      const pair = [source, target].sort().join(" ");
      const bend = (bends.get(pair) || 0) + 1;
      bends.set(pair, bend);
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const lift = 0.15 * bend * (source < target ? 1 : -1);
      const cx = (a[0] + b[0]) / 2 - dy * lift;
      const cy = (a[1] + b[1]) / 2 + dx * lift;
      const line = svgEl("path", {
        d: "M" + a[0] + "," + a[1] + " Q" + cx + "," + cy + " " + b[0] + "," + b[1],
        fill: "none", stroke: attrs.color, "stroke-width": Math.min(attrs.record.width, 12), "stroke-opacity": 0.75,
        "stroke-linecap": "round", "marker-end": "url(#arrow" + palette.indexOf(attrs.color) + ")",
        "class": "route", "data-key": key,
      });
      line.appendChild(svgEl("title", {}, attrs.record.title));
      line.addEventListener("click", function () { showEdge(key); });
      routes.appendChild(line);
    });
    svg.appendChild(routes);
    const places = svgEl("g", { "class": "places" });
    anchors.forEach(function (point, id) {
      const [x, y] = projection(point);
      const dot = svgEl("circle", { cx: x, cy: y, r: areas.has(id) ? 3 : 4.5, fill: areas.has(id) ? "#3b5b78" : "#4e79a7", stroke: "#fff", "stroke-width": 1, "class": "place", "data-iri": id });
      dot.appendChild(svgEl("title", {}, label(id)));
      dot.addEventListener("click", function () { showNode(id); });
      places.appendChild(dot);
      places.appendChild(svgEl("text", { x: x + 6, y: y - 5, "font-family": "system-ui, sans-serif", "font-size": 12, fill: "#1d2733", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" }, graph.getNodeAttribute(id, "label")));
    });
    svg.appendChild(places);
    container.replaceChildren(svg);
    return svg;
  }

  function exportPng(svg) {
    const image = new Image();
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" }));
    image.onload = function () {
      const canvas = document.createElement("canvas");
      canvas.width = svg.getAttribute("width") * 2;
      canvas.height = svg.getAttribute("height") * 2;
      const context = canvas.getContext("2d");
      context.scale(2, 2);
      context.drawImage(image, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) { P.save(blob, "ffkg-flows.png"); });
    };
    image.src = url;
  }

  function atlas(name) {
    return fetch("/static/vendor/atlas/" + name).then(function (response) {
      if (!response.ok) throw new Error(name + ": " + response.status);
      return response.json();
    });
  }

  Promise.all([atlas("countries-50m.json"), atlas("states-10m.json")]).then(function (loaded) {
    const svg = draw(loaded[0], loaded[1]);
    listUnplaced();
    document.getElementById("export-svg").addEventListener("click", function () {
      P.save(new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" }), "ffkg-flows.svg");
    });
    document.getElementById("export-png").addEventListener("click", function () { exportPng(svg); });
    document.body.dataset.settled = "true";
  });

  window.ffkg = {
    graph: graph, payload: payload, anchors: anchors, showNode: showNode, showEdge: showEdge,
    data: function () { return { nodes: payload.nodes, edges: payload.edges }; },
  };
})();

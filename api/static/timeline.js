/* The timeline view: vis-timeline draws the events; a click shows who took part, a double-click opens the
   event, and the visible window becomes the date filter of the graph view's link. Text from documents
   goes into the page with textContent, never as HTML. */
(function () {
  "use strict";

  const P = window.ffkgPanel;
  const el = P.el;
  const link = P.link;
  const payload = JSON.parse(document.getElementById("payload").textContent);
  const panel = document.getElementById("panel");
  const rangeLink = document.getElementById("graph-range");
  const byId = new Map(payload.events.map(function (item) { return [item.id, item]; }));
  const items = new vis.DataSet(payload.events.map(function (item) {
    return {
      id: item.id, content: item.content, start: item.start, end: item.end, type: item.type, group: item.group,
      style: item.style, title: item.type_label + " \u00b7 " + item.date,
    };
  }));
  const groups = new vis.DataSet(payload.groups.map(function (group) {
    return { id: group.id, content: group.content, style: "color: " + group.color };
  }));
  const timeline = new vis.Timeline(document.getElementById("timeline"), items, groups, {
    stack: true,
    zoomMin: 1000 * 60 * 60 * 24 * 7,
    margin: { item: 6 },
    orientation: "top",
    xss: { disabled: false },
    tooltip: { followMouse: true },
  });

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }

  function showRange() {
    const window_ = timeline.getWindow();
    const query = new URLSearchParams({ date_from: iso(window_.start), date_to: iso(window_.end) });
    rangeLink.href = "/view/graph?" + query.toString();
    rangeLink.textContent = "Show " + iso(window_.start) + " to " + iso(window_.end) + " in the graph";
  }

  function showEvent(id) {
    const item = byId.get(id);
    const parts = [el("h2", item.content), el("p", item.type_label + " \u00b7 " + item.date, "muted")];
    const open = el("p", null, "open");
    open.append(link(item.url, "Open its network"), el("span", " \u00b7 "), link(item.graph_url, "Find it in the graph"));
    parts.push(open);
    const list = el("ul", null, "participants");
    item.participants.forEach(function (row) {
      const entry = el("li");
      entry.append(el("span", row.role + ": ", "predicate"));
      entry.append(row.key ? link("/view/entity/" + row.key, row.label) : el("span", row.label));
      list.appendChild(entry);
    });
    parts.push(el("h3", item.participants.length ? "Involves" : "No participant recorded"), list);
    panel.replaceChildren.apply(panel, parts);
  }

  timeline.on("select", function (properties) {
    if (properties.items.length) showEvent(properties.items[0]);
  });
  timeline.on("doubleClick", function (properties) {
    if (properties.item !== null && byId.has(properties.item)) window.location.assign(byId.get(properties.item).url);
  });
  timeline.on("rangechanged", showRange);

  document.getElementById("export-png").addEventListener("click", function () {
    window.ffkgImageLib.toPng(document.getElementById("timeline"), { backgroundColor: "#ffffff" })
      .then(function (url) { return fetch(url); })
      .then(function (response) { return response.blob(); })
      .then(function (blob) { P.save(blob, "ffkg-timeline.png"); });
  });

  window.ffkg = { timeline: timeline, payload: payload, showEvent: showEvent };
  timeline.once("changed", function () {
    showRange();
    document.body.dataset.settled = "true";
  });
})();

/* The /query page: YASGUI pointed at this server's /sparql, completing only from our ontology (the stock
   class and property completers ask an online vocabulary service), with our example questions and a
   bar chart of results that pair a name with a number, and a map of results with latitude and longitude.
   Nothing here calls another host. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("payload").textContent);
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const endpoint = window.location.origin + config.endpoint;

  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "class" && name !== "property";
  });
  Yasqe.forkAutocompleter("class", { name: "ffkgClass", bulk: true, persistenceId: null, get: function () { return config.classes; } });
  Yasqe.forkAutocompleter("property", {
    name: "ffkgProperty", bulk: true, persistenceId: null, get: function () { return config.properties; },
  });

  function shorten(iri) {
    for (const prefix of Object.keys(config.prefixes)) {
      const namespace = config.prefixes[prefix];
      if (iri.startsWith(namespace)) return prefix + ":" + iri.slice(namespace.length);
    }
    return iri;
  }

  /* A YASR view: one bar per row when the results have a numeric column and a column to name the bars. */
  class BarChart {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = "Chart";
    }

    columns() {
      const results = this.yasr.results;
      if (!results || results.getType() !== "json" || !results.getVariables) return null;
      const names = results.getVariables();
      const rows = results.getBindings() || [];
      if (!rows.length || rows.length > 100) return null;
      const isNumber = function (name) {
        return rows.every(function (row) { return row[name] && row[name].type !== "uri" && row[name].value !== "" && !isNaN(Number(row[name].value)); });
      };
      const value = names.find(isNumber);
      const label = names.find(function (name) { return name !== value && !isNumber(name) && rows.every(function (row) { return row[name]; }); });
      return value && label ? { value: value, label: label, rows: rows } : null;
    }

    canHandleResults() {
      return this.columns() !== null;
    }

    getIcon() {
      const icon = document.createElement("span");
      icon.textContent = "\u2587";
      return icon;
    }

    draw() {
      const found = this.columns();
      const ns = "http://www.w3.org/2000/svg";
      const barHeight = 22;
      const labelWidth = 320;
      const width = 900;
      const max = Math.max.apply(null, found.rows.map(function (row) { return Number(row[found.value].value); }).concat([1]));
      const svg = document.createElementNS(ns, "svg");
      svg.setAttribute("class", "ffkg-chart");
      svg.setAttribute("width", width);
      svg.setAttribute("height", found.rows.length * barHeight + 30);
      const caption = document.createElementNS(ns, "text");
      caption.setAttribute("x", labelWidth);
      caption.setAttribute("y", 14);
      caption.textContent = "?" + found.value + " by ?" + found.label;
      svg.appendChild(caption);
      found.rows.forEach(function (row, index) {
        const y = 24 + index * barHeight;
        const number = Number(row[found.value].value);
        const name = row[found.label].type === "uri" ? shorten(row[found.label].value) : row[found.label].value;
        const text = document.createElementNS(ns, "text");
        text.setAttribute("x", labelWidth - 8);
        text.setAttribute("y", y + 15);
        text.setAttribute("text-anchor", "end");
        text.textContent = name.length > 48 ? name.slice(0, 47) + "\u2026" : name;
        const bar = document.createElementNS(ns, "rect");
        bar.setAttribute("x", labelWidth);
        bar.setAttribute("y", y + 3);
        bar.setAttribute("height", barHeight - 6);
        bar.setAttribute("width", Math.max(1, (width - labelWidth - 60) * number / max));
        bar.setAttribute("fill", "#4e79a7");
        const amount = document.createElementNS(ns, "text");
        amount.setAttribute("x", labelWidth + Math.max(1, (width - labelWidth - 60) * number / max) + 4);
        amount.setAttribute("y", y + 15);
        amount.textContent = String(number);
        svg.append(text, bar, amount);
      });
      this.yasr.resultsEl.replaceChildren(svg);
    }
  }
  Yasr.registerPlugin("chart", BarChart);

  /* A YASR view: the rows as points on the bundled world atlas when they have latitude and longitude
     columns (?lat and ?long / ?lon, as geo:lat and geo:long give them). */
  class PointMap {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 4;
      this.label = "Map";
    }

    columns() {
      const results = this.yasr.results;
      if (!results || results.getType() !== "json" || !results.getVariables) return null;
      const names = results.getVariables();
      const lat = names.find(function (name) { return /^lat(itude)?$/i.test(name); });
      const lon = names.find(function (name) { return /^(lon|long|longitude|lng)$/i.test(name); });
      const rows = (results.getBindings() || []).filter(function (row) {
        return lat && lon && row[lat] && row[lon] && !isNaN(Number(row[lat].value)) && !isNaN(Number(row[lon].value));
      });
      if (!rows.length) return null;
      const label = names.find(function (name) { return name !== lat && name !== lon; });
      return { lat: lat, lon: lon, label: label, rows: rows };
    }

    canHandleResults() {
      return this.columns() !== null;
    }

    getIcon() {
      const icon = document.createElement("span");
      icon.textContent = "\u25c9";
      return icon;
    }

    draw() {
      const found = this.columns();
      const target = this.yasr.resultsEl;
      const M = window.ffkgMapLib;
      return fetch("/static/vendor/atlas/countries-50m.json").then(function (response) { return response.json(); }).then(function (world) {
        const ns = "http://www.w3.org/2000/svg";
        const width = 900;
        const height = 480;
        const points = found.rows.map(function (row) { return [Number(row[found.lon].value), Number(row[found.lat].value)]; });
        const projection = M.geoEqualEarth();
        if (points.length > 1) {
          projection.fitExtent([[40, 30], [width - 40, height - 30]], { type: "MultiPoint", coordinates: points });
        } else {
          projection.center(points[0]).translate([width / 2, height / 2]).scale(1200);
        }
        const path = M.geoPath(projection);
        const svg = document.createElementNS(ns, "svg");
        svg.setAttribute("class", "ffkg-map");
        svg.setAttribute("width", width);
        svg.setAttribute("height", height);
        M.feature(world, world.objects.countries).features.forEach(function (country) {
          const shape = document.createElementNS(ns, "path");
          shape.setAttribute("d", path(country));
          shape.setAttribute("fill", "#e9ece8");
          shape.setAttribute("stroke", "#b9c0c7");
          svg.appendChild(shape);
        });
        found.rows.forEach(function (row, index) {
          const xy = projection(points[index]);
          const dot = document.createElementNS(ns, "circle");
          dot.setAttribute("cx", xy[0]);
          dot.setAttribute("cy", xy[1]);
          dot.setAttribute("r", 4);
          dot.setAttribute("fill", "#4e79a7");
          const title = document.createElementNS(ns, "title");
          const named = found.label && row[found.label];
          title.textContent = named ? (named.type === "uri" ? shorten(named.value) : named.value) : points[index].join(", ");
          dot.appendChild(title);
          svg.appendChild(dot);
        });
        target.replaceChildren(svg);
      });
    }
  }
  Yasr.registerPlugin("map", PointMap);

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    populateFromUrl: false,
    autofocus: false,
    yasr: { prefixes: config.prefixes, defaultPlugin: "table", pluginOrder: ["table", "chart", "map", "response"] },
  });

  function tab() {
    const current = yasgui.getTab();
    current.setEndpoint(endpoint);
    return current;
  }
  if (config.examples.length && !tab().getQuery().includes("ffkg:")) tab().setQuery(config.examples[0].text);

  document.getElementById("example").addEventListener("change", function (event) {
    const chosen = config.examples[Number(event.target.value)];
    if (event.target.value !== "" && chosen) {
      tab().setQuery(chosen.text);
      tab().query();
    }
  });

  window.ffkg = { yasgui: yasgui, config: config };
  document.body.dataset.settled = "true";
})();

// Rebuilds api/static/vendor/ from the exact versions in package-lock.json: `npm ci && npm run vendor`.
// The outputs are committed, so a clone or the wheel serves every view without npm or any CDN.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "api", "static", "vendor");
const modules = join(root, "node_modules");

// Our own entry files, bundled into one minified script each that sets a window global.
const bundles = {
  graph: "ffkgGraphLib",
  map: "ffkgMapLib",
  image: "ffkgImageLib",
};
// Prebuilt distributions copied as they ship (already minified, no source maps).
const copies = {
  "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js": "vis-timeline.min.js",
  "vis-timeline/styles/vis-timeline-graph2d.min.css": "vis-timeline.min.css",
  "@zazuko/yasgui/build/yasgui.min.js": "yasgui.min.js",
  "@zazuko/yasgui/build/yasgui.min.css": "yasgui.min.css",
  "world-atlas/countries-50m.json": "atlas/countries-50m.json",
  "us-atlas/states-10m.json": "atlas/states-10m.json",
};
// Each package whose code or data we ship, for its licence.
const licensed = [
  "graphology", "sigma", "graphology-layout-forceatlas2", "@sigma/export-image", "d3-geo", "topojson-client",
  "html-to-image", "vis-timeline", "@zazuko/yasgui", "world-atlas", "us-atlas",
];

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "atlas"), { recursive: true });
mkdirSync(join(out, "licenses"), { recursive: true });
for (const [name, globalName] of Object.entries(bundles)) {
  await build({
    entryPoints: [join(root, "scripts", "vendor", `${name}.js`)],
    outfile: join(out, `${name}.js`),
    bundle: true,
    minify: true,
    format: "iife",
    globalName,
    target: "es2019",
    legalComments: "none",
    logLevel: "warning",
  });
}
// Source-map comments point at files we do not ship; a browser with devtools open would ask for them.
const sourceMap = /\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+ \*\/)\s*$/;
for (const [from, to] of Object.entries(copies)) {
  if (/\.(js|css)$/.test(from)) {
    writeFileSync(join(out, to), readFileSync(join(modules, from), "utf8").replace(sourceMap, "\n"));
  } else {
    cpSync(join(modules, from), join(out, to));
  }
}
const versions = {};
for (const name of licensed) {
  const manifest = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
  versions[name] = `${manifest.version} (${manifest.license})`;
  const licence = ["LICENSE", "LICENSE.txt", "LICENSE.md"].map((file) => join(modules, name, file)).find(existsSync);
  const target = join(out, "licenses", `${name.replace("/", "__")}.txt`);
  if (licence) cpSync(licence, target);
  else writeFileSync(target, `${name} ${manifest.version}: ${manifest.license}, as its package.json states.\n`);
}
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");

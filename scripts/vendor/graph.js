// The graph views' libraries: graphology holds the network, sigma draws it with WebGL,
// ForceAtlas2 lays it out, export-image saves what is drawn as a PNG.
export { default as Graph } from "graphology";
export { default as Sigma } from "sigma";
export { default as forceAtlas2 } from "graphology-layout-forceatlas2";
export { downloadAsPNG, toBlob } from "@sigma/export-image";

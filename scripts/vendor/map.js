// The flow map's libraries: d3-geo projects and draws the atlas, topojson-client unpacks it.
export { geoEqualEarth, geoPath, geoCentroid, geoBounds, geoGraticule10, geoInterpolate } from "d3-geo";
export { feature, mesh } from "topojson-client";

// The flow map's libraries: d3-geo projects and draws the atlas, topojson-client unpacks it.
export { geoArea, geoCentroid, geoEqualEarth, geoGraticule10, geoPath } from "d3-geo";
export { feature, mesh } from "topojson-client";

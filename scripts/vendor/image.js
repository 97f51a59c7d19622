// Saves a DOM view (the timeline) as a PNG, drawn in the browser with no request out.
export { toPng } from "html-to-image";

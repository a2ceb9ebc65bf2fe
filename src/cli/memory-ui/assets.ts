import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The page's files, bundled by scripts/build.mjs into dist/memory-ui/: nothing is fetched at run time. */
export interface PageAssets {
  "/": string;
  "/app.js": string;
  "/app.css": string;
}

export const ASSET_TYPES: Record<keyof PageAssets, string> = {
  "/": "text/html; charset=utf-8",
  "/app.js": "text/javascript; charset=utf-8",
  "/app.css": "text/css; charset=utf-8",
};

/**
 * Reads the built page once. The server runs from a chunk in dist/, beside dist/memory-ui/; from
 * the sources (a unit test) the same folder is found from the repository root.
 */
export function loadPageAssets(): PageAssets {
  const candidates = [
    new URL("./memory-ui/", import.meta.url),
    new URL("../../../dist/memory-ui/", import.meta.url),
  ];
  const folder = candidates.map((url) => fileURLToPath(url)).find((path) => existsSync(`${path}index.html`));
  if (!folder) throw new Error("the memory browser's page is not built (run npm run build)");
  const read = (file: string) => readFileSync(`${folder}${file}`, "utf8");
  return { "/": read("index.html"), "/app.js": read("app.js"), "/app.css": read("app.css") };
}

// Generates site/sw.js with Workbox: precache every built file so the handbook works offline.
import { generateSW } from "workbox-build";

const site = process.argv[2];
const { count, size, warnings } = await generateSW({
  globDirectory: site,
  globPatterns: ["**/*.{html,css,js,mjs,json,py,wasm,zip,svg,png,ico,txt,webmanifest}"],
  globIgnores: ["sw.js", "workbox-*.js"],
  swDest: `${site}/sw.js`,
  // The Pyodide runtime is ~13 MB; it is only in the build when mkdocs.yml selects it.
  maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
  // No page depends on its query string (Material adds ?h= for search highlights): serve the cached
  // file whatever the parameters.
  ignoreURLParametersMatching: [/.*/],
  cleanupOutdatedCaches: true,
  clientsClaim: true,
  skipWaiting: true,
  inlineWorkboxRuntime: true,
  sourcemap: false,
  mode: "production",
});
for (const w of warnings) console.error(w);
console.log(`service worker: ${count} files, ${(size / 1048576).toFixed(1)} MB precached`);

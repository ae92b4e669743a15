// ESLint flat config: the browser scripts the site serves and the Node tools.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["docs/assets/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    // `const { format, ...data } = x` drops a field on purpose.
    rules: { "no-unused-vars": ["error", { ignoreRestSiblings: true }] },
  },
  {
    // Classic script (no import/export): loaded with <script defer> on every page.
    files: ["docs/assets/js/handbook.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["docs/assets/js/engine-worker.js"],
    languageOptions: { globals: { ...globals.worker } },
  },
  {
    // Classic browser script put in front of Material's bundle by tools/search_worker.py.
    files: ["tools/search_gate.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.browser } },
  },
  {
    files: ["tools/service_worker.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.serviceworker } },
  },
  {
    files: ["tools/**/*.mjs", "eslint.config.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];

// One lint config for every package; type-aware rules are left to `tsc --noEmit` (typecheck task).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import boundaries from "./infra/lint/workspace-boundaries.mjs";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // Workspace boundaries (infra/lint/workspace-boundaries.mjs), proved by infra/lint/boundaries.test.js.
    plugins: { boundaries },
    rules: { "boundaries/workspace-imports": "error" },
  },
  {
    // Plain JavaScript (jest configs, infra scripts) runs on Node as it is.
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The web dashboard: ES modules run by the browser, with ECharts loaded as a global.
    files: ["apps/query-api/web/**/*.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.browser, echarts: "readonly" } },
  },
  {
    files: ["**/*.test.ts", "**/testing/**", "**/*.mjs", "**/cli/**", "**/bench/**"],
    rules: { "no-console": "off" },
  },
);

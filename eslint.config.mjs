// One lint config for every package. Type checking itself is `tsc --noEmit` (the typecheck task);
// lint adds the type-aware promise rules tsc cannot express.
import path from "node:path";
import { fileURLToPath } from "node:url";
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
    // A promise nobody awaits or handles loses its rejection (an unhandled rejection) and its
    // ordering; these need the types, so they run with the TypeScript project service.
    files: ["apps/*/src/**/*.ts", "packages/*/src/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: path.dirname(fileURLToPath(import.meta.url)) } },
    rules: { "@typescript-eslint/no-floating-promises": "error", "@typescript-eslint/no-misused-promises": "error" },
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

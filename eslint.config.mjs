// One lint config for every package; type-aware rules are left to `tsc --noEmit` (typecheck task).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const DEEP_IMPORTS = [
  {
    selector: "Literal[value=/^@trading-analytics\\/[^/]+\\/(src|dist)(\\/|$)/]",
    message: "Import the workspace's package entry (or a subpath it exports), not its src/ or dist/.",
  },
  {
    selector: "Literal[value=/(^|\\/)(apps|packages)\\/[^/]+\\/(src|dist)\\/([^.]*|.*\\.[cm]?[jt]s)$/]",
    message: "Reach another workspace through its package, not by a path into its src/ or dist/.",
  },
];

const APP_IMPORTS = [
  {
    selector: "Literal[value=/^@trading-analytics\\/(aggregator|ingester|query-api)(\\/|$)/]",
    message: "Packages never import apps: move the shared code into a package; start an app as a process with appMain().",
  },
];

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
    // Workspace boundaries: a workspace is used through its package entry (or a subpath it
    // exports), never by reaching into its src/ or dist/. Proved by infra/lint/boundaries.test.js.
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    rules: { "no-restricted-syntax": ["error", ...DEEP_IMPORTS] },
  },
  {
    // Packages never import apps: what an app and a tool share lives in a package. Test
    // packages start apps as processes through appMain() (@trading-analytics/core/testing).
    files: ["packages/**"],
    rules: { "no-restricted-syntax": ["error", ...DEEP_IMPORTS, ...APP_IMPORTS] },
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
    files: ["**/*.test.ts", "**/testing/**", "**/*.mjs", "**/cli/**", "**/bench/**"],
    rules: { "no-console": "off" },
  },
);

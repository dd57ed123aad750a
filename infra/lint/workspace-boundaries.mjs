// ESLint rule: the workspace boundaries. Every string in the code is read as a module specifier
// or a path, so import, require, require.resolve and paths handed to spawn are all covered:
// - a workspace is used through its package entry or a subpath it exports, never through its
//   src/ or dist/ (by package name, or by a path, relative or from the repository root);
// - packages never import apps, and apps never import each other (they meet only in Kafka,
//   PostgreSQL and Redis); test packages start apps as processes through appMain().
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const APPS = new Set(readdirSync(path.join(REPO_ROOT, "apps"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name));
const SCOPE = "@trading-analytics/";
// Data files (a YAML fixture, a SQL file) may be read across workspaces; code may not.
const DATA = /\.(ya?ml|json|sql|md|txt|csv|html|css)$/;

/** "apps/x", "packages/y" or "infra" for a path inside the repository; undefined outside any workspace. */
function workspaceOf(absolute) {
  const [top, name] = path.relative(REPO_ROOT, absolute).split(path.sep);
  if (top === "apps" || top === "packages") return name ? `${top}/${name}` : undefined;
  return top === "infra" ? "infra" : undefined;
}

/** The problem with `text` in `file`, or undefined. */
export function boundaryProblem(text, file) {
  const own = workspaceOf(file);
  if (own === undefined) return undefined;
  if (text.startsWith(SCOPE)) {
    const [name, ...rest] = text.slice(SCOPE.length).split("/");
    if (rest[0] === "src" || rest[0] === "dist") return "deepImport";
    if (APPS.has(name) && own.startsWith("packages/")) return "packageImportsApp";
    if (APPS.has(name) && own.startsWith("apps/") && own !== `apps/${name}`) return "appImportsApp";
    return undefined;
  }
  const relative = text.startsWith("./") || text.startsWith("../");
  if (!relative && !text.startsWith("apps/") && !text.startsWith("packages/")) return undefined;
  const target = relative ? path.resolve(path.dirname(file), text) : path.join(REPO_ROOT, text);
  const workspace = workspaceOf(target);
  if (workspace === undefined || workspace === own) return undefined;
  const inside = path.relative(path.join(REPO_ROOT, workspace), target).split(path.sep);
  return (inside[0] === "src" || inside[0] === "dist") && !DATA.test(target) ? "pathIntoWorkspace" : undefined;
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "Workspaces meet through their packages' entries: no deep imports, packages never import apps, apps never import each other" },
    messages: {
      deepImport: "Import the workspace's package entry (or a subpath it exports), not its src/ or dist/.",
      packageImportsApp: "Packages never import apps: move the shared code into a package; start an app as a process with appMain().",
      appImportsApp: "Apps never import each other: they meet only through Kafka, PostgreSQL and Redis; shared code belongs in a package.",
      pathIntoWorkspace: "Reach another workspace through its package, not by a path into its src/ or dist/.",
    },
    schema: [],
  },
  create(context) {
    const check = (node, text) => {
      const messageId = boundaryProblem(text, context.filename);
      if (messageId) context.report({ node, messageId });
    };
    return {
      Literal(node) {
        if (typeof node.value === "string") check(node, node.value);
      },
      // The text up to the first substitution: `@trading-analytics/${app}/main` names no package.
      TemplateLiteral(node) {
        const head = node.quasis[0]?.value.cooked ?? "";
        if (node.expressions.length === 0 || !head.startsWith(SCOPE)) check(node, head);
      },
    };
  },
};

export default { rules: { "workspace-imports": rule } };

import type { Express } from "express";

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every "METHOD /path" an express app serves, paths in OpenAPI form (/x/:name → /x/{name}).
 * Reads express's router stack: routers mounted with app.use(router) are walked recursively.
 */
export function servedRoutes(app: Express): string[] {
  const found = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/:([A-Za-z_]+)/g, "{$1}");
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== "_all") found.add(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...found].sort();
}

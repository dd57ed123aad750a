// What the web dashboard consists of. Kept apart from the router so that the security
// chain can list these paths as public without importing express.static and the page's files.

/** Where the page lives; GET /dashboard redirects to /dashboard/. */
export const DASHBOARD_PATH = "/dashboard";
/** Where the chart library's browser bundle is served from (node_modules/echarts/dist). */
export const DASHBOARD_VENDOR_PATH = `${DASHBOARD_PATH}/vendor/echarts`;
/** The chart library's bundle the page loads. */
export const ECHARTS_BUNDLE = "echarts.min.js";

/** Every file in apps/query-api/web/ (a test checks the folder holds exactly these). */
export const DASHBOARD_FILES: readonly string[] = ["index.html", "dashboard.css", "dashboard.js", "api-client.js", "charts.js", "format.js", "trading.js", "trading-charts.js"];

/** The page's URLs, public even when API keys are on: the page holds no data, only code that asks the API for it with the user's key. */
export const DASHBOARD_PUBLIC_PATHS: readonly string[] = [
  DASHBOARD_PATH,
  ...DASHBOARD_FILES.map((file) => `${DASHBOARD_PATH}/${file}`),
  `${DASHBOARD_VENDOR_PATH}/${ECHARTS_BUNDLE}`,
];

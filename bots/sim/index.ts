export { createSimAdapter, type SimAdapter, type SimMessage } from "./adapter.js";
export { simRoutes, type SimRoutesDeps } from "./routes.js";

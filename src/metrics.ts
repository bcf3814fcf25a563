import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics, one registry per service instance (no global default registry). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "gopy_" });
  return {
    registry,
    httpRequests: new Histogram({
      name: "gopy_http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: "gopy_deliveries_total",
      help: "Delivery outcomes per channel: sent, failed, retried, outside_window, throttled",
      labelNames: ["channel", "outcome"] as const,
      registers: [registry],
    }),
    inbound: new Counter({
      name: "gopy_inbound_events_total",
      help: "Inbound events per channel and type",
      labelNames: ["channel", "type"] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "gopy_delivery_queue_depth",
      help: "Deliveries waiting (queued) at the last poll",
      labelNames: ["channel"] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

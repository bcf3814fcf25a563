export * from "./org.js";
export * from "./units.js";
export * from "./residents.js";
export * from "./drafts.js";
export * from "./delivery.js";
export * from "./settings.js";
export * from "./reports.js";
export * from "./offline-feedback.js";

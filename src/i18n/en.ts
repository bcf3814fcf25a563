import type { vi } from "./vi.js";

/** English messages; must have every key of the Vietnamese catalogue. */
export const en: Record<keyof typeof vi, string> = {
  "service.noKeys": "No API key exists yet.",
};

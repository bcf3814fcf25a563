/**
 * Moved to src/text/local-time.ts (one module per rule). Kept only so that branches written against the
 * old path still build; the lead removes this file at merge once no import names it.
 */
export { localDateTime, wallClockDate } from "../text/local-time.js";

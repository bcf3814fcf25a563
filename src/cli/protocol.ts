/**
 * The admin channel's protocol: `POST /v1/run` with `{ "argv": [...] }`; the answer is NDJSON, one
 * event per line, streamed as the command runs, ending with the exit code.
 */
export type AdminEvent = { out: string } | { err: string } | { exit: number };

export const RUN_PATH = "/v1/run";

import { z } from "zod";

/** RFC 9457 problem details as this service sends them (for OpenAPI documents). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ description: "RFC 9457 problem details; errors[].field names each field that failed." });

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Response entries for the given problem statuses, for an OperationSpec. */
export function problemResponses(statuses: Record<number, string>) {
  const out: Record<number, { description: string; schema: typeof problemSchema; contentType: string }> = {};
  for (const [status, description] of Object.entries(statuses)) {
    out[Number(status)] = { description, schema: problemSchema, contentType: PROBLEM_CONTENT_TYPE };
  }
  return out;
}

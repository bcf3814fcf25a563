import { z } from "zod";
import { notFound } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID, the shape of every row id. An id of another shape is simply unknown (404). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/**
 * The one refusal for an id the caller cannot see: unknown, malformed, or another agency's. The same
 * 404 and the same text in every case, so that the answer does not tell whether the row exists.
 */
export function notFoundById(entity: string, id: string) {
  return notFound(`No ${entity} with id ${id}.`);
}

/** The `{id}` path parameter of every route that takes a row id, as documented in OpenAPI. */
export const idParams = (entity: string) =>
  z.object({ id: z.string().meta({ format: "uuid", description: `The ${entity}'s id (a UUID; any other value is answered 404)` }) });

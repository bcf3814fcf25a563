import { z } from "zod";

export interface OperationSpec {
  method: "get" | "post" | "patch" | "put" | "delete";
  /** OpenAPI path, e.g. /api/v1/drafts/{id} */
  path: string;
  summary: string;
  tags?: string[];
  /** Whether the operation needs an API key (Bearer). */
  auth?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

/**
 * Collects the API's operations with their zod schemas and builds an OpenAPI 3.1 document from them
 * (zod 4's JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as is).
 */
export function createOpenApiRegistry(info: { title: string; version: string; description?: string }) {
  const operations: OperationSpec[] = [];
  const toSchema = (s: z.ZodType, io: "input" | "output") =>
    z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<string, unknown>;

  return {
    register(op: OperationSpec) {
      operations.push(op);
    },
    document() {
      const paths: Record<string, Record<string, unknown>> = {};
      for (const op of operations) {
        const parameters: unknown[] = [];
        const addParams = (obj: z.ZodObject | undefined, where: "path" | "query") => {
          if (!obj) return;
          const shape: Record<string, z.ZodType> = obj.shape;
          for (const [name, schema] of Object.entries(shape)) {
            parameters.push({ name, in: where, required: where === "path" || !schema.safeParse(undefined).success, schema: toSchema(schema, "input") });
          }
        };
        addParams(op.params, "path");
        addParams(op.query, "query");
        const responses: Record<string, unknown> = {};
        for (const [status, r] of Object.entries(op.responses)) {
          responses[status] = {
            description: r.description,
            ...(r.schema ? { content: { [r.contentType ?? "application/json"]: { schema: toSchema(r.schema, "output") } } } : {}),
          };
        }
        (paths[op.path] ??= {})[op.method] = {
          summary: op.summary,
          ...(op.tags ? { tags: op.tags } : {}),
          ...(op.auth ? { security: [{ bearer: [] }] } : {}),
          ...(parameters.length ? { parameters } : {}),
          ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(op.body, "input") } } } } : {}),
          responses,
        };
      }
      return {
        openapi: "3.1.0",
        info,
        components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key from `npm run cli -- keys create`" } } },
        paths,
      };
    },
  };
}
export type OpenApiRegistry = ReturnType<typeof createOpenApiRegistry>;

import { describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { databaseKinds } from "../support/database.js";
import { useTestService } from "../support/lifecycle.js";

describe.each(databaseKinds)("GET /openapi.json on %s", (kind) => {
  const svc = useTestService(kind);

  it("serves a valid OpenAPI 3.1 document without a key, with the drafts operations and their schemas", async () => {
    const res = await svc.api("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.1\./);

    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);

    expect(Object.keys(doc.paths["/api/v1/drafts"]).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/v1/drafts/{id}"]).sort()).toEqual(["get", "patch"]);
    expect(doc.paths["/api/v1/drafts/{id}/publish"].post).toBeDefined();
    expect(doc.paths["/api/v1/drafts/{id}/close"].post).toBeDefined();

    const create = doc.paths["/api/v1/drafts"].post;
    const body = create.requestBody.content["application/json"].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(
      expect.arrayContaining(["title", "draftingAgency", "criteria", "containsStateSecrets", "summary", "fullTextUrl", "commentOpensAt", "commentClosesAt", "targetCommunes", "questions"]),
    );
    expect(body.properties.questions.items.properties.choices).toMatchObject({ minItems: 2, maxItems: 6 });
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(create.responses["201"].content["application/json"].schema.properties.highImpact.type).toBe("boolean");
    expect(Object.keys(create.responses["400"].content)).toEqual(["application/problem+json"]);

    const publish = doc.paths["/api/v1/drafts/{id}/publish"].post;
    expect(publish.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(publish.requestBody.content["application/json"].schema.properties.shortenedPeriodReason.type).toBe("string");
    expect(Object.keys(publish.responses)).toEqual(expect.arrayContaining(["200", "409", "422"]));

    const list = doc.paths["/api/v1/drafts"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["status", "agency"]));
  });
});

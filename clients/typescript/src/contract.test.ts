// The response checker itself: it must reject what breaks a schema, not only pass what conforms.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Contract, type Json, toJsonSchema } from "./contract.js";

const document: Json = {
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  paths: {
    "/items/{id}/": {
      get: {
        responses: {
          "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } } },
          "202": { description: "no body" },
          "204": { description: "no body" },
          "404": { content: { "application/json": { schema: { $ref: "#/components/schemas/Detail" } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Detail: { type: "object", properties: { detail: { type: "string" } }, required: ["detail"] },
      Base: { type: "object", properties: { id: { type: "integer", format: "int64" } }, required: ["id"] },
      Item: {
        allOf: [
          { $ref: "#/components/schemas/Base" },
          {
            type: "object",
            properties: {
              name: { type: "string", nullable: true },
              kind: { type: "string", enum: ["a", "b"], nullable: true },
              parent: { allOf: [{ $ref: "#/components/schemas/Detail" }], nullable: true },
              when: { type: "string", format: "date", nullable: true, example: "2026-01-01" },
              tags: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
            },
            required: ["name"],
          },
        ],
      },
    },
  },
};

const contract = new Contract(document);
const json = (status: number, body: unknown, type = "application/json") =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": type } });
const check = (response: Response) => contract.problem("GET", "/items/{id}/", response);

test("nullable becomes a null type, for plain types, enums and references", () => {
  assert.deepEqual(toJsonSchema({ type: "string", nullable: true }), { type: ["string", "null"] });
  assert.deepEqual(toJsonSchema({ type: "string", enum: ["a"], nullable: true }), {
    type: ["string", "null"], enum: ["a", null],
  });
  assert.deepEqual(toJsonSchema({ $ref: "#/components/schemas/X", nullable: true }), {
    anyOf: [{ $ref: "openapi-components#/$defs/X" }, { type: "null" }],
  });
});

test("a conforming body passes, nulls included", async () => {
  assert.equal(await check(json(200, { id: 1, name: null, kind: null, parent: null, when: null })), undefined);
  assert.equal(
    await check(json(200, { id: 1, name: "x", kind: "a", parent: { detail: "p" }, when: "2026-01-01", tags: { t: ["u"] } })),
    undefined,
  );
  assert.equal(await check(json(404, { detail: "Not found." })), undefined);
  assert.equal(await check(new Response(null, { status: 204 })), undefined);
});

test("a body that breaks its schema fails", async () => {
  for (const body of [
    { name: "no id" },
    { id: 1.5, name: "x" },
    { id: 1, name: 2 },
    { id: 1, name: "x", kind: "c" },
    { id: 1, name: "x", when: "yesterday" },
    { id: 1, name: "x", parent: { detail: 1 } },
    { id: 1, name: "x", tags: { t: [1] } },
    { id: 1, name: "x", undocumented: true },
  ]) {
    assert.match((await check(json(200, body))) ?? "passed", /does not match the 200 schema/, JSON.stringify(body));
  }
  assert.match((await check(json(404, { detail: "x", code: "extra" }))) ?? "passed", /does not match/);
});

test("an undeclared status, a body where none is declared, or another content type fails", async () => {
  assert.match((await check(json(500, { detail: "boom" }))) ?? "passed", /status 500 is not declared/);
  assert.match((await check(json(202, { detail: "x" }))) ?? "passed", /declares no body/);
  assert.match((await check(json(404, "<h1>Not found</h1>", "text/html"))) ?? "passed", /content type "text\/html"/);
  assert.match((await contract.problem("GET", "/nope/", json(200, {}))) ?? "passed", /no such operation/);
});

test("an unknown format is an error, not silently accepted", async () => {
  const strange = new Contract({
    openapi: "3.0.3",
    paths: { "/x/": { get: { responses: { "200": { content: { "application/json": { schema: { type: "string", format: "no-such-format" } } } } } } } },
  });
  await assert.rejects(strange.problem("GET", "/x/", json(200, "x")), /unknown format/);
});

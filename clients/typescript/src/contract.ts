// Every response checked against the live OpenAPI schema: the operation (method and path
// template) must declare the status code, the content type must be one it declares, and the body
// must validate (Ajv) against the schema declared for that status. A status with no declared
// content must come with an empty body.
//
// drf-spectacular writes OpenAPI 3.0.3, whose Schema Object is not JSON Schema: here
// `nullable: true` becomes a union with "null" (a "null" type, a null enum member, or
// anyOf [schema, {type: "null"}] around a reference or composition), `#/components/schemas/X`
// references point at the components (converted the same way), and OpenAPI-only keywords
// (example, discriminator, xml, externalDocs, x-*) are dropped; the result is JSON Schema
// 2019-09. One rule is stricter than JSON Schema: objects are closed. An object schema that lists
// its properties and says nothing of others gets additionalProperties: false (an allOf of several
// members gets unevaluatedProperties: false, its members staying open), as the generated
// TypeScript types are closed: an undocumented field is drift between the server and its schema.
import { Ajv2019, type ValidateFunction } from "ajv/dist/2019.js";
import formatsPlugin from "ajv-formats";
import type { Middleware } from "openapi-fetch";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const COMPONENTS = "#/components/schemas/";
const DOCUMENT_ID = "openapi-components";
const DROPPED = new Set(["nullable", "example", "discriminator", "xml", "externalDocs"]);
const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: Json | undefined, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`schema: ${where} is not an object`);
  return value;
}

/** An OpenAPI 3.0 Schema Object as JSON Schema 2019-09, `open` when it is one of several allOf
 * members (closed, it would reject the properties the other members add). */
export function toJsonSchema(schema: Json, open = false): Json {
  if (typeof schema === "boolean") return schema;
  const source = object(schema, "a schema");
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key) || key.startsWith("x-")) continue;
    switch (key) {
      case "$ref": {
        if (typeof value !== "string" || !value.startsWith(COMPONENTS)) {
          throw new Error(`schema: unsupported $ref ${JSON.stringify(value)}`);
        }
        out.$ref = `${DOCUMENT_ID}#/$defs/${value.slice(COMPONENTS.length)}`;
        break;
      }
      case "properties":
        out.properties = Object.fromEntries(
          Object.entries(object(value, "properties")).map(([name, sub]) => [name, toJsonSchema(sub)]),
        );
        break;
      case "items":
      case "not":
        out[key] = toJsonSchema(value);
        break;
      case "additionalProperties":
        out[key] = typeof value === "boolean" ? value : toJsonSchema(value);
        break;
      case "allOf":
      case "anyOf":
      case "oneOf": {
        if (!Array.isArray(value)) throw new Error(`schema: ${key} is not an array`);
        const several = key === "allOf" && value.length > 1;
        out[key] = value.map((member) => toJsonSchema(member, several));
        break;
      }
      default:
        out[key] = value;
    }
  }
  if (!open && !("additionalProperties" in out) && !("unevaluatedProperties" in out)) {
    if (Array.isArray(out.allOf) && out.allOf.length > 1) {
      out.type ??= "object"; // strictTypes: unevaluatedProperties applies to objects
      out.unevaluatedProperties = false;
    } else if (isObject(out.properties)) out.additionalProperties = false;
  }
  if (source.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

/** Components referenced as one of several allOf members stay open (see toJsonSchema). */
function openComponents(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) openComponents(item, found);
  } else if (isObject(node)) {
    const allOf = node.allOf;
    if (Array.isArray(allOf) && allOf.length > 1) {
      for (const member of allOf) {
        const ref = isObject(member) ? member.$ref : undefined;
        if (typeof ref === "string" && ref.startsWith(COMPONENTS)) {
          found.add(ref.slice(COMPONENTS.length));
        }
      }
    }
    for (const value of Object.values(node)) openComponents(value, found);
  }
  return found;
}

export class ContractError extends Error {
  override name = "ContractError";
}

export class Contract {
  readonly document: JsonObject;
  private readonly ajv: Ajv2019;
  private readonly validators = new Map<string, ValidateFunction>();
  /** Every (method path status) pair seen, for the summary. */
  readonly seen = new Set<string>();

  constructor(document: Json) {
    this.document = object(document, "the OpenAPI document");
    const version = this.document.openapi;
    if (typeof version !== "string" || !version.startsWith("3.0.")) {
      throw new Error(`expected OpenAPI 3.0.x (nullable), got ${JSON.stringify(version)}`);
    }
    // Strict: an unknown keyword or format is an error, not silently ignored.
    this.ajv = new Ajv2019({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    const int = (bits: number) => (n: number) =>
      Number.isInteger(n) && n >= -(2 ** (bits - 1)) && n < 2 ** (bits - 1);
    this.ajv.addFormat("int32", { type: "number", validate: int(32) });
    this.ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
    this.ajv.addFormat("double", { type: "number", validate: (n: number) => Number.isFinite(n) });
    const schemas = object(object(this.document.components ?? {}, "components").schemas ?? {}, "schemas");
    const open = openComponents(this.document);
    const $defs = Object.fromEntries(
      Object.entries(schemas).map(([name, schema]) => [name, toJsonSchema(schema, open.has(name))]),
    );
    this.ajv.addSchema({ $id: DOCUMENT_ID, $defs });
  }

  static async fetch(baseUrl: string): Promise<Contract> {
    const response = await fetch(new URL("/api/schema/?format=json", baseUrl), {
      headers: { Accept: "application/vnd.oai.openapi+json, application/json" },
    });
    if (!response.ok) throw new Error(`GET /api/schema/: ${response.status}`);
    return new Contract((await response.json()) as Json);
  }

  /** Why the response breaks the schema, or undefined when it conforms. */
  async problem(method: string, template: string, response: Response): Promise<string | undefined> {
    const verb = method.toLowerCase();
    const operation = isObject(this.document.paths) ? this.document.paths[template] : undefined;
    const op = isObject(operation) && METHODS.has(verb) ? operation[verb] : undefined;
    if (!isObject(op)) return "the schema has no such operation";
    const responses = object(op.responses, `${verb} ${template} responses`);
    const status = String(response.status);
    const key = [status, `${status[0]}XX`, "default"].find((k) => k in responses);
    this.seen.add(`${method.toUpperCase()} ${template} ${status}`);
    const text = await response.text();
    if (key === undefined) {
      return `status ${status} is not declared (declared: ${Object.keys(responses).join(", ")}); body ${clip(text)}`;
    }
    const content = object(responses[key], `response ${key}`).content;
    if (!isObject(content) || Object.keys(content).length === 0) {
      return text === "" ? undefined : `status ${status} declares no body, got ${clip(text)}`;
    }
    const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const media = Object.keys(content).find((m) => matches(m.toLowerCase(), type));
    if (media === undefined) {
      return `content type "${type}" is not declared for ${status} (declared: ${Object.keys(content).join(", ")})`;
    }
    const schema = object(content[media], media).schema;
    if (schema === undefined) return undefined;
    if (!/[/+]json$/.test(type)) return undefined; // only JSON bodies are validated
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `body is not JSON: ${clip(text)}`;
    }
    const id = `${verb} ${template} ${key} ${media}`;
    let validate = this.validators.get(id);
    if (validate === undefined) {
      validate = this.ajv.compile(object(toJsonSchema(schema), id));
      this.validators.set(id, validate);
    }
    if (validate(body)) return undefined;
    const errors = this.ajv.errorsText(validate.errors, { dataVar: "body", separator: "; " });
    return `body does not match the ${status} schema: ${errors}; body ${clip(text)}`;
  }

  /** openapi-fetch middleware: a response that breaks the schema throws a ContractError. */
  middleware(): Middleware {
    return {
      onResponse: async ({ request, response, schemaPath }) => {
        const problem = await this.problem(request.method, schemaPath, response.clone());
        if (problem !== undefined) {
          throw new ContractError(`${request.method} ${schemaPath} -> ${response.status}: ${problem}`);
        }
        return undefined;
      },
    };
  }
}

function matches(declared: string, actual: string): boolean {
  if (declared === actual || declared === "*/*") return true;
  return declared.endsWith("/*") && actual.startsWith(declared.slice(0, -1));
}

function clip(text: string): string {
  if (text === "") return "(empty)";
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

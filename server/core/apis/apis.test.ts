import { describe, expect, it } from "vitest";
import { renderTemplate, escapeJavaScript } from "./vtl";
import { jsonPath } from "./jsonpath";
import { validateSchema } from "./json-schema";
import { buildRouter, matchRoute } from "./routing";
import { applyPatch } from "./patch";
import { emptyDoc, type ApiDoc, type Method } from "./model";

const input = (body: string, extra: Partial<Parameters<typeof renderTemplate>[1]> = {}) => ({
  body,
  params: { path: {}, querystring: {}, header: {} },
  context: {},
  stageVariables: {},
  ...extra,
});

describe("mapping templates (examples from the API Gateway developer guide)", () => {
  it("maps the photos example with #foreach and $foreach.hasNext", () => {
    const body = JSON.stringify({
      photos: {
        photo: [
          { id: "1", owner: "a", title: "t1", ispublic: true, isfriend: false, isfamily: false },
          { id: "2", owner: "b", title: "t2", ispublic: false, isfriend: true, isfamily: true },
        ],
      },
    });
    const template = `#set($inputRoot = $input.path('$'))
{
  "photos": [
#foreach($elem in $inputRoot.photos.photo)
    {
      "id": "$elem.id",
      "photographedBy": "$elem.owner",
      "title": "$elem.title",
      "ispublic": $elem.ispublic,
      "isfriend": $elem.isfriend,
      "isfamily": $elem.isfamily
    }#if($foreach.hasNext),#end
#end
  ]
}`;
    expect(JSON.parse(renderTemplate(template, input(body)))).toEqual({
      photos: [
        { id: "1", photographedBy: "a", title: "t1", ispublic: true, isfriend: false, isfamily: false },
        { id: "2", photographedBy: "b", title: "t2", ispublic: false, isfriend: true, isfamily: true },
      ],
    });
  });

  it("passes every parameter through with $input.params(), keySet() and get()", () => {
    const template = `#set($allParams = $input.params())
{
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
}
}`;
    const out = renderTemplate(
      template,
      input("", { params: { path: { id: "7" }, querystring: { q: 'say "hi"' }, header: { "X-A": "b" } } }),
    );
    expect(JSON.parse(out)).toEqual({
      params: { path: { id: "7" }, querystring: { q: 'say "hi"' }, header: { "X-A": "b" } },
    });
  });

  it("implements $input.json, $input.path, $input.params(name), $util and $context/$stageVariables", () => {
    const out = renderTemplate(
      `{"j": $input.json('$.a.b'), "p": "$input.path('$.a.c[1]')", "h": "$input.params('x-trace')",
"u": "$util.urlEncode('a b/c')", "d": "$util.urlDecode('a+b%2Fc')", "b": "$util.base64Decode($util.base64Encode('ok'))",
"parsed": "$util.parseJson($input.json('$.a.b')).x.size()", "ctx": "$context.requestId", "sv": "$stageVariables.env", "len": $input.body.length()}`,
      input('{"a":{"b":{"x":[1,2]},"c":["p","q"]}}', {
        params: { path: {}, querystring: {}, header: { "X-Trace": "t1" } },
        context: { requestId: "r-1" },
        stageVariables: { env: "dev" },
      }),
    );
    expect(JSON.parse(out)).toEqual({
      j: { x: [1, 2] },
      p: "q",
      h: "t1",
      u: "a+b%2Fc",
      d: "a b/c",
      b: "ok",
      parsed: "2",
      ctx: "r-1",
      sv: "dev",
      len: 37,
    });
  });

  it("gives static text back as it is, and still renders a template with a reference, directive or comment", () => {
    // No $ and no #: the text is its own output (Velocity's too), so it is not compiled.
    for (const t of ['{"statusCode": 200}', 'a\\b {"x":"\\n"}', "two\nlines ✓", ""])
      expect(renderTemplate(t, input("{}"))).toBe(t);
    expect(renderTemplate(`{"n": $input.json('$.n')}`, input('{"n": 3}'))).toBe('{"n": 3}');
    expect(renderTemplate("#set($a = 2)$a", input("{}"))).toBe("2");
    expect(renderTemplate("x## a comment", input("{}"))).toBe("x");
  });

  it("escapes as Java's escapeJavaScript does", () => {
    expect(escapeJavaScript(`a"b'c\\d/e\nf\u00e9`)).toBe(`a\\"b\\'c\\\\d\\/e\\nf\\u00E9`);
  });
});

describe("JSONPath", () => {
  it("reads keys, indexes and wildcards", () => {
    const doc = { a: { "b c": [1, { d: 2 }] }, list: [{ n: 1 }, { n: 2 }] };
    expect(jsonPath(doc, "$")).toBe(doc);
    expect(jsonPath(doc, "$.a['b c'][1].d")).toBe(2);
    expect(jsonPath(doc, "$.list[*].n")).toEqual([1, 2]);
    expect(jsonPath(doc, "$.list[-1].n")).toBe(2);
    expect(jsonPath(doc, "$.nothing.here")).toBeUndefined();
  });
});

describe("JSON Schema (draft 4) validation", () => {
  const schema = {
    $schema: "http://json-schema.org/draft-04/schema#",
    definitions: { tag: { type: "string", pattern: "^[a-z]+$" } },
    type: "object",
    required: ["name", "price"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, maxLength: 10 },
      price: { type: "number", minimum: 0, exclusiveMinimum: true },
      tags: { type: "array", items: { $ref: "#/definitions/tag" }, uniqueItems: true },
      kind: { enum: ["dog", "cat"] },
    },
  };
  it("accepts a valid instance", () => {
    expect(validateSchema(schema, { name: "Rex", price: 1.5, tags: ["a", "b"], kind: "dog" })).toEqual([]);
  });
  it.each([
    [{ price: 1 }, "missing required properties"],
    [{ name: "", price: 1 }, "too short"],
    [{ name: "x", price: 0 }, "lower than the required minimum"],
    [{ name: "x", price: 1, tags: ["A"] }, "does not match"],
    [{ name: "x", price: 1, tags: ["a", "a"] }, "duplicate"],
    [{ name: "x", price: 1, kind: "cow" }, "enum"],
    [{ name: "x", price: 1, extra: 1 }, "not allowed"],
    [{ name: 5, price: 1 }, "does not match any allowed primitive type"],
  ])("refuses %j", (value, message) => {
    expect(validateSchema(schema, value).join("\n")).toContain(message);
  });
});

describe("route matching", () => {
  const method = (m: string): Method => ({ httpMethod: m, authorizationType: "NONE", apiKeyRequired: false });
  function api(paths: Record<string, string[]>): ApiDoc {
    const doc = emptyDoc();
    const byPath = new Map([["/", doc.rootResourceId]]);
    let n = 0;
    for (const [p, methods] of Object.entries(paths)) {
      let parent = doc.rootResourceId;
      let acc = "";
      for (const part of p.split("/").filter(Boolean)) {
        acc += "/" + part;
        if (!byPath.has(acc)) {
          const id = `r${n++}`;
          doc.resources[id] = { id, parentId: parent, pathPart: part, methods: {} };
          byPath.set(acc, id);
        }
        parent = byPath.get(acc)!;
      }
      for (const m of methods) doc.resources[byPath.get(p)!].methods[m] = method(m);
    }
    return doc;
  }
  const router = buildRouter(
    api({ "/": ["GET"], "/pets": ["GET"], "/pets/{id}": ["GET", "ANY"], "/pets/mine": ["GET"], "/{proxy+}": ["ANY"] }),
  );
  const route = (m: string, p: string) => {
    const r = matchRoute(router, m, p.split("/").filter(Boolean));
    return r && { path: r.resourcePath, method: r.method.httpMethod, params: r.pathParams };
  };
  it("prefers literals, then variables, then greedy variables; exact methods before ANY", () => {
    expect(route("GET", "/")).toEqual({ path: "/", method: "GET", params: {} });
    expect(route("GET", "/pets/mine")).toEqual({ path: "/pets/mine", method: "GET", params: {} });
    expect(route("GET", "/pets/3")).toEqual({ path: "/pets/{id}", method: "GET", params: { id: "3" } });
    expect(route("PATCH", "/pets/3")).toEqual({ path: "/pets/{id}", method: "ANY", params: { id: "3" } });
    expect(route("POST", "/pets")).toEqual({ path: "/{proxy+}", method: "ANY", params: { proxy: "pets" } });
    expect(route("GET", "/pets/3/toys/9")).toEqual({
      path: "/{proxy+}",
      method: "ANY",
      params: { proxy: "pets/3/toys/9" },
    });
    expect(route("POST", "/")).toBeNull();
  });
});

describe("patch operations", () => {
  it("replaces fields, edits maps and lists, and refuses unknown paths", () => {
    const target: Record<string, unknown> = { name: "a", binaryMediaTypes: ["image/png"] };
    applyPatch(
      target,
      [
        { op: "replace", path: "/name", value: "b" },
        { op: "add", path: "/binaryMediaTypes/application~1octet-stream" },
        { op: "remove", path: "/binaryMediaTypes/image~1png" },
        { op: "add", path: "/requestTemplates/application~1json", value: "{}" },
        { op: "replace", path: "/enabled", value: "true" },
      ],
      { name: "string", binaryMediaTypes: "list", requestTemplates: "stringMap", enabled: "boolean" },
    );
    expect(target).toEqual({
      name: "b",
      binaryMediaTypes: ["application/octet-stream"],
      requestTemplates: { "application/json": "{}" },
      enabled: true,
    });
    expect(() => applyPatch(target, [{ op: "replace", path: "/other", value: "x" }], { name: "string" })).toThrow(
      "Invalid patch path /other",
    );
    expect(() =>
      applyPatch(target, [{ op: "replace", path: "/enabled", value: "yes" }], { enabled: "boolean" }),
    ).toThrow();
  });
});

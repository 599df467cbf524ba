import { Compile, parse } from "velocityjs";
import { jsonPath } from "./jsonpath";

// API Gateway's mapping templates: Velocity (velocityjs) with the variables API Gateway defines:
// $input (body, json(path), path(path), params() / params(name)), $util (escapeJavaScript,
// parseJson, urlEncode, urlDecode, base64Encode, base64Decode), $context, $stageVariables, plus the
// Java string/map methods templates commonly call (length(), size(), keySet(), get(), ...).

export type TemplateParams = {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
};

export type TemplateInput = {
  body: string;
  params: TemplateParams;
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
};

function parseBody(body: string): unknown {
  if (body.trim() === "") return {};
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Java's StringEscapeUtils.escapeJavaScript, as $util.escapeJavaScript uses it. */
export function escapeJavaScript(s: unknown): string {
  const str = String(s ?? "");
  let out = "";
  for (const ch of str) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "'") out += "\\'";
    else if (ch === "\\") out += "\\\\";
    else if (ch === "/") out += "\\/";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20) out += "\\u" + c.toString(16).toUpperCase().padStart(4, "0");
    else if (c > 0x7e) {
      for (const unit of ch.split("")) out += "\\u" + unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    } else out += ch;
  }
  return out;
}

/** Java's URLEncoder (form encoding: space → +). */
function urlEncode(s: unknown): string {
  return encodeURIComponent(String(s ?? ""))
    .replace(/%20/g, "+")
    .replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function urlDecode(s: unknown): string {
  try {
    return decodeURIComponent(String(s ?? "").replace(/\+/g, " "));
  } catch {
    return String(s ?? "");
  }
}

export const util = {
  escapeJavaScript,
  parseJson: (s: unknown) => {
    try {
      return JSON.parse(String(s));
    } catch {
      return null;
    }
  },
  urlEncode,
  urlDecode,
  base64Encode: (s: unknown) => Buffer.from(String(s ?? ""), "utf8").toString("base64"),
  base64Decode: (s: unknown) => Buffer.from(String(s ?? ""), "base64").toString("utf8"),
};

/** The value as Velocity prints it: JSON for lists and maps (Java prints them differently, but close). */
function toJson(v: unknown): string {
  return v === undefined ? "" : JSON.stringify(v);
}

type Payload = { property: string; params: unknown[]; context: unknown };

const javaMethod = (property: string, test: (ctx: unknown) => boolean, fn: (ctx: never, ...a: never[]) => unknown) => ({
  uid: `java.${property}`,
  match: (p: Payload) => p.property === property && test(p.context),
  resolve: (p: Payload) => (fn as (c: unknown, ...a: unknown[]) => unknown)(p.context, ...p.params),
});
const isStr = (c: unknown) => typeof c === "string";
const isMap = (c: unknown) => c !== null && typeof c === "object" && !Array.isArray(c);
const isList = (c: unknown) => Array.isArray(c);

const JAVA_METHODS = [
  javaMethod("length", isStr, (s: string) => s.length),
  javaMethod("isEmpty", isStr, (s: string) => s.length === 0),
  javaMethod("equals", isStr, (s: string, o: unknown) => s === o),
  javaMethod("equalsIgnoreCase", isStr, (s: string, o: unknown) => s.toLowerCase() === String(o).toLowerCase()),
  javaMethod("contains", isStr, (s: string, o: unknown) => s.includes(String(o))),
  javaMethod("matches", isStr, (s: string, re: string) => new RegExp(`^(?:${re})$`).test(s)),
  javaMethod("replaceAll", isStr, (s: string, re: string, by: string) =>
    s.replace(new RegExp(re, "g"), String(by).replace(/\$(\d)/g, "$$$1")),
  ),
  javaMethod("split", isStr, (s: string, re: string) => s.split(new RegExp(re))),
  javaMethod(
    "toString",
    () => true,
    (c: unknown) => (typeof c === "string" ? c : toJson(c)),
  ),
  javaMethod("size", isList, (l: unknown[]) => l.length),
  javaMethod("isEmpty", isList, (l: unknown[]) => l.length === 0),
  javaMethod("get", isList, (l: unknown[], i: number) => l[i]),
  javaMethod("contains", isList, (l: unknown[], o: unknown) => l.includes(o)),
  javaMethod("size", isMap, (m: object) => Object.keys(m).length),
  javaMethod("isEmpty", isMap, (m: object) => Object.keys(m).length === 0),
  javaMethod("keySet", isMap, (m: object) => Object.keys(m)),
  javaMethod("values", isMap, (m: object) => Object.values(m)),
  javaMethod("containsKey", isMap, (m: object, k: string) => Object.prototype.hasOwnProperty.call(m, k)),
  javaMethod("get", isMap, (m: Record<string, unknown>, k: string) =>
    Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined,
  ),
  javaMethod("put", isMap, (m: Record<string, unknown>, k: string, v: unknown) => {
    m[k] = v;
    return "";
  }),
];

const compiled = new Map<string, ReturnType<typeof parse>>();
const STATIC_TEMPLATE_BREAKERS = /[$#]/;

/** Renders a mapping template. Throws on a template Velocity cannot parse. */
export function renderTemplate(template: string, input: TemplateInput): string {
  // Text with no reference ($) and no directive or comment (#) is its own output: MOCK integrations'
  // `{"statusCode": 200}` and static integration responses skip Velocity (a compiler instance and a
  // context per render are most of what a MOCK request allocates).
  if (!STATIC_TEMPLATE_BREAKERS.test(template)) return template;
  let ast = compiled.get(template);
  if (!ast) {
    ast = parse(template);
    if (compiled.size > 500) compiled.clear();
    compiled.set(template, ast);
  }
  let parsedBody: unknown;
  const body = () => (parsedBody ??= parseBody(input.body));
  const params = input.params;
  const $input = {
    body: input.body,
    json: (path: string) => toJson(jsonPath(body(), path ?? "$")),
    path: (path: string) => jsonPath(body(), path ?? "$"),
    params: (name?: string) => {
      if (name === undefined) return params;
      for (const where of [params.path, params.querystring, params.header]) {
        if (Object.prototype.hasOwnProperty.call(where, name)) return where[name];
        if (where === params.header) {
          const k = Object.keys(where).find((h) => h.toLowerCase() === name.toLowerCase());
          if (k) return where[k];
        }
      }
      return "";
    },
  };
  const context = {
    input: $input,
    util,
    context: input.context,
    stageVariables: input.stageVariables,
  };
  return new Compile(ast, { escape: false, customMethodHandlers: JAVA_METHODS as never }).render(context);
}

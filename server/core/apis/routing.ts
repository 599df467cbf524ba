import { resourcePath, type ApiDoc, type Method, type StoredResource } from "./model";

// Route matching on a deployed API, as API Gateway does it: per path segment a literal child wins
// over a `{param}` child, which wins over a greedy `{proxy+}` (one or more segments); a method
// matches exactly, else ANY. The first (most specific) resource that has a matching method wins.

type Node = { resource: StoredResource; path: string; literal: Map<string, Node>; param?: Node; greedy?: Node };

export type Router = { root: Node };

export function buildRouter(doc: ApiDoc): Router {
  const nodes = new Map<string, Node>();
  for (const r of Object.values(doc.resources))
    nodes.set(r.id, { resource: r, path: resourcePath(doc, r.id), literal: new Map() });
  for (const n of nodes.values()) {
    const parentId = n.resource.parentId;
    if (parentId === undefined) continue;
    const parent = nodes.get(parentId);
    if (!parent) continue;
    const part = n.resource.pathPart ?? "";
    if (/^\{.+\+\}$/.test(part)) parent.greedy = n;
    else if (/^\{.+\}$/.test(part)) parent.param = n;
    else parent.literal.set(part, n);
  }
  return { root: nodes.get(doc.rootResourceId)! };
}

export type RouteMatch = {
  resource: StoredResource;
  resourcePath: string;
  method: Method;
  pathParams: Record<string, string>;
};

const nameOf = (part: string) => part.replace(/^\{|\+?\}$/g, "");

/** Finds the method for `segments` (already percent-decoded), or null (API Gateway's 403 "Missing Authentication Token"). */
export function matchRoute(router: Router, httpMethod: string, segments: string[]): RouteMatch | null {
  const pick = (n: Node): Method | undefined => n.resource.methods[httpMethod] ?? n.resource.methods.ANY;

  const walk = (n: Node, i: number, params: Record<string, string>): RouteMatch | null => {
    if (i === segments.length) {
      const m = pick(n);
      return m ? { resource: n.resource, resourcePath: n.path, method: m, pathParams: params } : null;
    }
    const seg = segments[i];
    const lit = n.literal.get(seg);
    if (lit) {
      const r = walk(lit, i + 1, params);
      if (r) return r;
    }
    if (n.param && seg !== "") {
      const r = walk(n.param, i + 1, { ...params, [nameOf(n.param.resource.pathPart ?? "")]: seg });
      if (r) return r;
    }
    if (n.greedy) {
      const m = pick(n.greedy);
      if (m)
        return {
          resource: n.greedy.resource,
          resourcePath: n.greedy.path,
          method: m,
          pathParams: { ...params, [nameOf(n.greedy.resource.pathPart ?? "")]: segments.slice(i).join("/") },
        };
    }
    return null;
  };
  return walk(router.root, 0, {});
}

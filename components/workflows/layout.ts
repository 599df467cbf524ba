// Automatic layout of the state machine graph with elkjs (layered, top to bottom). Parallel and
// Map states are compound nodes: their branches sit side by side inside them, each branch lays out
// its own states. Positions come back relative to the parent, as React Flow's sub-flows expect.

import ELK, { type ElkExtendedEdge, type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { GraphModel, GraphNode } from "./asl-graph";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge as elk routed it, in absolute coordinates: the polyline and where its label goes. */
export interface Route {
  points: { x: number; y: number }[];
  label?: { x: number; y: number; width: number; height: number };
}

export interface Layout {
  boxes: Map<string, Box>;
  routes: Map<string, Route>;
}

/** Room the label needs (elk keeps edges and nodes clear of it). */
export const labelSize = (text: string) => ({ width: Math.min(text.length, 40) * 6.6 + 10, height: 16 });

export const STATE_W = 190;
export const STATE_H = 58;
export const PILL_W = 72;
export const PILL_H = 32;

const elk = new ELK();

const LAYERED = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.layered.spacing.nodeNodeBetweenLayers": "48",
  "elk.spacing.nodeNode": "36",
  "elk.spacing.edgeNode": "24",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.edgeLabels.placement": "CENTER",
  "elk.layered.spacing.edgeNodeBetweenLayers": "20",
  "elk.layered.spacing.edgeEdgeBetweenLayers": "12",
};

function sizeOf(n: GraphNode): { width: number; height: number } {
  if (n.kind === "start" || n.kind === "end") return { width: PILL_W, height: PILL_H };
  return { width: STATE_W, height: STATE_H };
}

/**
 * Lays out the graph: a box per node id (x/y relative to its parent group) and each edge's route
 * (absolute, as React Flow draws edges).
 */
export async function layoutGraph(model: GraphModel): Promise<Layout> {
  const byParent = new Map<string | undefined, GraphNode[]>();
  for (const n of model.nodes) {
    const list = byParent.get(n.parent) ?? [];
    list.push(n);
    byParent.set(n.parent, list);
  }
  const edgesByParent = new Map<string | undefined, ElkExtendedEdge[]>();
  for (const e of model.edges) {
    const list = edgesByParent.get(e.parent) ?? [];
    list.push({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      labels: e.label ? [{ text: e.label, ...labelSize(e.label) }] : [],
    });
    edgesByParent.set(e.parent, list);
  }

  const build = (n: GraphNode): ElkNode => {
    const children = byParent.get(n.id);
    if (!children?.length) return { id: n.id, ...sizeOf(n) };
    const branchRow = n.kind === "state"; // a Parallel/Map holds branches side by side
    return {
      id: n.id,
      layoutOptions: {
        ...LAYERED,
        "elk.padding": branchRow ? "[top=44,left=16,bottom=16,right=16]" : "[top=36,left=16,bottom=16,right=16]",
        // Branches have no edges between them: in one layer of a DOWN layout they stand side by side.
        ...(branchRow ? { "elk.spacing.nodeNode": "24" } : {}),
        "elk.separateConnectedComponents": branchRow ? "false" : "true",
      },
      children: children.map(build),
      edges: edgesByParent.get(n.id) ?? [],
    };
  };

  const root: ElkNode = {
    id: "root",
    layoutOptions: { ...LAYERED, "elk.padding": "[top=16,left=16,bottom=16,right=16]" },
    children: (byParent.get(undefined) ?? []).map(build),
    edges: edgesByParent.get(undefined) ?? [],
  };
  const out = await elk.layout(root);
  const boxes = new Map<string, Box>();
  const routes = new Map<string, Route>();
  // Edge sections are relative to the node whose `edges` hold them; nodes to their parent.
  const collect = (n: ElkNode, ox: number, oy: number) => {
    for (const e of (n.edges ?? []) as ElkExtendedEdge[]) {
      const sec = e.sections?.[0];
      if (!sec) continue;
      const pts = [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint].map((p) => ({ x: p.x + ox, y: p.y + oy }));
      const l = e.labels?.[0];
      routes.set(e.id, {
        points: pts,
        label:
          l && l.x !== undefined && l.y !== undefined
            ? { x: l.x + ox, y: l.y + oy, width: l.width ?? 0, height: l.height ?? 0 }
            : undefined,
      });
    }
    for (const c of n.children ?? []) {
      boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? STATE_W, height: c.height ?? STATE_H });
      collect(c, ox + (c.x ?? 0), oy + (c.y ?? 0));
    }
  };
  collect(out, 0, 0);
  // Branches of one Parallel start on the same line (elk centres nodes of a layer).
  for (const n of model.nodes) {
    if (n.kind !== "branch") continue;
    const box = boxes.get(n.id);
    const siblings = model.nodes.filter((m) => m.kind === "branch" && m.parent === n.parent);
    const top = Math.min(...siblings.map((m) => boxes.get(m.id)?.y ?? 0));
    if (box && box.y !== top) {
      // Move the branch up, and the routes drawn inside it with it.
      const dy = top - box.y;
      box.y = top;
      for (const e of model.edges) {
        if (!isInside(model, e.parent, n.id)) continue;
        const r = routes.get(e.id);
        if (!r) continue;
        r.points = r.points.map((p) => ({ x: p.x, y: p.y + dy }));
        if (r.label) r.label = { ...r.label, y: r.label.y + dy };
      }
    }
  }
  return { boxes, routes };
}

/** Whether container `id` is `ancestor` or nested inside it. */
function isInside(model: GraphModel, id: string | undefined, ancestor: string): boolean {
  let cur = id;
  while (cur) {
    if (cur === ancestor) return true;
    cur = model.nodes.find((n) => n.id === cur)?.parent;
  }
  return false;
}

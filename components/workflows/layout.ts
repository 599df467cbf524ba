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
};

function sizeOf(n: GraphNode): { width: number; height: number } {
  if (n.kind === "start" || n.kind === "end") return { width: PILL_W, height: PILL_H };
  return { width: STATE_W, height: STATE_H };
}

/** Lays out the graph: a box per node id (x/y relative to its parent group). */
export async function layoutGraph(model: GraphModel): Promise<Map<string, Box>> {
  const byParent = new Map<string | undefined, GraphNode[]>();
  for (const n of model.nodes) {
    const list = byParent.get(n.parent) ?? [];
    list.push(n);
    byParent.set(n.parent, list);
  }
  const edgesByParent = new Map<string | undefined, ElkExtendedEdge[]>();
  for (const e of model.edges) {
    const list = edgesByParent.get(e.parent) ?? [];
    list.push({ id: e.id, sources: [e.source], targets: [e.target] });
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
  const collect = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? STATE_W, height: c.height ?? STATE_H });
      collect(c);
    }
  };
  collect(out);
  // Branches of one Parallel start on the same line (elk centres nodes of a layer).
  for (const n of model.nodes) {
    if (n.kind !== "branch") continue;
    const box = boxes.get(n.id);
    const siblings = model.nodes.filter((m) => m.kind === "branch" && m.parent === n.parent);
    if (box) box.y = Math.min(...siblings.map((m) => boxes.get(m.id)?.y ?? box.y));
  }
  return boxes;
}

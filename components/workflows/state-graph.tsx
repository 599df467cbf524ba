"use client";
import { memo, useEffect, useMemo, useState } from "react";
import {
  BaseEdge,
  Background,
  Controls,
  getSmoothStepPath,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { cn } from "@/components/ui";
import { END_ID, START_ID, type GraphEdge, type GraphModel, type GraphNode } from "./asl-graph";
import { layoutGraph, type Layout, type Route } from "./layout";
import type { StateStatus } from "./execution-model";

// The state machine drawn with React Flow, laid out by elk: Start/End pills, one card per state
// (type, name, a hint), Parallel/Map states as groups holding their branches. Colours follow an
// execution's statuses when given; in the editor, edges can be drawn (Next/Default/End) and
// deleted, and clicking a state selects it.

export const STATUS_STYLE: Record<StateStatus | "idle", { ring: string; chip: string; label: string }> = {
  idle: { ring: "border-gray-300 bg-white", chip: "bg-gray-100 text-gray-600", label: "Not run" },
  running: {
    ring: "border-sky-500 bg-sky-50 ring-2 ring-sky-200",
    chip: "bg-sky-100 text-sky-800",
    label: "In progress",
  },
  succeeded: { ring: "border-green-500 bg-green-50", chip: "bg-green-100 text-green-800", label: "Succeeded" },
  failed: { ring: "border-red-500 bg-red-50", chip: "bg-red-100 text-red-800", label: "Failed" },
  caught: { ring: "border-amber-500 bg-amber-50", chip: "bg-amber-100 text-amber-800", label: "Caught error" },
  aborted: { ring: "border-gray-500 bg-gray-100", chip: "bg-gray-200 text-gray-700", label: "Aborted" },
};

type NodeData = {
  node: GraphNode;
  status?: StateStatus | "idle";
  invalid?: boolean;
  selected?: boolean;
  editable?: boolean;
};

const TYPE_TONE: Record<string, string> = {
  Task: "bg-accent-100 text-accent-800",
  Choice: "bg-violet-100 text-violet-800",
  Parallel: "bg-teal-100 text-teal-800",
  Map: "bg-teal-100 text-teal-800",
  Wait: "bg-amber-100 text-amber-800",
  Pass: "bg-gray-100 text-gray-700",
  Succeed: "bg-green-100 text-green-800",
  Fail: "bg-red-100 text-red-800",
};

const handleClass = "!h-2 !w-2 !border-gray-400 !bg-white";

const StateNode = memo(function StateNode({ data }: NodeProps<Node<NodeData>>) {
  const { node, status, invalid, selected } = data;
  const style = STATUS_STYLE[status ?? "idle"];
  return (
    <div
      className={cn(
        "flex h-full w-full flex-col justify-center rounded-lg border px-3 py-1.5 shadow-sm transition-colors",
        style.ring,
        status === "idle" && "opacity-70",
        invalid && "!border-red-500 ring-2 ring-red-200",
        selected && "outline-2 outline-offset-2 outline-accent-500",
      )}
      data-testid={`graph-state-${node.id}`}
      data-status={status ?? ""}
      title={node.detail ? `${node.label} — ${node.detail}` : node.label}
    >
      <Handle type="target" position={Position.Top} className={handleClass} />
      <div className="flex min-w-0 items-center gap-1.5">
        <span className={cn("rounded px-1.5 py-px text-[10px] font-semibold uppercase", TYPE_TONE[node.type ?? ""])}>
          {node.type}
        </span>
        <span className="truncate text-sm font-medium text-gray-900">{node.label}</span>
      </div>
      {node.detail && <div className="mt-0.5 truncate font-mono text-[11px] text-gray-500">{node.detail}</div>}
      <Handle type="source" position={Position.Bottom} className={handleClass} />
    </div>
  );
});

const GroupNode = memo(function GroupNode({ data }: NodeProps<Node<NodeData>>) {
  const { node, status, invalid, selected } = data;
  const style = STATUS_STYLE[status ?? "idle"];
  const branch = node.kind === "branch";
  return (
    <div
      className={cn(
        "h-full w-full rounded-xl border",
        branch ? "border-dashed border-gray-300 bg-white/60" : cn(style.ring, "!bg-opacity-40"),
        !branch && status === "idle" && "bg-gray-50/70",
        invalid && "!border-red-500",
        selected && "outline-2 outline-offset-2 outline-accent-500",
      )}
      data-testid={branch ? `graph-branch-${node.id}` : `graph-state-${node.id}`}
      data-status={status ?? ""}
    >
      {!branch && <Handle type="target" position={Position.Top} className={handleClass} />}
      <div className="flex items-center gap-1.5 px-3 pt-2">
        {branch ? (
          <span className="text-[11px] font-medium tracking-wide text-gray-500 uppercase">{node.label}</span>
        ) : (
          <>
            <span
              className={cn("rounded px-1.5 py-px text-[10px] font-semibold uppercase", TYPE_TONE[node.type ?? ""])}
            >
              {node.type}
            </span>
            <span className="truncate text-sm font-medium text-gray-900">{node.label}</span>
          </>
        )}
      </div>
      {!branch && <Handle type="source" position={Position.Bottom} className={handleClass} />}
    </div>
  );
});

const PillNode = memo(function PillNode({ data }: NodeProps<Node<NodeData>>) {
  const start = data.node.kind === "start";
  return (
    <div
      className={cn(
        "flex h-full w-full items-center justify-center rounded-full border text-xs font-semibold",
        start ? "border-gray-800 bg-gray-800 text-white" : "border-gray-400 bg-white text-gray-700",
      )}
      data-testid={start ? "graph-start" : "graph-end"}
    >
      {!start && <Handle type="target" position={Position.Top} className={handleClass} />}
      {data.node.label}
      {start && <Handle type="source" position={Position.Bottom} className={handleClass} />}
    </div>
  );
});

// Not "group": React Flow styles its built-in group type (a dark 1px frame around our own border).
const nodeTypes = { state: StateNode, stateGroup: GroupNode, pill: PillNode };

type EdgeData = { kind: string; route?: Route; text?: string; color: string };

/** A polyline with rounded corners through elk's route (falls back to a smooth step between the handles). */
function routedPath(points: { x: number; y: number }[], radius = 8): string {
  if (points.length < 2) return "";
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1];
    const c = points[i];
    const n = points[i + 1];
    const r = Math.min(radius, Math.hypot(c.x - p.x, c.y - p.y) / 2, Math.hypot(n.x - c.x, n.y - c.y) / 2);
    const a = { x: c.x - (Math.sign(c.x - p.x) * r || 0), y: c.y - (Math.sign(c.y - p.y) * r || 0) };
    const b = { x: c.x + (Math.sign(n.x - c.x) * r || 0), y: c.y + (Math.sign(n.y - c.y) * r || 0) };
    d += ` L ${a.x} ${a.y} Q ${c.x} ${c.y} ${b.x} ${b.y}`;
  }
  const last = points[points.length - 1];
  return `${d} L ${last.x} ${last.y}`;
}

const RoutedEdge = memo(function RoutedEdge(props: EdgeProps<Edge<EdgeData>>) {
  const data = props.data!;
  const route = data.route;
  let path: string;
  let lx: number;
  let ly: number;
  if (route && route.points.length >= 2) {
    path = routedPath(route.points);
    const mid = route.points[Math.floor((route.points.length - 1) / 2)];
    lx = route.label ? route.label.x + route.label.width / 2 : mid.x;
    ly = route.label ? route.label.y + route.label.height / 2 : mid.y;
  } else {
    [path, lx, ly] = getSmoothStepPath(props);
  }
  return (
    <BaseEdge
      id={props.id}
      path={path}
      markerEnd={props.markerEnd}
      style={props.style}
      label={data.text}
      labelX={lx}
      labelY={ly}
      labelStyle={{ fontSize: 11, fill: data.color, fontFamily: "ui-monospace, monospace" }}
      labelBgStyle={{ fill: "#ffffff", fillOpacity: 0.92 }}
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={3}
      interactionWidth={14}
    />
  );
});

const edgeTypes = { routed: RoutedEdge };

function toFlow(
  model: GraphModel,
  layout: Layout,
  opts: { statuses?: Map<string, StateStatus>; invalid?: Set<string>; selected?: string | null; editable?: boolean },
): { nodes: Node<NodeData>[]; edges: Edge[] } {
  const boxes = layout.boxes;
  const depth = (n: GraphNode): number => {
    let d = 0;
    let p = n.parent;
    while (p) {
      d++;
      p = model.nodes.find((m) => m.id === p)?.parent;
    }
    return d;
  };
  const nodes: Node<NodeData>[] = model.nodes.map((n) => {
    const b = boxes.get(n.id) ?? { x: 0, y: 0, width: 190, height: 58 };
    const type =
      n.kind === "start" || n.kind === "end" ? "pill" : n.kind === "branch" || n.group ? "stateGroup" : "state";
    const status = n.kind === "state" && opts.statuses ? (opts.statuses.get(n.id) ?? "idle") : undefined;
    return {
      id: n.id,
      type,
      position: { x: b.x, y: b.y },
      width: b.width,
      height: b.height,
      style: { width: b.width, height: b.height },
      parentId: n.parent,
      extent: n.parent ? ("parent" as const) : undefined,
      draggable: false,
      selectable: n.kind === "state",
      connectable: !!opts.editable && n.kind !== "branch",
      zIndex: depth(n),
      data: {
        node: n,
        status,
        invalid: opts.invalid?.has(n.id),
        selected: opts.selected === n.id,
        editable: opts.editable,
      },
    };
  });
  const edges: Edge<EdgeData>[] = model.edges.map((e: GraphEdge) => {
    const color =
      e.kind === "catch" ? "#d97706" : e.kind === "choice" ? "#7c3aed" : e.kind === "default" ? "#6b7280" : "#4b5563";
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      type: "routed",
      data: { kind: e.kind, route: layout.routes.get(e.id), text: e.label, color },
      deletable: !!opts.editable && e.kind !== "start" && e.kind !== "end",
      zIndex: 20,
      markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
      style: { stroke: color, strokeWidth: 1.5, strokeDasharray: e.kind === "catch" ? "6 4" : undefined },
      className: `edge-${e.kind}`,
    };
  });
  return { nodes, edges };
}

export interface StateGraphProps {
  model: GraphModel;
  statuses?: Map<string, StateStatus>;
  invalid?: Set<string>;
  selected?: string | null;
  onSelect?: (name: string | null) => void;
  editable?: boolean;
  onConnect?: (source: string, target: string) => void;
  onDeleteEdge?: (edge: GraphEdge) => void;
  onDeleteState?: (name: string) => void;
  className?: string;
}

function GraphInner(props: StateGraphProps) {
  const { model, statuses, invalid, selected, editable } = props;
  // The drawing shows the model that was laid out (a new model keeps the old drawing for the moment elk takes).
  const [drawn, setDrawn] = useState<{ model: GraphModel; layout: Layout } | null>(null);
  const layout = drawn?.layout ?? null;
  const [layoutError, setLayoutError] = useState<string | null>(null);
  const flow = useReactFlow();
  const key = useMemo(() => JSON.stringify(model), [model]);
  useEffect(() => {
    let live = true;
    layoutGraph(model)
      .then((l) => {
        if (!live) return;
        setDrawn({ model, layout: l });
        setLayoutError(null);
      })
      .catch((e: Error) => live && setLayoutError(e.message));
    return () => {
      live = false;
    };
    // The model is compared by value (a new parse of the same JSON draws nothing new).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const { nodes, edges } = useMemo(
    () =>
      drawn ? toFlow(drawn.model, drawn.layout, { statuses, invalid, selected, editable }) : { nodes: [], edges: [] },
    [drawn, statuses, invalid, selected, editable],
  );
  // Re-fit when the drawing changes or the side panel opens/closes (the pane's width changes).
  const panelOpen = !!selected;
  useEffect(() => {
    if (layout) requestAnimationFrame(() => void flow.fitView({ padding: 0.12, maxZoom: 1.1 }));
  }, [layout, flow, panelOpen]);
  const byId = useMemo(() => new Map((drawn?.model ?? model).edges.map((e) => [e.id, e])), [drawn, model]);
  return (
    <div
      className={cn("relative h-full min-h-[420px] w-full min-w-0", props.className)}
      data-testid="state-graph"
      data-ready={layout ? "true" : "false"}
    >
      {layoutError && <p className="absolute top-2 left-2 z-10 text-xs text-red-600">Layout failed: {layoutError}</p>}
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        minZoom={0.2}
        maxZoom={1.6}
        proOptions={{ hideAttribution: true }}
        nodesDraggable={false}
        nodesConnectable={!!editable}
        elementsSelectable
        deleteKeyCode={editable ? ["Backspace", "Delete"] : null}
        onNodeClick={(_, n) => {
          const g = (n.data as NodeData).node;
          if (g.kind === "state") props.onSelect?.(g.id);
        }}
        onPaneClick={() => props.onSelect?.(null)}
        onConnect={(c: Connection) => {
          if (c.source && c.target && c.source !== END_ID && c.target !== START_ID)
            props.onConnect?.(c.source, c.target);
        }}
        onEdgesDelete={(es) => es.forEach((e) => byId.get(e.id) && props.onDeleteEdge?.(byId.get(e.id)!))}
        onNodesDelete={(ns) =>
          ns.forEach((n) => (n.data as NodeData).node.kind === "state" && props.onDeleteState?.(n.id))
        }
      >
        <Background gap={16} size={1} color="#e5e7eb" />
        <Controls showInteractive={false} position="bottom-right" />
      </ReactFlow>
    </div>
  );
}

/** The graph; give it a sized parent (it fills it). */
export function StateGraph(props: StateGraphProps) {
  return (
    <ReactFlowProvider>
      <GraphInner {...props} />
    </ReactFlowProvider>
  );
}

/** The colour key under an execution's graph. */
export function StatusLegend() {
  return (
    <div className="flex flex-wrap gap-2 text-xs" aria-label="Colour key">
      {(["succeeded", "running", "caught", "failed", "aborted", "idle"] as const).map((s) => (
        <span key={s} className={cn("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5", STATUS_STYLE[s].chip)}>
          <span className={cn("h-2 w-2 rounded-full border", STATUS_STYLE[s].ring)} aria-hidden />
          {STATUS_STYLE[s].label}
        </span>
      ))}
    </div>
  );
}

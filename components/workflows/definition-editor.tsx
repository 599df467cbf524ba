"use client";
import { useEffect, useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { AlertTriangle, CheckCircle2, Plus, Trash2, WandSparkles } from "lucide-react";
import { Badge, Button, Input, Select, Textarea, cn } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import {
  addStateAfter,
  connectStates,
  definitionToGraph,
  deleteState,
  disconnect,
  findState,
  formatDefinition,
  parseDefinition,
  renameState,
  replaceState,
  setNext,
  siblingNames,
  STATE_TYPES,
  type GraphModel,
  type JsonObject,
  type StateType,
} from "./asl-graph";
import { StateGraph } from "./state-graph";

// The state machine editor: the JSON on the left, the graph on the right, both the same
// definition. Typing re-draws the graph (and re-validates after a short pause, with AWS's
// diagnostics and locations); adding, renaming, deleting or connecting states in the graph, or
// editing a state in its panel, rewrites the JSON.

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** The state a diagnostic's location points into (/States/P/Branches[0]/States/X/Next → X). */
export function stateOfLocation(location: string | undefined): string | null {
  if (!location) return null;
  const parts = location.split("/States/");
  const last = parts.length > 1 ? parts[parts.length - 1] : null;
  return last ? last.split("/")[0] : null;
}

export function DefinitionEditor({
  tenant,
  value,
  onChange,
  readOnly = false,
  onValidity,
}: {
  tenant: string;
  value: string;
  onChange: (text: string) => void;
  readOnly?: boolean;
  /** Told whether the definition currently validates (for enabling Save). */
  onValidity?: (ok: boolean) => void;
}) {
  const trpc = useTRPC();
  const parsed = useMemo(() => parseDefinition(value), [value]);
  const model = useMemo(() => (parsed.definition ? definitionToGraph(parsed.definition) : null), [parsed]);
  // While the JSON does not parse, the graph keeps showing the last definition that did.
  const [lastGood, setLastGood] = useState<GraphModel | null>(null);
  if (model && lastGood !== model) setLastGood(model);
  const shown = model ?? lastGood;
  const [selected, setSelected] = useState<string | null>(null);
  const [editError, setEditError] = useState<string | null>(null);

  const debounced = useDebounced(value, 250);
  const validation = useQuery({
    ...trpc.workflows.validate.queryOptions({ tenant, definition: debounced }),
    placeholderData: keepPreviousData,
    // Validation is a pure function of the text: no refetch on focus, no expiry.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const diagnostics = validation.data?.diagnostics ?? [];
  const errors = diagnostics.filter((d) => d.severity === "ERROR");
  const fresh = debounced === value && !!validation.data && !validation.isPlaceholderData;
  const valid = fresh && validation.data?.result === "OK";
  useEffect(() => onValidity?.(valid), [valid, onValidity]);
  const invalidStates = useMemo(
    () => new Set(errors.map((d) => stateOfLocation(d.location)).filter((n): n is string => !!n)),
    [errors],
  );

  const editable = !readOnly && !!parsed.definition;
  const apply = (f: (d: JsonObject) => JsonObject) => {
    if (!parsed.definition) return;
    try {
      const next = f(parsed.definition);
      setEditError(null);
      onChange(formatDefinition(next));
    } catch (e) {
      setEditError((e as Error).message);
    }
  };
  const add = (type: StateType) => {
    if (!parsed.definition) return;
    const after = selected && findState(parsed.definition, selected) ? selected : lastTopState(parsed.definition);
    const r = addStateAfter(parsed.definition, after, type);
    setEditError(null);
    onChange(formatDefinition(r.definition));
    setSelected(r.name);
  };
  const sel = selected && parsed.definition ? findState(parsed.definition, selected) : null;

  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]" data-testid="definition-editor">
      <div className="flex min-w-0 flex-col rounded-lg border border-gray-200 bg-white shadow-xs">
        <div className="flex items-center justify-between gap-2 border-b border-gray-200 px-4 py-2.5">
          <div className="text-sm font-semibold text-gray-900">Definition</div>
          <div className="flex items-center gap-2">
            <span className="hidden text-xs text-gray-500 sm:inline">Amazon States Language (JSON)</span>
            {!readOnly && (
              <Button
                size="sm"
                variant="ghost"
                disabled={!parsed.definition}
                onClick={() => parsed.definition && onChange(formatDefinition(parsed.definition))}
              >
                <WandSparkles className="h-4 w-4" aria-hidden />
                Format
              </Button>
            )}
          </div>
        </div>
        <Textarea
          aria-label="Definition JSON"
          data-testid="definition-json"
          className="min-h-[560px] flex-1 rounded-none border-0 text-[13px] leading-5 shadow-none"
          rows={24}
          spellCheck={false}
          value={value}
          readOnly={readOnly}
          invalid={!!parsed.error}
          onChange={(e) => onChange(e.target.value)}
        />
        <div className="border-t border-gray-200 px-4 py-3" aria-live="polite" data-testid="validation">
          {parsed.error ? (
            <p className="flex items-start gap-2 text-sm text-red-700">
              <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
              <span>
                <span className="font-medium">Not valid JSON:</span> {parsed.error}
              </span>
            </p>
          ) : !validation.data ? (
            <p className="text-sm text-gray-500">Checking…</p>
          ) : diagnostics.length === 0 ? (
            <p className={cn("flex items-center gap-2 text-sm text-green-700", !fresh && "opacity-60")}>
              <CheckCircle2 className="h-4 w-4" aria-hidden />
              Valid definition
            </p>
          ) : (
            <ul className={cn("max-h-48 space-y-1.5 overflow-auto", !fresh && "opacity-60")}>
              {diagnostics.map((d, i) => (
                <li key={i} className="text-sm" data-testid="diagnostic">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={d.severity === "ERROR" ? "danger" : "warning"}>{d.code}</Badge>
                    {d.location && (
                      <button
                        type="button"
                        className="font-mono text-xs text-accent-700 hover:underline"
                        onClick={() => setSelected(stateOfLocation(d.location))}
                      >
                        {d.location}
                      </button>
                    )}
                  </div>
                  <p className="mt-0.5 text-gray-700">{d.message}</p>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <div className="flex min-w-0 flex-col rounded-lg border border-gray-200 bg-white shadow-xs">
        <div
          className="flex flex-wrap items-center gap-1.5 border-b border-gray-200 px-3 py-2"
          role="toolbar"
          aria-label="Add a state"
        >
          {editable ? (
            <>
              <span className="mr-1 text-xs text-gray-500">
                Add {selected ? <>after “{selected}”</> : "at the end"}:
              </span>
              {STATE_TYPES.map((t) => (
                <Button key={t} size="sm" variant="secondary" onClick={() => add(t)} aria-label={`Add ${t} state`}>
                  <Plus className="h-3.5 w-3.5" aria-hidden />
                  {t}
                </Button>
              ))}
            </>
          ) : (
            <span className="text-xs text-gray-500">
              {readOnly ? "Read only" : "Fix the JSON to edit in the graph; the graph shows the last valid JSON."}
            </span>
          )}
        </div>
        <div className="flex min-h-[620px] flex-1">
          {shown ? (
            <StateGraph
              model={shown}
              invalid={invalidStates}
              selected={selected}
              onSelect={setSelected}
              editable={editable}
              onConnect={(s, t) => apply((d) => connectStates(d, s, t))}
              onDeleteEdge={(e) => apply((d) => disconnect(d, e))}
              onDeleteState={(n) => {
                apply((d) => deleteState(d, n));
                setSelected(null);
              }}
            />
          ) : (
            <p className="m-auto text-sm text-gray-500">The graph appears when the JSON parses.</p>
          )}
          {sel && selected && parsed.definition && (
            <StatePanel
              key={selected}
              name={selected}
              state={sel.state}
              siblings={siblingNames(parsed.definition, selected)}
              readOnly={!editable}
              onClose={() => setSelected(null)}
              onRename={(to) => {
                apply((d) => renameState(d, selected, to));
                if (to.trim() && to.trim() !== selected) setSelected(to.trim());
              }}
              onNext={(next) => apply((d) => setNext(d, selected, next))}
              onReplace={(state) => apply((d) => replaceState(d, selected, state))}
              onDelete={() => {
                apply((d) => deleteState(d, selected));
                setSelected(null);
              }}
            />
          )}
        </div>
        {editError && (
          <p className="border-t border-gray-200 px-4 py-2 text-sm text-red-700" role="alert">
            {editError}
          </p>
        )}
        <p className="border-t border-gray-200 px-4 py-2 text-xs text-gray-500">
          Click a state to edit it. Drag from a state’s bottom handle to another state to set its Next (a Choice’s
          Default), to End to end there; select an edge or a state and press Delete to remove it.
        </p>
      </div>
    </div>
  );
}

function lastTopState(def: JsonObject): string | null {
  const states = def.States && typeof def.States === "object" && !Array.isArray(def.States) ? def.States : {};
  const names = Object.keys(states);
  return names.length ? names[names.length - 1] : null;
}

/** The selected state's side panel: name, where it goes next, its fields as JSON, delete. */
function StatePanel({
  name,
  state,
  siblings,
  readOnly,
  onClose,
  onRename,
  onNext,
  onReplace,
  onDelete,
}: {
  name: string;
  state: JsonObject;
  siblings: string[];
  readOnly: boolean;
  onClose: () => void;
  onRename: (to: string) => void;
  onNext: (next: string | null) => void;
  onReplace: (state: JsonObject) => void;
  onDelete: () => void;
}) {
  const [draftName, setDraftName] = useState(name);
  const stateText = useMemo(() => JSON.stringify(state, null, 2), [state]);
  const [fields, setFields] = useState(stateText);
  const [fieldsError, setFieldsError] = useState<string | null>(null);
  useEffect(() => setFields(stateText), [stateText]);
  const hasNext = state.Type !== "Choice" && state.Type !== "Succeed" && state.Type !== "Fail";
  const next = typeof state.Next === "string" ? state.Next : "";
  const applyFields = () => {
    const p = parseDefinition(fields);
    if (!p.definition) return setFieldsError(p.error);
    if (typeof p.definition.Type !== "string") return setFieldsError("A state needs a Type.");
    setFieldsError(null);
    onReplace(p.definition);
  };
  return (
    <aside
      className="flex w-72 shrink-0 flex-col overflow-auto border-l border-gray-200 bg-white"
      aria-label={`State ${name}`}
      data-testid="state-panel"
    >
      <div className="flex items-center justify-between border-b border-gray-200 px-4 py-2.5">
        <div className="flex min-w-0 items-center gap-2">
          <Badge tone="accent">{String(state.Type)}</Badge>
          <span className="truncate text-sm font-semibold text-gray-900">{name}</span>
        </div>
        <Button size="sm" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      <div className="space-y-4 px-4 py-3">
        <label className="block">
          <span className="mb-1 block text-sm font-medium text-gray-700">Name</span>
          <Input
            aria-label="State name"
            value={draftName}
            readOnly={readOnly}
            onChange={(e) => setDraftName(e.target.value)}
            onBlur={() => draftName !== name && onRename(draftName)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                if (draftName !== name) onRename(draftName);
              }
            }}
          />
        </label>
        {hasNext && (
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-gray-700">Next</span>
            <Select
              aria-label="Next state"
              value={state.End === true ? "" : next}
              disabled={readOnly}
              onChange={(e) => onNext(e.target.value || null)}
            >
              <option value="">End (this state ends its branch)</option>
              {siblings.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </Select>
          </label>
        )}
        <label className="block">
          <span className="mb-1 block text-sm font-medium text-gray-700">Fields</span>
          <Textarea
            aria-label="State fields"
            rows={12}
            spellCheck={false}
            className="text-xs"
            value={fields}
            readOnly={readOnly}
            invalid={!!fieldsError}
            onChange={(e) => setFields(e.target.value)}
          />
          {fieldsError && <span className="mt-1 block text-xs text-red-700">{fieldsError}</span>}
        </label>
        {!readOnly && (
          <div className="flex flex-wrap gap-2">
            <Button size="sm" onClick={applyFields} disabled={fields === stateText}>
              Apply fields
            </Button>
            <Button size="sm" variant="ghost" className="text-red-600 hover:bg-red-50" onClick={onDelete}>
              <Trash2 className="h-4 w-4" aria-hidden />
              Delete state
            </Button>
          </div>
        )}
      </div>
    </aside>
  );
}

"use client";
import { useEffect, useMemo, useState } from "react";
import { CheckCircle2, CircleAlert, Plus, Trash2, XCircle } from "lucide-react";
import { Button, Input, Label, Select, Textarea, cn } from "@/components/ui";
// The engine is pure (no node imports): the console validates and tests as you type with the very
// code that filters on publish, so what the editor accepts is what Subscribe accepts.
import {
  countKeys,
  evaluateFilterPolicy,
  filterPolicyErrorMessage,
  parseFilterPolicy,
  MAX_KEYS,
  type FilterPolicyScope,
} from "@/server/core/filter-policy";

export type FilterPolicyValue = { policy: string; scope: FilterPolicyScope };

type Check = { state: "empty" } | { state: "ok"; keys: number } | { state: "error"; message: string; path: string };

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function checkFilterPolicy(policy: string, scope: FilterPolicyScope): Check {
  if (!policy.trim()) return { state: "empty" };
  const p = parseFilterPolicy(policy, scope);
  if (!p.ok) return { state: "error", message: filterPolicyErrorMessage(p.error), path: p.error.path };
  return { state: "ok", keys: countKeys(p.policy) };
}

const EXAMPLES: Record<FilterPolicyScope, string> = {
  MessageAttributes: `{\n  "event": ["order_placed", "order_cancelled"],\n  "amount": [{ "numeric": [">=", 100] }]\n}`,
  MessageBody: `{\n  "detail": {\n    "status": [{ "anything-but": ["test"] }]\n  }\n}`,
};

/** Filter policy + scope, validated as you type, with a tester underneath. */
export function FilterPolicyEditor({
  value,
  onChange,
  serverError,
  idPrefix = "fp",
}: {
  value: FilterPolicyValue;
  onChange: (v: FilterPolicyValue) => void;
  serverError?: string;
  idPrefix?: string;
}) {
  const debounced = useDebounced(value, 250);
  const check = useMemo(() => checkFilterPolicy(debounced.policy, debounced.scope), [debounced]);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-full sm:w-64">
          <Label htmlFor={`${idPrefix}-scope`}>Filter on</Label>
          <Select
            id={`${idPrefix}-scope`}
            className="mt-1.5"
            value={value.scope}
            onChange={(e) => onChange({ ...value, scope: e.target.value as FilterPolicyScope })}
          >
            <option value="MessageAttributes">Message attributes</option>
            <option value="MessageBody">Message body (JSON)</option>
          </Select>
        </div>
        {!value.policy.trim() && (
          <Button variant="ghost" size="sm" onClick={() => onChange({ ...value, policy: EXAMPLES[value.scope] })}>
            Insert an example
          </Button>
        )}
      </div>
      <div>
        <Label htmlFor={`${idPrefix}-policy`}>Filter policy (JSON)</Label>
        <Textarea
          id={`${idPrefix}-policy`}
          className="mt-1.5"
          rows={6}
          spellCheck={false}
          placeholder="Empty: every message is delivered"
          value={value.policy}
          invalid={check.state === "error" || !!serverError}
          aria-describedby={`${idPrefix}-status`}
          onChange={(e) => onChange({ ...value, policy: e.target.value })}
        />
        <div id={`${idPrefix}-status`} className="mt-1.5 text-sm" aria-live="polite" data-testid="filter-policy-status">
          {serverError ? (
            <p className="flex items-start gap-1.5 text-red-600">
              <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
              {serverError}
            </p>
          ) : check.state === "empty" ? (
            <p className="text-gray-500">No filter: the subscription receives every message.</p>
          ) : check.state === "ok" ? (
            <p className="flex items-center gap-1.5 text-green-700">
              <CheckCircle2 className="h-4 w-4 shrink-0" aria-hidden />
              Valid filter policy · {check.keys} of {MAX_KEYS} keys
            </p>
          ) : (
            <p className="flex items-start gap-1.5 text-red-600">
              <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
              <span>
                {check.message}
                {check.path && check.path !== "$" && (
                  <span className="ml-1 font-mono text-xs text-red-500">at {check.path}</span>
                )}
              </span>
            </p>
          )}
        </div>
      </div>
      <FilterPolicyTester policy={debounced.policy} scope={debounced.scope} idPrefix={idPrefix} />
    </div>
  );
}

type AttrRow = { name: string; type: string; value: string };

/** Paste a message (attributes or body), see whether the policy lets it through, and why not. */
export function FilterPolicyTester({
  policy,
  scope,
  idPrefix = "fp",
}: {
  policy: string;
  scope: FilterPolicyScope;
  idPrefix?: string;
}) {
  const [body, setBody] = useState('{\n  "detail": { "status": "shipped" }\n}');
  const [attrs, setAttrs] = useState<AttrRow[]>([{ name: "event", type: "String", value: "order_placed" }]);
  const result = useMemo(() => {
    if (!policy.trim()) return { kind: "none" as const };
    const p = parseFilterPolicy(policy, scope);
    if (!p.ok) return { kind: "invalid" as const };
    const r =
      scope === "MessageBody"
        ? evaluateFilterPolicy(p.policy, { scope, body })
        : evaluateFilterPolicy(p.policy, {
            scope,
            attributes: Object.fromEntries(
              attrs
                .filter((a) => a.name.trim())
                .map((a) => [a.name.trim(), { DataType: a.type, StringValue: a.value }]),
            ),
          });
    return r.match ? { kind: "match" as const } : { kind: "nomatch" as const, reason: r.reason };
  }, [policy, scope, body, attrs]);
  const setRow = (i: number, patch: Partial<AttrRow>) =>
    setAttrs(attrs.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <div className="rounded-lg border border-gray-200 bg-gray-50/70 p-3" data-testid="filter-policy-tester">
      <div className="mb-2 text-sm font-medium text-gray-800">Test a message</div>
      {scope === "MessageBody" ? (
        <div>
          <Label htmlFor={`${idPrefix}-test-body`} className="text-xs text-gray-600">
            Message body
          </Label>
          <Textarea
            id={`${idPrefix}-test-body`}
            className="mt-1"
            rows={4}
            spellCheck={false}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        </div>
      ) : (
        <div className="space-y-2">
          {attrs.map((a, i) => (
            <div key={i} className="grid grid-cols-[1fr_auto] gap-2 sm:grid-cols-[1fr_9rem_1fr_auto]">
              <Input
                aria-label="Attribute name"
                placeholder="Name"
                value={a.name}
                onChange={(e) => setRow(i, { name: e.target.value })}
              />
              <div className="order-last col-span-2 sm:order-none sm:col-span-1">
                <Select
                  aria-label="Attribute type"
                  value={a.type}
                  onChange={(e) => setRow(i, { type: e.target.value })}
                >
                  <option>String</option>
                  <option>Number</option>
                  <option>String.Array</option>
                </Select>
              </div>
              <div className="order-last col-span-2 sm:order-none sm:col-span-1">
                <Input
                  aria-label="Attribute value"
                  placeholder={a.type === "String.Array" ? '["a","b"]' : "Value"}
                  value={a.value}
                  onChange={(e) => setRow(i, { value: e.target.value })}
                />
              </div>
              <Button
                variant="ghost"
                size="sm"
                className="h-9"
                aria-label="Remove attribute"
                onClick={() => setAttrs(attrs.filter((_, j) => j !== i))}
              >
                <Trash2 className="h-4 w-4" aria-hidden />
              </Button>
            </div>
          ))}
          <Button
            variant="ghost"
            size="sm"
            onClick={() => setAttrs([...attrs, { name: "", type: "String", value: "" }])}
          >
            <Plus className="h-4 w-4" aria-hidden />
            Add attribute
          </Button>
        </div>
      )}
      <div
        className={cn(
          "mt-3 flex items-start gap-2 rounded-md px-3 py-2 text-sm",
          result.kind === "match"
            ? "bg-green-50 text-green-800"
            : result.kind === "nomatch"
              ? "bg-red-50 text-red-800"
              : "bg-white text-gray-500",
        )}
        aria-live="polite"
        data-testid="filter-test-result"
      >
        {result.kind === "match" ? (
          <>
            <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            <span>
              <strong>Match</strong>: this message would be delivered.
            </span>
          </>
        ) : result.kind === "nomatch" ? (
          <>
            <XCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            <span>
              <strong>No match</strong>: {result.reason}
            </span>
          </>
        ) : result.kind === "invalid" ? (
          <span>Fix the policy above to test it.</span>
        ) : (
          <span>Without a policy every message matches.</span>
        )}
      </div>
    </div>
  );
}

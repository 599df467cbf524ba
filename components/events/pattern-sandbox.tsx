"use client";
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { CheckCircle2, CircleAlert, XCircle } from "lucide-react";
import { Label, Select, Textarea, cn } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
// The matcher is pure: the sandbox runs the very code that routes events on PutEvents, so what
// it shows here is what the bus will do.
import { compilePattern, explainMatch, type CompiledPattern } from "@/server/core/events/pattern";

export type PatternCheck =
  { state: "empty" } | { state: "ok"; compiled: CompiledPattern } | { state: "error"; message: string };

export function checkPattern(text: string): PatternCheck {
  if (!text.trim()) return { state: "empty" };
  try {
    return { state: "ok", compiled: compilePattern(text) };
  } catch (e) {
    return { state: "error", message: e instanceof Error ? e.message : String(e) };
  }
}

export const SAMPLE_EVENT = (account: string, region: string) =>
  JSON.stringify(
    {
      version: "0",
      id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
      "detail-type": "Order Paid",
      source: "com.example.orders",
      account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region,
      resources: [],
      detail: { orderId: "1234", status: "paid", amount: 42.5 },
    },
    null,
    2,
  );

type Parsed = { ok: true; event: unknown } | { ok: false; message: string };

function parseEvent(text: string): Parsed {
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== "object" || Array.isArray(v))
      return { ok: false, message: "The event must be a JSON object." };
    return { ok: true, event: v };
  } catch (e) {
    return { ok: false, message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const show = (v: unknown) => (v === undefined ? "(absent)" : typeof v === "string" ? v : JSON.stringify(v));

/**
 * Paste an event or pick one of the bus's recent events, and see live whether the pattern matches
 * and, field by field, why (not).
 */
export function PatternSandbox({
  tenant,
  bus,
  check,
  event,
  onEvent,
  account,
  region,
}: {
  tenant: string;
  bus: string;
  check: PatternCheck;
  event: string;
  onEvent: (text: string) => void;
  account: string;
  region: string;
}) {
  const trpc = useTRPC();
  const recent = useQuery(trpc.events.events.queryOptions({ tenant, bus, limit: 20 }));
  const [picked, setPicked] = useState("");
  const parsed = useMemo(() => parseEvent(event), [event]);
  const result = useMemo(() => {
    if (check.state !== "ok" || !parsed.ok) return null;
    return explainMatch(check.compiled, parsed.event);
  }, [check, parsed]);
  const items = recent.data?.items ?? [];
  return (
    <div className="rounded-lg border border-gray-200 bg-gray-50/70 p-3" data-testid="pattern-sandbox">
      <div className="mb-2 flex flex-wrap items-end justify-between gap-2">
        <div className="text-sm font-medium text-gray-800">Test against an event</div>
        <div className="w-full sm:w-80">
          <Label htmlFor="sandbox-pick" className="sr-only">
            Pick a recent event
          </Label>
          <Select
            id="sandbox-pick"
            value={picked}
            onChange={(e) => {
              setPicked(e.target.value);
              if (e.target.value === "__sample") onEvent(SAMPLE_EVENT(account, region));
              else {
                const ev = items.find((i) => i.id === e.target.value);
                if (ev) onEvent(JSON.stringify(ev.envelope, null, 2));
              }
            }}
          >
            <option value="">Pick a recent event…</option>
            <option value="__sample">A sample event</option>
            {items.map((i) => (
              <option key={i.id} value={i.id}>
                {i.source} · {i.detailType} · {new Date(i.time).toLocaleString()}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <Label htmlFor="sandbox-event" className="text-xs text-gray-600">
        Event (the envelope as rules see it)
      </Label>
      <Textarea
        id="sandbox-event"
        className="mt-1"
        rows={12}
        spellCheck={false}
        value={event}
        invalid={!parsed.ok}
        onChange={(e) => onEvent(e.target.value)}
      />
      <div
        className={cn(
          "mt-3 rounded-md px-3 py-2 text-sm",
          result?.matched ? "bg-green-50 text-green-800" : result ? "bg-red-50 text-red-800" : "bg-white text-gray-500",
        )}
        aria-live="polite"
        data-testid="sandbox-result"
      >
        {!parsed.ok ? (
          <span className="flex items-start gap-2 text-red-700">
            <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            {parsed.message}
          </span>
        ) : check.state === "empty" ? (
          <span>Write a pattern to test it.</span>
        ) : check.state === "error" ? (
          <span>Fix the pattern to test it.</span>
        ) : result?.matched ? (
          <span className="flex items-start gap-2">
            <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            <span>
              <strong>Match</strong>: this event goes to the rule&apos;s targets.
            </span>
          </span>
        ) : (
          <span className="flex items-start gap-2">
            <XCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            <span>
              <strong>No match</strong>: the rule ignores this event.
            </span>
          </span>
        )}
      </div>
      {result && result.reasons.length > 0 && (
        <ul
          className="mt-2 divide-y divide-gray-100 rounded-md border border-gray-200 bg-white text-xs"
          aria-label="Reasons per field"
          data-testid="sandbox-reasons"
        >
          {[...result.reasons]
            .sort((a, b) => Number(a.matched) - Number(b.matched))
            .map((r, i) => (
              <li key={i} className="grid gap-1 px-3 py-2 sm:grid-cols-[minmax(0,12rem)_1fr]">
                <span className="truncate font-mono font-medium text-gray-800" title={r.path}>
                  {r.path}
                </span>
                <span className="min-w-0 text-gray-600">
                  <span className={cn("font-medium", r.matched ? "text-green-700" : "text-red-700")}>
                    {r.matched ? "✓ " : "✗ "}
                  </span>
                  {r.why}
                  <span className="block truncate font-mono text-gray-500" title={show(r.actual)}>
                    expected {show(r.expected)} · got {show(r.actual)}
                  </span>
                </span>
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}

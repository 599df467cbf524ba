"use client";
import { useState } from "react";
import { Badge, CopyButton } from "@/components/ui";

function pretty(body: string): string | null {
  const t = body.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return null;
  }
}

/** A message body: JSON pretty-printed (with a raw view), anything else as is. */
export function MessageBody({ body }: { body: string }) {
  const formatted = pretty(body);
  const [raw, setRaw] = useState(false);
  const shown = formatted && !raw ? formatted : body;
  return (
    <div className="rounded-md border border-gray-200 bg-gray-50">
      <div className="flex items-center justify-between gap-2 border-b border-gray-200 px-3 py-1">
        <span className="text-xs font-medium text-gray-500">Body{formatted ? " · JSON" : ""}</span>
        <div className="flex items-center gap-1">
          {formatted && (
            <button
              type="button"
              className="rounded px-2 py-1 text-xs text-gray-600 hover:bg-gray-200"
              onClick={() => setRaw((r) => !r)}
            >
              {raw ? "Formatted" : "Raw"}
            </button>
          )}
          <CopyButton value={body} variant="ghost" className="h-7 px-2 text-xs" />
        </div>
      </div>
      <pre
        className="max-h-64 overflow-auto px-3 py-2 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-gray-900"
        data-testid="message-body"
      >
        {shown}
      </pre>
    </div>
  );
}

export function AttributeList({
  attributes,
}: {
  attributes: { name: string; dataType: string; value: string }[] | undefined;
}) {
  if (!attributes?.length) return null;
  return (
    <div>
      <div className="mb-1 text-xs font-medium text-gray-500">Message attributes</div>
      <ul className="divide-y divide-gray-100 rounded-md border border-gray-200 text-xs">
        {attributes.map((a) => (
          <li key={a.name} className="flex flex-wrap items-center gap-2 px-3 py-1.5">
            <span className="font-mono font-medium text-gray-900">{a.name}</span>
            <Badge>{a.dataType}</Badge>
            <span className="min-w-0 font-mono break-all text-gray-700">{a.value}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

"use client";
import { useState, type ReactNode } from "react";
import { Plus, X } from "lucide-react";
import { Button, FieldError, Input } from "@/components/ui";

// Request mapping templates for content types other than application/json (the integration form
// edits application/json itself): add a content type, edit its template, preview it (the editor,
// with its live preview, comes from the form through `editor`).

const JSON_TYPE = "application/json";

/** The templates of an integration other than application/json. */
export const otherTemplatesOf = (all: Record<string, string | null> | undefined): [string, string][] =>
  Object.entries(all ?? {})
    .filter(([ct]) => ct !== JSON_TYPE)
    .map(([ct, t]) => [ct, t ?? ""]);

/** requestTemplates to save: application/json (when not empty) and every other content type's. */
export const templatesOf = (json: string, others: [string, string][]): Record<string, string> => ({
  ...(json.trim() ? { [JSON_TYPE]: json } : {}),
  ...Object.fromEntries(others.filter(([ct]) => ct.trim()).map(([ct, t]) => [ct.trim(), t])),
});

const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

export function ExtraTemplates({
  templates,
  onChange,
  disabled,
  editor,
}: {
  templates: [string, string][];
  onChange: (t: [string, string][]) => void;
  disabled: boolean;
  editor: (contentType: string, template: string, onChange: (t: string) => void) => ReactNode;
}) {
  const [adding, setAdding] = useState("");
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    const ct = adding.trim().toLowerCase();
    if (!CONTENT_TYPE.test(ct)) return setError("A content type such as application/xml or text/plain.");
    if (ct === JSON_TYPE || templates.some(([c]) => c === ct)) return setError("That content type has a template.");
    onChange([...templates, [ct, ""]]);
    setAdding("");
    setError(null);
  };
  return (
    <div className="space-y-4">
      {templates.map(([ct, t], i) => (
        <div key={ct} className="rounded-md border border-gray-200 p-3" data-testid={`template-${ct}`}>
          <div className="mb-2 flex items-center justify-between">
            <span className="font-mono text-sm font-medium text-gray-800">{ct}</span>
            {!disabled && (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove the ${ct} template`}
                onClick={() => onChange(templates.filter((_, j) => j !== i))}
              >
                <X className="h-4 w-4" aria-hidden />
              </Button>
            )}
          </div>
          {editor(ct, t, (next) => onChange(templates.map((x, j) => (j === i ? [ct, next] : x))))}
        </div>
      ))}
      {!disabled && (
        <div>
          <div className="flex items-center gap-2">
            <Input
              aria-label="Content type"
              className="max-w-xs font-mono text-xs"
              placeholder="application/xml"
              value={adding}
              onChange={(e) => setAdding(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  add();
                }
              }}
            />
            <Button size="sm" variant="secondary" onClick={add}>
              <Plus className="h-4 w-4" aria-hidden />
              Add template for content type
            </Button>
          </div>
          <FieldError messages={error} />
        </div>
      )}
    </div>
  );
}

"use client";
import Link from "next/link";
import { useState } from "react";
import { Alert, CodeBlock, cn } from "@/components/ui";
import { tenantPath } from "@/lib/use-tenant";
import { boto3Snippet, cliSnippet, curlSnippet, sdkJsSnippet, type QueueSnippetInput } from "./snippets";

const LANGS = [
  { id: "js", label: "JavaScript (AWS SDK v3)", make: sdkJsSnippet },
  { id: "cli", label: "AWS CLI", make: cliSnippet },
  { id: "python", label: "Python (boto3)", make: boto3Snippet },
  { id: "curl", label: "curl (REST)", make: curlSnippet },
] as const;

export function CodeTab({ tenant, input }: { tenant: string; input: QueueSnippetInput }) {
  const [lang, setLang] = useState<(typeof LANGS)[number]["id"]>("js");
  const current = LANGS.find((l) => l.id === lang)!;
  return (
    <div className="space-y-4">
      <Alert tone="info">
        Existing SQS code works by changing only the endpoint and the keys. Create a key on the{" "}
        <Link href={tenantPath(tenant, "api-keys")} className="font-medium underline">
          API keys
        </Link>{" "}
        page and use its id and secret where the snippets say so.
      </Alert>
      <div role="radiogroup" aria-label="Language" className="flex flex-wrap gap-2">
        {LANGS.map((l) => (
          <button
            key={l.id}
            type="button"
            role="radio"
            aria-checked={lang === l.id}
            onClick={() => setLang(l.id)}
            className={cn("rounded-full border px-3 py-1 text-sm font-medium", lang === l.id ? "border-accent-600 bg-accent-50 text-accent-700" : "border-gray-300 bg-white text-gray-600 hover:bg-gray-50")}
          >
            {l.label}
          </button>
        ))}
      </div>
      <CodeBlock title={current.label} code={current.make(input)} />
    </div>
  );
}

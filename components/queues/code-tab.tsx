"use client";
import Link from "next/link";
import { useState } from "react";
import { Alert, CodeBlock, SegmentedControl } from "@/components/ui";
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
      <SegmentedControl
        variant="pills"
        label="Language"
        options={LANGS.map((l) => ({ value: l.id, label: l.label }))}
        value={lang}
        onChange={setLang}
      />
      <CodeBlock title={current.label} code={current.make(input)} />
    </div>
  );
}

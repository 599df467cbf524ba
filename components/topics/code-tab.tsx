"use client";
import { useState } from "react";
import { CodeBlock, Tabs } from "@/components/ui";
import { useOrigin } from "@/lib/use-origin";
import { cliSnippet, curlSnippet, receiverSnippet, sdkPublishSnippet } from "./snippets";

/** Copy-paste code for this topic: publish with SDK v3 / CLI / curl, and a verifying webhook receiver. */
export function CodeTab({ topic, region }: { topic: { arn: string; name: string; fifo: boolean }; region: string }) {
  const origin = useOrigin();
  const [tab, setTab] = useState("sdk");
  const s = { origin, region, arn: topic.arn, name: topic.name, fifo: topic.fifo };
  return (
    <div className="space-y-4">
      <p className="max-w-3xl text-sm text-gray-600">
        Use an API key of this team as AWS credentials (SDK, CLI) or as a Bearer token (REST). Every snippet targets
        this topic.
      </p>
      <Tabs
        value={tab}
        onChange={setTab}
        items={[
          {
            id: "sdk",
            label: "AWS SDK v3",
            content: <CodeBlock title="JavaScript / TypeScript: publish" code={sdkPublishSnippet(s)} />,
          },
          { id: "cli", label: "AWS CLI", content: <CodeBlock title="Shell" code={cliSnippet(s)} /> },
          { id: "curl", label: "curl", content: <CodeBlock title="REST API" code={curlSnippet(s)} /> },
          {
            id: "receiver",
            label: "Webhook receiver",
            content: (
              <div className="space-y-3">
                <p className="max-w-3xl text-sm text-gray-600">
                  HTTP(S) subscriptions are confirmed by visiting the{" "}
                  <code className="font-mono text-xs">SubscribeURL</code> of the first request, then every message is
                  signed with the subscription&apos;s <code className="font-mono text-xs">whsec_</code> secret (Standard
                  Webhooks) and with SNS&apos;s own signature.
                </p>
                <CodeBlock title="Node.js receiver that verifies signatures" code={receiverSnippet()} />
              </div>
            ),
          },
        ]}
      />
    </div>
  );
}

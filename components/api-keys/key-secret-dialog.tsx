"use client";
import { useState } from "react";
import { Alert, Button, CodeBlock, CopyField, Dialog, Tabs } from "@/components/ui";
import { useOrigin } from "@/lib/use-origin";
import { awsCliSnippet, curlSnippet, envSnippet, sdkSnippet } from "./snippets";
import type { CreatedKey } from "./create-key-dialog";

/** Shows a new key's secret, once. Closing it forgets the secret for good. */
export function KeySecretDialog({
  created,
  onClose,
  region,
}: {
  created: CreatedKey | null;
  onClose: () => void;
  region: string;
}) {
  const [tab, setTab] = useState("cli");
  const origin = useOrigin();
  const s = created ? { origin, region, keyId: created.id, secret: created.secret } : null;
  return (
    <Dialog
      open={!!created}
      onClose={onClose}
      size="lg"
      title={created ? `Key “${created.name}” created` : "Key created"}
      footer={
        <Button onClick={onClose} data-autofocus>
          I have copied the secret
        </Button>
      }
    >
      {s && (
        <div className="space-y-5" data-testid="new-key">
          <Alert tone="warning" title="Copy the secret now.">
            This is the only time Signalbox shows it. If you lose it, revoke the key and create a new one.
          </Alert>
          <div className="space-y-4">
            <CopyField label="Access key id" value={s.keyId} id="new-key-id" />
            <CopyField label="Secret access key" value={s.secret} id="new-key-secret" />
          </div>
          <Tabs
            value={tab}
            onChange={setTab}
            items={[
              {
                id: "cli",
                label: "AWS CLI",
                content: <CodeBlock title="Shell: a “signalbox” profile" code={awsCliSnippet(s)} />,
              },
              {
                id: "sdk",
                label: "AWS SDK v3",
                content: <CodeBlock title="JavaScript / TypeScript" code={sdkSnippet(s)} />,
              },
              {
                id: "curl",
                label: "curl",
                content: <CodeBlock title="REST API with a Bearer token" code={curlSnippet(s)} />,
              },
              {
                id: "env",
                label: "Env vars",
                content: (
                  <CodeBlock
                    title="Environment variables (AWS SDKs, boto3 and the AWS CLI read these)"
                    code={envSnippet(s)}
                  />
                ),
              },
            ]}
          />
        </div>
      )}
    </Dialog>
  );
}

"use client";
import { Alert, Button, CodeBlock, CopyField, Dialog } from "@/components/ui";
import { adapterSnippet } from "./snippets";

/** Shows a function's Standard Webhooks signing secret, once. Closing forgets it. */
export function FunctionSecretDialog({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  return (
    <Dialog
      open={!!secret}
      onClose={onClose}
      size="lg"
      title="Signing secret"
      footer={
        <Button onClick={onClose} data-autofocus>
          I have copied the secret
        </Button>
      }
    >
      {secret && (
        <div className="space-y-4" data-testid="function-signing-secret">
          <Alert tone="warning" title="Copy the signing secret now.">
            This is the only time Signalbox shows it. If you lose it, rotate it from the function&apos;s page.
          </Alert>
          <CopyField label="Signing secret (Standard Webhooks)" value={secret} id="function-secret-value" />
          <p className="text-sm text-gray-600">
            Every invocation is a POST of the event with <code className="font-mono text-xs">webhook-id</code>,{" "}
            <code className="font-mono text-xs">webhook-timestamp</code> and{" "}
            <code className="font-mono text-xs">webhook-signature</code> headers. This adapter verifies them and runs an
            existing Lambda handler:
          </p>
          <CodeBlock title="Node.js (npm i standardwebhooks)" code={adapterSnippet()} />
        </div>
      )}
    </Dialog>
  );
}

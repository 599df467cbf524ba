"use client";
import { Alert, Button, CodeBlock, CopyField, Dialog } from "@/components/ui";
import { verifySnippetShort } from "./snippets";

/** Shows a subscription's Standard Webhooks signing secret, once. Closing forgets it. */
export function SecretDialog({
  secret,
  onClose,
  title,
  previousExpiresAt,
}: {
  secret: string | null;
  onClose: () => void;
  title: string;
  previousExpiresAt?: Date | string | null;
}) {
  return (
    <Dialog
      open={!!secret}
      onClose={onClose}
      size="lg"
      title={title}
      footer={
        <Button onClick={onClose} data-autofocus>
          I have copied the secret
        </Button>
      }
    >
      {secret && (
        <div className="space-y-4" data-testid="signing-secret">
          <Alert tone="warning" title="Copy the signing secret now.">
            This is the only time Signalbox shows it. If you lose it, rotate it from the subscription.
            {previousExpiresAt && (
              <>
                {" "}
                The previous secret keeps signing too until {new Date(previousExpiresAt).toLocaleString()}, so you can
                deploy the new one without dropping deliveries.
              </>
            )}
          </Alert>
          <CopyField label="Signing secret (Standard Webhooks)" value={secret} id="signing-secret-value" />
          <p className="text-sm text-gray-600">
            Every delivery carries <code className="font-mono text-xs">webhook-id</code>,{" "}
            <code className="font-mono text-xs">webhook-timestamp</code> and{" "}
            <code className="font-mono text-xs">webhook-signature</code> headers. Verify them with any Standard Webhooks
            library:
          </p>
          <CodeBlock title="Node.js (npm i standardwebhooks)" code={verifySnippetShort()} />
        </div>
      )}
    </Dialog>
  );
}

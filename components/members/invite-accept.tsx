"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { signOutTo } from "@/components/auth/sign-out";
import { Alert, Badge, Button, buttonClasses, KeyValue, LoadingBlock, RelativeTime } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";

/** The signed-in half of /invite/<token>: what the invite is, and "Join". */
export function InviteAccept({ token, email }: { token: string; email: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const preview = useQuery(trpc.tenant.invites.preview.queryOptions({ token }));
  const accept = useMutation(
    trpc.tenant.invites.accept.mutationOptions({
      onSuccess: (r) => {
        router.push(`/t/${r.tenant.slug}/queues`);
        router.refresh();
      },
    }),
  );
  if (preview.isPending) return <LoadingBlock label="Checking the invitation…" />;
  if (preview.error)
    return (
      <div>
        <h1 className="text-xl font-semibold text-gray-900">Invitation not found</h1>
        <p className="mt-2 text-sm text-gray-500">
          {preview.error.message} Ask the person who invited you for a new link.
        </p>
        <Link href="/" className={buttonClasses("secondary", "md", "mt-6")}>
          Go to the console
        </Link>
      </div>
    );
  const inv = preview.data;
  return (
    <div>
      <p className="text-sm text-gray-500">
        {inv.invitedBy ? `${inv.invitedBy} invited you to join` : "You are invited to join"}
      </p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight text-gray-900">{inv.tenant.name}</h1>
      <KeyValue
        className="mt-4"
        items={[
          { label: "Role", value: <Badge tone="accent">{inv.role}</Badge> },
          { label: "Invited email", value: inv.email },
          { label: "Expires", value: <RelativeTime date={inv.expiresAt} /> },
        ]}
      />
      {inv.alreadyMember ? (
        <Alert tone="info" className="mt-4" title="You are already a member of this team.">
          <Link href={`/t/${inv.tenant.slug}/queues`} className="font-medium underline">
            Open {inv.tenant.name}
          </Link>
        </Alert>
      ) : inv.state !== "pending" ? (
        <Alert
          tone="warning"
          className="mt-4"
          title={`This invitation has ${inv.state === "expired" ? "expired" : `been ${inv.state}`}.`}
        >
          Ask the person who invited you for a new link.
        </Alert>
      ) : (
        <>
          {!inv.emailMatches && (
            <Alert tone="warning" className="mt-4">
              This invitation was sent to {inv.email}, and you are signed in as {email}. If you join, the team sees that
              you accepted it.
            </Alert>
          )}
          {accept.error && (
            <Alert tone="danger" className="mt-4">
              {accept.error.message}
            </Alert>
          )}
          <div className="mt-6 flex flex-col gap-2">
            <Button size="lg" onClick={() => accept.mutate({ token })} loading={accept.isPending || accept.isSuccess}>
              Join {inv.tenant.name}
            </Button>
            <Button variant="ghost" onClick={() => void signOutTo(`/invite/${encodeURIComponent(token)}`)}>
              Use another account
            </Button>
          </div>
        </>
      )}
    </div>
  );
}

"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardHeader,
  ConfirmDialog,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  Select,
  Table,
  TableEmptyRow,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@/components/ui";
import { ROLES, roleAtMost, type Role } from "@/server/auth/permissions";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant, useCurrentUser } from "@/components/layout/tenant-context";
import { InviteForm } from "./invite-form";

const ROLE_ROWS: [Role, string][] = [
  ["owner", "Everything, including granting the owner role. A team always has at least one owner."],
  ["admin", "Resources, API keys, members and team settings."],
  ["developer", "Create and change resources; send, receive and redrive messages."],
  ["viewer", "Read only."],
];

function PendingInvites({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const invites = useQuery(trpc.tenant.invites.list.queryOptions({ tenant }));
  const [revoking, setRevoking] = useState<{ id: string; email: string } | null>(null);
  const revoke = useMutation(
    trpc.tenant.invites.revoke.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.tenant.invites.list.queryKey({ tenant }) });
        toast(`Invite for ${revoking?.email} revoked`);
        setRevoking(null);
      },
    }),
  );
  return (
    <section className="space-y-3">
      <h2 className="text-base font-semibold text-gray-900">Pending invites</h2>
      {invites.isPending ? (
        <LoadingBlock />
      ) : invites.error ? (
        <Alert tone="danger">{invites.error.message}</Alert>
      ) : (
        <Table aria-label="Pending invites">
          <THead>
            <tr>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th>Invited by</Th>
              <Th>Expires</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {invites.data.length === 0 && <TableEmptyRow colSpan={5}>No pending invites.</TableEmptyRow>}
            {invites.data.map((i) => (
              <Tr key={i.id}>
                <Td className="font-medium text-gray-900">{i.email}</Td>
                <Td>
                  <Badge>{i.role}</Badge>
                </Td>
                <Td>{i.invitedByEmail ?? "—"}</Td>
                <Td>
                  <RelativeTime date={i.expiresAt} />
                </Td>
                <Td className="text-right">
                  <Button
                    variant="ghost"
                    size="sm"
                    className="text-red-600 hover:bg-red-50"
                    onClick={() => setRevoking({ id: i.id, email: i.email })}
                    aria-label={`Revoke invite for ${i.email}`}
                  >
                    Revoke
                  </Button>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <ConfirmDialog
        open={!!revoking}
        onClose={() => (revoke.reset(), setRevoking(null))}
        onConfirm={() => revoking && revoke.mutate({ tenant, id: revoking.id })}
        loading={revoke.isPending}
        title="Revoke this invite?"
        confirmLabel="Revoke invite"
        error={revoke.error?.message}
      >
        <p>The link sent to {revoking?.email} stops working.</p>
      </ConfirmDialog>
    </section>
  );
}

export function MembersView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const { can, role: myRole } = usePermissions();
  const manage = can("members:manage");
  const me = useCurrentUser();
  const members = useQuery(trpc.tenant.members.list.queryOptions({ tenant: tenant.slug }));
  const [removing, setRemoving] = useState<{ userId: string; email: string; self: boolean } | null>(null);
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.tenant.members.list.queryKey({ tenant: tenant.slug }) }),
      qc.invalidateQueries({ queryKey: trpc.tenant.get.queryKey() }),
    ]);
  const changeRole = useMutation(
    trpc.tenant.members.changeRole.mutationOptions({
      onSuccess: async (m) => {
        await refresh();
        toast(`${m.email} is now ${m.role}`);
      },
      onError: (e) => toast(e.message, "danger"),
    }),
  );
  const remove = useMutation(
    trpc.tenant.members.remove.mutationOptions({
      onSuccess: async () => {
        if (removing?.self) {
          window.location.assign("/");
          return;
        }
        await refresh();
        toast(`${removing?.email} removed`);
        setRemoving(null);
      },
    }),
  );
  const myId = me.id;
  // What the server allows, mirrored so the controls make sense (the service decides).
  const mayTouch = (r: Role) => manage && roleAtMost(r, myRole) && (r !== "owner" || myRole === "owner");
  const grantable = ROLES.filter((r) => roleAtMost(r, myRole));

  return (
    <div className="space-y-8">
      <PageHeader title="Members" description="People in this team and what their role lets them do." />
      {manage && <InviteForm tenant={tenant.slug} myRole={myRole} />}
      <section className="space-y-3">
        <h2 className="text-base font-semibold text-gray-900">Members</h2>
        {members.isPending ? (
          <LoadingBlock />
        ) : members.error ? (
          <Alert tone="danger">{members.error.message}</Alert>
        ) : (
          <Table aria-label="Members">
            <THead>
              <tr>
                <Th>Member</Th>
                <Th>Role</Th>
                <Th className="hidden sm:table-cell">Joined</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {members.data.map((m) => {
                const self = m.userId === myId;
                // The last owner can neither leave nor step down (the server refuses too).
                const lastOwner = m.role === "owner" && members.data.filter((x) => x.role === "owner").length === 1;
                return (
                  <Tr key={m.userId} data-testid={`member-${m.email}`}>
                    <Td>
                      <div className="font-medium text-gray-900">
                        {m.name || m.email}
                        {self && <span className="ml-2 text-xs font-normal text-gray-500">(you)</span>}
                      </div>
                      {m.name && <div className="text-xs text-gray-500">{m.email}</div>}
                    </Td>
                    <Td>
                      {mayTouch(m.role) ? (
                        <div className="w-36">
                          <Select
                            aria-label={`Role of ${m.email}`}
                            value={m.role}
                            disabled={changeRole.isPending || lastOwner}
                            title={lastOwner ? "A team always keeps at least one owner" : undefined}
                            onChange={(e) =>
                              changeRole.mutate({ tenant: tenant.slug, userId: m.userId, role: e.target.value as Role })
                            }
                          >
                            {grantable.map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </Select>
                        </div>
                      ) : (
                        <Badge tone={m.role === "owner" ? "accent" : "neutral"}>{m.role}</Badge>
                      )}
                    </Td>
                    <Td className="hidden sm:table-cell">
                      <RelativeTime date={m.joinedAt} />
                    </Td>
                    <Td className="text-right">
                      {(self || mayTouch(m.role)) && !lastOwner && (
                        <Button
                          variant="ghost"
                          size="sm"
                          className="text-red-600 hover:bg-red-50"
                          onClick={() => setRemoving({ userId: m.userId, email: m.email, self })}
                        >
                          {self ? "Leave team" : "Remove"}
                        </Button>
                      )}
                    </Td>
                  </Tr>
                );
              })}
            </TBody>
          </Table>
        )}
      </section>
      {manage && <PendingInvites tenant={tenant.slug} />}
      <Card>
        <CardHeader
          title="Roles"
          description="Every check happens on the server; the console only hides what your role cannot do."
        />
        <dl className="divide-y divide-gray-100">
          {ROLE_ROWS.map(([r, text]) => (
            <div key={r} className="grid gap-1 px-5 py-3 sm:grid-cols-[8rem_1fr]">
              <dt>
                <Badge tone={r === "owner" ? "accent" : "neutral"}>{r}</Badge>
              </dt>
              <dd className="text-sm text-gray-600">{text}</dd>
            </div>
          ))}
        </dl>
      </Card>
      <ConfirmDialog
        open={!!removing}
        onClose={() => (remove.reset(), setRemoving(null))}
        onConfirm={() => removing && remove.mutate({ tenant: tenant.slug, userId: removing.userId })}
        loading={remove.isPending}
        title={removing?.self ? `Leave ${tenant.name}?` : `Remove ${removing?.email ?? ""}?`}
        confirmLabel={removing?.self ? "Leave team" : "Remove member"}
        error={remove.error?.message}
      >
        <p>
          {removing?.self
            ? "You lose access to this team. Someone with the right role has to invite you again."
            : "They lose access to this team at once. Their API keys stay until you revoke them."}
        </p>
      </ConfirmDialog>
    </div>
  );
}

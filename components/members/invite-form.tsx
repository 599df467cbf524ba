"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  CopyField,
  FormField,
  Input,
  Select,
  errorMessageOf,
  fieldErrorsOf,
} from "@/components/ui";
import { ROLES, roleAtMost, type Role } from "@/server/auth/permissions";
import { useTRPC } from "@/lib/trpc";

/** Invite by email. The link is shown once, right here (email sending comes later). */
export function InviteForm({ tenant, myRole }: { tenant: string; myRole: Role }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const allowed = ROLES.filter((r) => roleAtMost(r, myRole));
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("developer");
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const create = useMutation(
    trpc.tenant.invites.create.mutationOptions({
      onSuccess: async (r) => {
        setLink({ email: r.email, url: `${window.location.origin}${r.path}` });
        setEmail("");
        await qc.invalidateQueries({ queryKey: trpc.tenant.invites.list.queryKey({ tenant }) });
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  return (
    <Card>
      <CardHeader
        title="Invite a member"
        description="They get a link to join this team with the role you choose. Links work for 7 days, once."
      />
      <CardBody className="space-y-4">
        <form
          className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setLink(null);
            create.mutate({ tenant, email, role });
          }}
        >
          <FormField label="Email" error={fe.email}>
            <Input
              type="email"
              name="inviteEmail"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              placeholder="colleague@example.com"
              autoComplete="off"
            />
          </FormField>
          <FormField label="Role" error={fe.role}>
            <Select name="inviteRole" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {allowed.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </FormField>
          <div className="sm:pt-6">
            <Button type="submit" loading={create.isPending} className="w-full sm:w-auto">
              Create invite
            </Button>
          </div>
        </form>
        {errorMessageOf(create.error) && <Alert tone="danger">{errorMessageOf(create.error)}</Alert>}
        {link && (
          <Alert tone="success" title={`Invite link for ${link.email}`}>
            <p className="mb-3">
              Send this link to them yourself. It is shown only now; if you lose it, revoke the invite and create
              another.
            </p>
            <div className="rounded-md bg-white p-3 text-gray-900" data-testid="invite-link">
              <CopyField label="Invite link" value={link.url} id="invite-link-value" />
            </div>
          </Alert>
        )}
      </CardBody>
    </Card>
  );
}

"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  CopyButton,
  FormField,
  Input,
  KeyValue,
  PageHeader,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant, useCurrentUser } from "@/components/layout/tenant-context";
import { useOrigin } from "@/lib/use-origin";
import { SignOutEverywhereDialog } from "@/components/layout/console-shell";
import { ChangePasswordForm } from "./change-password-form";
import { DeleteTeamCard } from "./delete-team";

function Copyable({ value }: { value: string }) {
  return (
    <span className="flex items-center gap-2">
      <span className="min-w-0 font-mono break-all">{value}</span>
      <CopyButton value={value} variant="ghost" className="h-7 px-2 text-xs" />
    </span>
  );
}

export function SettingsView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can, role } = usePermissions();
  const me = useCurrentUser();
  const origin = useOrigin();
  const [name, setName] = useState(tenant.name);
  const [confirm, setConfirm] = useState(false);
  const rename = useMutation(
    trpc.tenant.rename.mutationOptions({
      onSuccess: async (t) => {
        await qc.invalidateQueries({ queryKey: trpc.tenant.get.queryKey() });
        await qc.invalidateQueries({ queryKey: trpc.account.me.queryKey() });
        toast(`Team renamed to “${t.name}”`);
        router.refresh();
      },
    }),
  );
  const fe = fieldErrorsOf(rename.error);
  const manage = can("tenant:manage");

  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="Your team's identity in Signalbox and in AWS-style resource names." />

      <Card>
        <CardHeader
          title="Team"
          description={
            manage
              ? "The name is shown in the console. The URL and account id never change."
              : `Your role (${role}) can see these settings; owners and admins can change them.`
          }
        />
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate({ tenant: tenant.slug, name });
          }}
        >
          <CardBody className="space-y-4">
            <FormField label="Team name" error={fe.name}>
              <Input
                name="teamName"
                value={name}
                onChange={(e) => setName(e.target.value)}
                disabled={!manage}
                className="max-w-md"
              />
            </FormField>
            {errorMessageOf(rename.error) && <Alert tone="danger">{errorMessageOf(rename.error)}</Alert>}
          </CardBody>
          {manage && (
            <CardFooter>
              <Button type="submit" loading={rename.isPending} disabled={name.trim() === tenant.name}>
                Save name
              </Button>
            </CardFooter>
          )}
        </form>
      </Card>

      <Card>
        <CardHeader
          title="AWS identity"
          description="What the AWS SDKs and CLI see. Resource ARNs use this account id and region."
        />
        <CardBody className="py-1">
          <KeyValue
            items={[
              { label: "Account id", value: <Copyable value={tenant.accountId} /> },
              { label: "Region", value: <Copyable value={tenant.region} /> },
              { label: "ARN prefix", value: <Copyable value={tenant.arnPrefix} /> },
              {
                label: "Example queue ARN",
                value: (
                  <span className="font-mono break-all text-gray-600">
                    {tenant.arnPrefix.replace("<service>", "sqs")}orders
                  </span>
                ),
              },
              { label: "AWS endpoint", value: <Copyable value={`${origin}/api/aws`} /> },
              { label: "Team URL", value: <span className="font-mono">/t/{tenant.slug}</span> },
            ]}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Your account"
          description="Your own sign-in, in every team. API keys are separate and keep working."
        />
        <CardBody className="py-1">
          <KeyValue
            items={[
              { label: "Email", value: me.email },
              { label: "Your role here", value: role },
            ]}
          />
        </CardBody>
        <ChangePasswordForm email={me.email} />
      </Card>

      <Card>
        <CardHeader
          title="Sessions"
          description="Lost a laptop, or signed in on a shared computer? End every session of yours, on every device, including this one."
        />
        <CardFooter className="rounded-t-none border-t-0 bg-white">
          <Button variant="danger" onClick={() => setConfirm(true)}>
            Sign out everywhere
          </Button>
        </CardFooter>
      </Card>

      <DeleteTeamCard />

      <SignOutEverywhereDialog open={confirm} onClose={() => setConfirm(false)} />
    </div>
  );
}

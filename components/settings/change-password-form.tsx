"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import {
  Alert,
  Button,
  CardBody,
  CardFooter,
  FormField,
  Input,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { signOutTo } from "@/components/auth/sign-out";

/** Changing the password ends every session; this one signs straight back in with the new password. */
export function ChangePasswordForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: async () => {
        const res = await signIn("credentials", { email, password: newPassword, redirect: false });
        if (!res || res.error) return void signOutTo("/signin");
        setCurrent("");
        setNew("");
        toast("Password changed. Your other sessions were signed out.");
      },
    }),
  );
  const fe = fieldErrorsOf(change.error);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate({ currentPassword, newPassword });
      }}
    >
      <CardBody className="grid gap-4 border-t border-gray-100 sm:grid-cols-2">
        <FormField label="Current password" error={fe.currentPassword}>
          <Input
            type="password"
            name="currentPassword"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </FormField>
        <FormField label="New password" error={fe.newPassword} hint="At least 10 characters.">
          <Input
            type="password"
            name="newPassword"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
          />
        </FormField>
        {errorMessageOf(change.error) && (
          <Alert tone="danger" className="sm:col-span-2">
            {errorMessageOf(change.error)}
          </Alert>
        )}
      </CardBody>
      <CardFooter>
        <Button
          type="submit"
          variant="secondary"
          loading={change.isPending}
          disabled={!currentPassword || !newPassword}
        >
          Change password
        </Button>
      </CardFooter>
    </form>
  );
}

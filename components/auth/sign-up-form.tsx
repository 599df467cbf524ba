"use client";
import { useEffect, useState } from "react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { useMutation } from "@tanstack/react-query";
import { Alert, Button, FormField, Input, errorMessageOf, fieldErrorsOf } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { safeCallback } from "./safe-callback";

/** Sign-up creates the account and its first team, then signs in. */
export function SignUpForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const callback = params.get("callbackUrl");
  const [form, setForm] = useState({ name: "", email: "", password: "", teamName: "" });
  const [signInError, setSignInError] = useState<string | null>(null);
  // Set once React owns the form: a submit before that would be a plain GET of the page.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const signUp = useMutation(
    trpc.account.signUp.mutationOptions({
      onSuccess: async (r) => {
        const res = await signIn("credentials", { email: form.email, password: form.password, redirect: false });
        if (!res || res.error) {
          setSignInError("Your account was created, but signing in failed. Sign in to continue.");
          return;
        }
        router.replace(callback ? safeCallback(callback) : `/t/${r.tenant.slug}/queues`);
        router.refresh();
      },
    }),
  );
  const fe = fieldErrorsOf(signUp.error);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight text-gray-900">Create your account</h1>
      <p className="mt-1 text-sm text-gray-500">You will get a team of your own; invite colleagues to it later.</p>
      <form
        data-hydrated={hydrated ? "true" : undefined}
        className="mt-8 space-y-5"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSignInError(null);
          signUp.mutate({ ...form, name: form.name || undefined });
        }}
      >
        {errorMessageOf(signUp.error) && <Alert tone="danger">{errorMessageOf(signUp.error)}</Alert>}
        {signInError && <Alert tone="warning">{signInError}</Alert>}
        <FormField label="Your name" error={fe.name}>
          <Input name="name" autoComplete="name" value={form.name} onChange={set("name")} autoFocus />
        </FormField>
        <FormField label="Work email" error={fe.email}>
          <Input type="email" name="email" autoComplete="email" value={form.email} onChange={set("email")} />
        </FormField>
        <FormField label="Password" error={fe.password} hint="At least 10 characters.">
          <Input
            type="password"
            name="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set("password")}
          />
        </FormField>
        <FormField
          label="Team name"
          error={fe.teamName}
          hint="Your first team, e.g. your company or project. You can rename it."
        >
          <Input name="teamName" autoComplete="organization" value={form.teamName} onChange={set("teamName")} />
        </FormField>
        <Button
          type="submit"
          className="w-full"
          size="lg"
          loading={signUp.isPending || (signUp.isSuccess && !signInError)}
        >
          Create account
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-gray-500">
        Already have an account?{" "}
        <Link
          href={`/signin${callback ? `?callbackUrl=${encodeURIComponent(safeCallback(callback))}` : ""}`}
          className="font-medium text-accent-700 hover:underline"
        >
          Sign in
        </Link>
      </p>
    </div>
  );
}

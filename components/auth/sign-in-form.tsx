"use client";
import { useEffect, useState } from "react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { Alert, Button, FormField, Input } from "@/components/ui";
import { safeCallback } from "./safe-callback";

// next-auth error codes (server/auth/options.ts) → what people read.
const MESSAGES: Record<string, string> = {
  TooManyAttempts: "Too many attempts, try again in 15 minutes.",
  CredentialsSignin: "Wrong email or password.",
  SessionRequired: "Sign in to continue.",
};

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const callbackUrl = safeCallback(params.get("callbackUrl"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(
    params.get("error") ? (MESSAGES[params.get("error")!] ?? "Sign-in failed. Try again.") : null,
  );
  const [pending, setPending] = useState(false);
  // Set once React owns the form: a submit before that would be a plain GET of the page.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight text-gray-900">Sign in</h1>
      <p className="mt-1 text-sm text-gray-500">Welcome back. Sign in to your Signalbox console.</p>
      <form
        data-hydrated={hydrated ? "true" : undefined}
        className="mt-8 space-y-5"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setPending(true);
          setError(null);
          const res = await signIn("credentials", { email, password, redirect: false });
          if (!res || res.error) {
            setPending(false);
            setError(MESSAGES[res?.error ?? ""] ?? "Sign-in failed. Try again.");
            return;
          }
          router.replace(callbackUrl);
          router.refresh();
        }}
      >
        {error && <Alert tone="danger">{error}</Alert>}
        <FormField label="Email">
          <Input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
        </FormField>
        <FormField label="Password">
          <Input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </FormField>
        <Button type="submit" className="w-full" size="lg" loading={pending}>
          Sign in
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-gray-500">
        New to Signalbox?{" "}
        <Link
          href={`/signup${params.get("callbackUrl") ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : ""}`}
          className="font-medium text-accent-700 hover:underline"
        >
          Create an account
        </Link>
      </p>
    </div>
  );
}

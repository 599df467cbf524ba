import type { Metadata } from "next";
import Link from "next/link";
import { currentUserId } from "@/server/auth/options";
import { getUserById } from "@/server/domains/users/user.service";
import { buttonClasses, Card } from "@/components/ui";
import { Logo } from "@/components/layout/logo";
import { InviteAccept } from "@/components/members/invite-accept";

export const metadata: Metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const userId = await currentUserId();
  const user = userId ? await getUserById(userId) : null;
  const here = `/invite/${encodeURIComponent(token)}`;
  return (
    <div className="flex min-h-screen flex-col items-center justify-center gap-8 px-5 py-10">
      <Logo />
      <Card className="w-full max-w-md p-6 sm:p-8">
        {user ? (
          <InviteAccept token={token} email={user.email} />
        ) : (
          <div>
            <h1 className="text-xl font-semibold text-gray-900">You have been invited to a team</h1>
            <p className="mt-2 text-sm text-gray-500">
              Sign in, or create an account, to see the invitation and join the team.
            </p>
            <div className="mt-6 flex flex-col gap-2 sm:flex-row">
              <Link
                href={`/signin?callbackUrl=${encodeURIComponent(here)}`}
                className={buttonClasses("primary", "md", "flex-1")}
              >
                Sign in
              </Link>
              <Link
                href={`/signup?callbackUrl=${encodeURIComponent(here)}`}
                className={buttonClasses("secondary", "md", "flex-1")}
              >
                Create account
              </Link>
            </div>
          </div>
        )}
      </Card>
    </div>
  );
}

"use client";
import { useState } from "react";
import { signOutTo } from "@/components/auth/sign-out";
import { Users } from "lucide-react";
import { Button, EmptyState } from "@/components/ui";
import { CreateTeamDialog } from "./create-team-dialog";
import { Logo } from "./logo";

/** For a signed-in person who belongs to no team (left them all, or was created by the CLI). */
export function NoTeam() {
  const [open, setOpen] = useState(false);
  return (
    <div className="flex min-h-screen flex-col items-center justify-center gap-8 p-6">
      <Logo />
      <EmptyState
        className="w-full max-w-md"
        icon={<Users className="h-5 w-5" aria-hidden />}
        title="You are not in a team yet"
        description="Create a team to get queues, topics and API keys of your own, or open an invite link a colleague sent you."
        action={
          <div className="flex flex-wrap justify-center gap-2">
            <Button onClick={() => setOpen(true)}>Create team</Button>
            <Button variant="secondary" onClick={() => void signOutTo("/signin")}>
              Sign out
            </Button>
          </div>
        }
      />
      <CreateTeamDialog open={open} onClose={() => setOpen(false)} />
    </div>
  );
}

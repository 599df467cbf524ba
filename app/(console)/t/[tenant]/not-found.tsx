import Link from "next/link";
import { buttonClasses, EmptyState } from "@/components/ui";

export default function NotFound() {
  return (
    <div className="flex min-h-screen items-center justify-center p-6">
      <EmptyState
        title="Team not found"
        description="This team does not exist, or you are not a member of it. Ask an admin of the team for an invite link."
        action={
          <Link href="/" className={buttonClasses("primary")}>
            Go to your teams
          </Link>
        }
        className="max-w-md"
      />
    </div>
  );
}

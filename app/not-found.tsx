import Link from "next/link";
import { buttonClasses, EmptyState } from "@/components/ui";

// Paths outside the console (team pages have their own 404 inside the console).
export default function NotFound() {
  return (
    <div className="flex min-h-screen items-center justify-center p-6">
      <EmptyState
        title="Page not found"
        description="Nothing lives at this address. The link may be old, or the page may have moved."
        action={
          <Link href="/" className={buttonClasses("primary")}>
            Go to the console
          </Link>
        }
        className="max-w-md"
      />
    </div>
  );
}

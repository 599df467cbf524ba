import { notFound } from "next/navigation";

// Any path under a team that no page serves: a 404 inside the console (sidebar and team kept),
// rendered by the not-found.tsx beside this file.
export default function UnknownConsolePage() {
  notFound();
}

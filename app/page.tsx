import { redirect } from "next/navigation";
import { currentUserId } from "@/server/auth/options";
import { listMyTenants } from "@/server/domains/tenants/tenant.service";
import { NoTeam } from "@/components/layout/no-team";

// "/" sends people where they belong: sign in, their first team, or "create a team" if they have none.
export default async function Home() {
  const userId = await currentUserId();
  if (!userId) redirect("/signin");
  const teams = await listMyTenants(userId);
  if (teams.length > 0) redirect(`/t/${teams[0].slug}/queues`);
  return <NoTeam />;
}

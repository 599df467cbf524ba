import { withAuth } from "next-auth/middleware";

// Next 16 proxy (formerly middleware): console pages need a session token. The console layout checks
// the session again against the database (sign out everywhere) and the tenant membership.
export default withAuth({ pages: { signIn: "/signin" } });

export const config = { matcher: ["/t/:path*"] };

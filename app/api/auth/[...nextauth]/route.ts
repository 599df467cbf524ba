import NextAuth from "next-auth";
import { authOptions, signInCookies } from "@/server/auth/options";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S } from "@/server/auth/device";

const handler = NextAuth(authOptions);

// After a successful sign-in, the browser becomes a "known device" (server/auth/device.ts): a
// signed cookie, sent only to /api/auth, that lets it in while strangers' guesses lock the account.
async function withDeviceCookie(req: Request, ctx: unknown): Promise<Response> {
  const store: { deviceToken?: string } = {};
  const res: Response = await signInCookies.run(store, () => handler(req, ctx));
  if (!store.deviceToken) return res;
  const secure = new URL(req.url).protocol === "https:" ? "; Secure" : "";
  const out = new Response(res.body, res);
  out.headers.append(
    "set-cookie",
    `${DEVICE_COOKIE}=${store.deviceToken}; Path=/api/auth; Max-Age=${DEVICE_COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax${secure}`,
  );
  return out;
}

export { handler as GET, withDeviceCookie as POST };

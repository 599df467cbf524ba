import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { AsyncLocalStorage } from "node:async_hooks";
import { signIn, TooManyAttemptsError } from "../domains/users/sign-in";
import { clientAddress } from "./client-address";
import { deviceFromCookieHeader } from "./device";
import { sessionVersionOf } from "../domains/users/user.repository";
import { pool } from "../db";

// next-auth v4: email + password (Credentials) with JWT sessions. Each JWT carries the user's
// session version; "sign out everywhere" bumps it and every older JWT stops working at its next use.
export const SIGNIN_ERROR_TOO_MANY = "TooManyAttempts";
export const SIGNIN_ERROR_INVALID = "CredentialsSignin";

// The route handler (app/api/auth/[...nextauth]/route.ts) runs next-auth inside this store;
// a successful sign-in leaves the device cookie's new value here for it to set.
export const signInCookies = new AsyncLocalStorage<{ deviceToken?: string }>();

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        try {
          const headers = req?.headers as Record<string, unknown> | undefined;
          const result = await signIn(credentials.email, credentials.password, {
            ip: clientAddress(headers),
            deviceToken: deviceFromCookieHeader(headers?.cookie),
          });
          if (!result) return null;
          const { user } = result;
          const store = signInCookies.getStore();
          if (store) store.deviceToken = result.deviceToken;
          return {
            id: user.id,
            email: user.email,
            name: user.name ?? user.email,
            sessionVersion: user.sessionVersion,
          } as never;
        } catch (e) {
          if (e instanceof TooManyAttemptsError) throw new Error(SIGNIN_ERROR_TOO_MANY, { cause: e });
          throw e;
        }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.sv = (user as unknown as { sessionVersion: number }).sessionVersion;
        return token;
      }
      if (typeof token.uid === "string") {
        const current = await sessionVersionOf(pool(), token.uid);
        if (current === null || current !== token.sv) return { revoked: true } as never;
      }
      return token;
    },
    async session({ session, token }) {
      if ((token as { revoked?: boolean }).revoked || typeof token.uid !== "string")
        return { expires: session.expires } as never;
      return {
        ...session,
        user: { ...(session.user ?? {}), id: token.uid, email: token.email ?? session.user?.email },
      } as never;
    },
  },
};

/** The signed-in user of a request (server components, tRPC), or null. */
export async function currentUserId(): Promise<string | null> {
  const { getServerSession } = await import("next-auth");
  const s = (await getServerSession(authOptions)) as { user?: { id?: string } } | null;
  return s?.user?.id ?? null;
}

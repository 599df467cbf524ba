"use client";
import { signOut } from "next-auth/react";

/**
 * Signs out and goes to `path` on this origin. (next-auth's own redirect builds the URL from
 * NEXTAUTH_URL, which is wrong when the console is reached under another host or port.)
 */
export async function signOutTo(path = "/signin"): Promise<void> {
  await signOut({ redirect: false });
  window.location.assign(path);
}

import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { credentialsSignIn } from "./credentials";
import { authSecret } from "./secret";

/** Too many failed attempts for this identifier or address: the sign-in form says so. */
export class LockedSignIn extends CredentialsSignin {
  code = "locked";
}

// Auth.js v5 with email-or-phone + password. Sessions are JWTs carrying the user id,
// role and session version; requireUser (lib/data/session.ts) compares the version with
// the database on every request, so a bumped version ends every session at once.
export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  // The app is meant to run behind a reverse proxy or load balancer that sets the Host.
  trustHost: true,
  // The cookie lives as long as the longest absolute lifetime (participants, 30 days);
  // requireUser ends sessions earlier by role (SESSION_LIMITS in lib/data/users.ts).
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      // A password from the login form, or a sign-in ticket from the registration and
      // activation actions (lib/auth/credentials.ts).
      credentials: { identifier: {}, password: {}, ticket: {} },
      async authorize(credentials, request) {
        const outcome = await credentialsSignIn(credentials, request?.headers);
        if (outcome?.status === "locked") throw new LockedSignIn();
        if (outcome?.status !== "ok") return null;
        const { user } = outcome;
        return { id: user.id, name: user.name, role: user.role, sv: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        const u = user as { id?: string; role?: string; sv?: number };
        token.sub = u.id;
        token.role = u.role;
        token.sv = u.sv;
        // The absolute session lifetime runs from here (checked in requireUser).
        token.at = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      return {
        ...session,
        user: { ...session.user, id: token.sub ?? "" },
        role: typeof token.role === "string" ? token.role : undefined,
        sv: typeof token.sv === "number" ? token.sv : undefined,
        at: typeof token.at === "number" ? token.at : undefined,
      };
    },
  },
});

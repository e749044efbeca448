import "server-only";
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authenticate } from "@/lib/data/users";
import { authSecret } from "./secret";

// Auth.js v5 with email-or-phone + password. Sessions are JWTs carrying the user id,
// role and session version; requireUser (lib/data/session.ts) compares the version with
// the database on every request, so a bumped version ends every session at once.
export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  // The app is meant to run behind a reverse proxy or load balancer that sets the Host.
  trustHost: true,
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { identifier: {}, password: {} },
      async authorize(credentials) {
        const identifier = typeof credentials?.identifier === "string" ? credentials.identifier : "";
        const password = typeof credentials?.password === "string" ? credentials.password : "";
        if (!identifier || !password || password.length > 1024) return null;
        const user = await authenticate(identifier, password);
        if (!user) return null;
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
      }
      return token;
    },
    session({ session, token }) {
      return {
        ...session,
        user: { ...session.user, id: token.sub ?? "" },
        role: typeof token.role === "string" ? token.role : undefined,
        sv: typeof token.sv === "number" ? token.sv : undefined,
      };
    },
  },
});

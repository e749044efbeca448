import { sealKk, sealNik } from "@/lib/crypto/identity";

/** The identity columns of a participant row for a NIK and KK, as the app stores them (encrypted). */
export function sealedIdentity(nik: string, kk?: string | null) {
  return { ...sealNik(nik), ...sealKk(kk) };
}

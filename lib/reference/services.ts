// The Prakerja journey's steps that a caseworker can log as a service, by stage, and the
// blockers the PMO counts. Codes are stable identifiers (stored in service_logs); the
// names are what people read. Seeded into the services and blockers tables.

export type ServiceStage = "registration" | "training" | "lms";
export type CatalogueEntry = { code: string; nameId: string; nameEn: string };

export const SERVICE_CATALOGUE: Record<ServiceStage, CatalogueEntry[]> = {
  registration: [
    { code: "prakerja_account", nameId: "Akun dibuat di situs Prakerja", nameEn: "Account created on the Prakerja site" },
    { code: "email_verified", nameId: "Email diverifikasi", nameEn: "Email verified" },
    { code: "dukcapil_matched", nameId: "NIK, KK dan tanggal lahir cocok dengan Dukcapil", nameEn: "NIK, KK and birth date matched to the civil registry" },
    { code: "phone_otp_verified", nameId: "Nomor HP diverifikasi dengan OTP", nameEn: "Phone verified by OTP" },
    { code: "basic_test_done", nameId: "Tes kemampuan dasar dikerjakan (18 soal, 25 menit)", nameEn: "Basic skills test taken (18 questions, 25 minutes)" },
    { code: "wave_joined", nameId: "Bergabung dengan gelombang", nameEn: "Joined a wave (gelombang)" },
    { code: "card_received", nameId: "Lolos seleksi, nomor kartu diterima", nameEn: "Selected, card number received" },
  ],
  training: [
    { code: "training_chosen", nameId: "Pelatihan dipilih", nameEn: "Training chosen" },
    { code: "training_bought", nameId: "Pelatihan dibeli di platform digital", nameEn: "Training bought on a digital platform" },
    { code: "voucher_received", nameId: "Kode voucher diterima", nameEn: "Voucher code received" },
  ],
  lms: [
    { code: "redeem_entered", nameId: "Kode redeem dimasukkan di LMS", nameEn: "Redeem code entered in the LMS" },
    { code: "modules_completed", nameId: "Modul pelatihan selesai", nameEn: "Training modules completed" },
    { code: "certificate_issued", nameId: "Sertifikat terbit", nameEn: "Certificate issued" },
    { code: "review_given", nameId: "Rating dan ulasan diberikan", nameEn: "Rating and review given" },
    { code: "payment_linked", nameId: "E-wallet atau rekening dengan NIK yang sama ditautkan", nameEn: "E-wallet or bank account with the same NIK linked" },
    { code: "incentive_received", nameId: "Insentif diterima", nameEn: "Incentive received" },
    { code: "survey_done", nameId: "Survei evaluasi diisi", nameEn: "Evaluation survey done" },
  ],
};

export const BLOCKERS: CatalogueEntry[] = [
  { code: "redeem_not_found", nameId: "Kode redeem tidak ditemukan", nameEn: "Redeem code not found" },
  { code: "redeem_used", nameId: "Kode redeem sudah dipakai", nameEn: "Redeem code already used" },
  { code: "redeem_other_provider", nameId: "Kode redeem dari lembaga lain", nameEn: "Redeem code from another provider" },
  { code: "ewallet_kyc_mismatch", nameId: "Data KYC e-wallet tidak cocok dengan NIK", nameEn: "E-wallet KYC does not match the NIK" },
  { code: "dukcapil_mismatch", nameId: "Data tidak cocok dengan Dukcapil", nameEn: "Civil registry mismatch" },
  { code: "no_device_or_data", nameId: "Tidak punya HP atau kuota", nameEn: "No phone or no data package" },
  { code: "otp_not_received", nameId: "OTP tidak diterima", nameEn: "OTP not received" },
  { code: "card_revoked", nameId: "Kartu dicabut (lewat 15 hari)", nameEn: "Card revoked (15 days passed)" },
];

export const ALL_SERVICES = (Object.entries(SERVICE_CATALOGUE) as [ServiceStage, CatalogueEntry[]][]).flatMap(
  ([stage, entries]) => entries.map((entry) => ({ ...entry, stage })),
);

/**
 * Every message key a validation rule (or the DB layer, for uniqueness and
 * limits) can return. Keys live in the `validation` next-intl namespace and
 * map to nested objects in messages/{id,en}/validation.json:
 * "nik.format" → { "nik": { "format": "…" } }.
 *
 * keys.test.ts checks that both catalogue files hold exactly these keys.
 */
export const validationKeys = [
  // Generic
  "required",
  "tooLong",
  "form.error",
  "form.unexpected", // ICU placeholder: {id}

  // NIK (Nomor Induk Kependudukan)
  "nik.format",
  "nik.province",
  "nik.birthDate",
  "nik.serial",
  "nik.birthDateMismatch",
  "nik.sexMismatch",
  "nik.taken", // DB layer

  // KK (Kartu Keluarga)
  "kk.format",
  "kk.province",
  "kk.serial",
  "kk.limit", // DB layer (MAX_PARTICIPANTS_PER_KK)

  // Phone
  "phone.invalid",
  "phone.notMobile",
  "phone.taken", // DB layer

  // Email / password
  "email.invalid",
  "email.taken", // DB layer
  // Self-registration: one answer for a NIK, phone or email registered already (which of
  // them is told to nobody), and the throttle's lock (lib/data/participants.ts)
  "registration.conflict", // DB layer
  "registration.locked", // DB layer
  "password.tooShort",
  "password.tooLong",
  "password.common",
  "passwordChange.currentRequired",
  "passwordChange.currentWrong", // DB layer
  "passwordChange.same",

  // Person / address
  "fullName.required",
  "fullName.invalid",
  "address.invalid",
  "sector.required",
  "sex.invalid",
  "consent.required",

  // Reference data (checked against lists by the caller)
  "province.invalid",
  "regency.invalid",
  "regency.notInProvince",
  "country.invalid",
  "migrantStatus.invalid",

  // Dates
  "date.invalid",
  "date.future",
  "age.under18",
  "returnDate.required",
  "returnDate.future",
  "returnDate.beforeBirth",

  // Caseworker workspace: logging services, stages, edits
  "serviceLog.unknownService",
  "serviceLog.blockerRequired",
  "serviceLog.blockerNotAllowed",
  "serviceLog.beforeRegistration",
  "serviceLog.followUpBeforeService",
  "serviceLog.alreadyCorrected",
  "serviceLog.invalidChannel",
  "serviceLog.invalidOutcome",
  "stage.invalid",
  "stage.same",
  "reason.required",
  "record.stale",
  "cardNumber.invalid",
  "wave.invalid",
  "notes.tooLong",

  // PMO: monthly targets
  "target.month",
  "target.count",

  // Participant self-service: survey, help requests, own contact data
  "survey.choose",
  "survey.otherRequired",
  "survey.notYet",
  "survey.closed",
  "help.topic",
  "help.message",
  "help.tooMany",
  "help.answer",
  "help.alreadyAnswered",
  "help.nowAssigned",
  "currentPassword.required",
  "currentPassword.wrong",
  "currentPassword.locked",

  // Data rights (UU PDP): deletion requests and consent withdrawal, the PMO's answers
  "dataRequest.reason",
  "dataRequest.confirm",
  "dataRequest.alreadyWithdrawn",
  "dataRequest.note",
  "dataRequest.noteRequired",
  "dataRequest.eraseConfirm",
  "dataRequest.decided",
  "dataRequest.cannotRefuse",

  // Phone confirmation codes (lib/data/verification-codes.ts) and the message channel
  "phoneCode.wrong",
  "phoneCode.locked",
  "phoneCode.noPhone",
  "phoneCode.confirmed",
  "phoneCode.unavailable",
  "phoneCode.optedOut",
  "phoneCode.unreachable",
  "phoneCode.tooSoon",
  "phoneCode.tooMany",
  "preferredChannel.invalid",
  "preferredChannel.noEmail",
  "preferredChannel.noPhone",
] as const;

export type ValidationKey = (typeof validationKeys)[number];

const keySet: ReadonlySet<string> = new Set(validationKeys);

export function isValidationKey(value: unknown): value is ValidationKey {
  return typeof value === "string" && keySet.has(value);
}

import type { AppLocale } from "./config";
import activationEn from "@/messages/en/activation.json";
import appEn from "@/messages/en/app.json";
import caseworkerEn from "@/messages/en/caseworker.json";
import dataRightsEn from "@/messages/en/data-rights.json";
import participantEn from "@/messages/en/participant.json";
import pmoAuditEn from "@/messages/en/pmo-audit.json";
import pmoCaseworkersEn from "@/messages/en/pmo-caseworkers.json";
import pmoCompareEn from "@/messages/en/pmo-compare.json";
import pmoImportsEn from "@/messages/en/pmo-imports.json";
import pmoJobsEn from "@/messages/en/pmo-jobs.json";
import pmoMapEn from "@/messages/en/pmo-map.json";
import pmoParticipantsEn from "@/messages/en/pmo-participants.json";
import pmoRegionsEn from "@/messages/en/pmo-regions.json";
import pmoApiClientsEn from "@/messages/en/pmo-api-clients.json";
import pmoEn from "@/messages/en/pmo.json";
import validationEn from "@/messages/en/validation.json";
import activationId from "@/messages/id/activation.json";
import appId from "@/messages/id/app.json";
import caseworkerId from "@/messages/id/caseworker.json";
import dataRightsId from "@/messages/id/data-rights.json";
import participantId from "@/messages/id/participant.json";
import pmoAuditId from "@/messages/id/pmo-audit.json";
import pmoCaseworkersId from "@/messages/id/pmo-caseworkers.json";
import pmoCompareId from "@/messages/id/pmo-compare.json";
import pmoImportsId from "@/messages/id/pmo-imports.json";
import pmoJobsId from "@/messages/id/pmo-jobs.json";
import pmoMapId from "@/messages/id/pmo-map.json";
import pmoParticipantsId from "@/messages/id/pmo-participants.json";
import pmoRegionsId from "@/messages/id/pmo-regions.json";
import pmoApiClientsId from "@/messages/id/pmo-api-clients.json";
import pmoId from "@/messages/id/pmo.json";
import validationId from "@/messages/id/validation.json";

// Catalogues are split by area so that separate areas can grow their own; this is the
// one place that puts them together. Each area file holds whole namespaces
// ({ "namespace": { "key": "text" } }), except validation.json, which is one namespace.
const catalogues = {
  id: {
    ...appId,
    ...caseworkerId,
    ...activationId,
    ...pmoId,
    ...pmoParticipantsId,
    ...pmoCaseworkersId,
    ...pmoImportsId,
    ...pmoJobsId,
    ...pmoMapId,
    ...pmoRegionsId,
    ...pmoApiClientsId,
    ...pmoCompareId,
    ...pmoAuditId,
    ...participantId,
    ...dataRightsId,
    validation: validationId,
  },
  en: {
    ...appEn,
    ...caseworkerEn,
    ...activationEn,
    ...pmoEn,
    ...pmoParticipantsEn,
    ...pmoCaseworkersEn,
    ...pmoImportsEn,
    ...pmoJobsEn,
    ...pmoMapEn,
    ...pmoRegionsEn,
    ...pmoApiClientsEn,
    ...pmoCompareEn,
    ...pmoAuditEn,
    ...participantEn,
    ...dataRightsEn,
    validation: validationEn,
  },
} as const;

export type Messages = (typeof catalogues)["id"];

export function messagesFor(locale: AppLocale): Messages {
  return catalogues[locale] as Messages;
}

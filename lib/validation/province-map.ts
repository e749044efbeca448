import { z } from "zod";
import type { QueryFields } from "./query";

// The PMO dashboard map's own query parameter: what the provinces are shaded by
// (`mapBy=completion`; anything else is the number of participants).

export const MAP_BY = ["participants", "completion"] as const;
export type MapBy = (typeof MAP_BY)[number];

const mapBySchema = z.enum(MAP_BY).catch("participants");

export function mapByFromParams(fields: QueryFields): MapBy {
  return mapBySchema.parse(fields.mapBy ?? "participants");
}

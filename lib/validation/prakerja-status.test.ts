import { describe, expect, it } from "vitest";
import { latestIndonesianToday, prakerjaBatchSchema, prakerjaEventSchema } from "./prakerja-status";

const ev = (nik: string, event: string, occurred_on: string, provider?: string) => ({ nik, event, occurred_on, ...(provider ? { provider } : {}) });

describe("the Prakerja status schemas", () => {
  it("take a well-formed event and refuse malformed ones", () => {
    expect(prakerjaEventSchema.safeParse(ev("3174015708900001", "card_received", "2021-06-14", "Pijar")).success).toBe(true);
    for (const bad of [
      { nik: "317401570890001", event: "card_received", occurred_on: "2021-06-14" },
      { nik: "3174015708900001", event: "card_lost", occurred_on: "2021-06-14" },
      { nik: "3174015708900001", event: "card_received", occurred_on: "2021-02-30" },
      { nik: "3174015708900001", event: "card_received", occurred_on: "2999-01-01" },
      { nik: "3174015708900001", event: "card_received", occurred_on: "2021-06-14", provider: "x".repeat(121) },
      { nik: "3174015708900001", event: "card_received", occurred_on: "2021-06-14", extra: 1 },
    ]) {
      expect(prakerjaEventSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(prakerjaBatchSchema.safeParse({ events: [] }).success).toBe(false);
    const many = Array.from({ length: 10_001 }, () => ev("3174015708900001", "card_received", "2021-06-14"));
    expect(prakerjaBatchSchema.safeParse({ events: many }).success).toBe(false);
    expect(prakerjaBatchSchema.safeParse({ events: many.slice(1) }).success).toBe(true);
  });
});


describe("latestIndonesianToday", () => {
  it("is today in WIT (UTC+9): a partner in Jayapura may send a date Jakarta has not reached", () => {
    // 16:30 UTC: 23:30 in Jakarta, already 01:30 the next day in Jayapura.
    expect(latestIndonesianToday(Date.parse("2021-06-14T16:30:00Z"))).toBe("2021-06-15");
    expect(latestIndonesianToday(Date.parse("2021-06-14T14:30:00Z") + 120_000)).toBe("2021-06-14");
  });
});

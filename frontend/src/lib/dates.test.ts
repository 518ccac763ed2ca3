import { describe, expect, it } from "vitest";

import { age, formatDate, formatDateHeure, formatEuros, jourParis } from "./dates";

describe("formatDate", () => {
  it("rewrites an ISO date as dd/mm/yyyy without going through a time zone", () => {
    expect(formatDate("1979-03-14")).toBe("14/03/1979");
    expect(formatDate("2026-01-01")).toBe("01/01/2026");
  });

  it("shows a UTC timestamp as its day in Paris", () => {
    // 23:30 UTC on 31 December is already 1 January in Paris (UTC+1 in winter).
    expect(formatDate("2025-12-31T23:30:00Z")).toBe("01/01/2026");
    expect(formatDate("2026-07-14T10:00:00+00:00")).toBe("14/07/2026");
  });

  it("shows a dash for a missing value and leaves garbage as typed", () => {
    expect(formatDate(null)).toBe("—");
    expect(formatDate(undefined)).toBe("—");
    expect(formatDate("")).toBe("—");
    expect(formatDate("pas une date")).toBe("pas une date");
  });
});

describe("formatDateHeure", () => {
  it("gives the Paris date and time (summer time: UTC+2)", () => {
    expect(formatDateHeure("2026-07-14T08:05:00Z")).toBe("14/07/2026 à 10:05");
  });
  it("handles winter time (UTC+1)", () => {
    expect(formatDateHeure("2026-11-23T09:14:51Z")).toBe("23/11/2026 à 10:14");
  });
});

describe("age", () => {
  const jour = new Date(2026, 2, 14); // 14 March 2026, local time
  it("counts the birthday of the day", () => {
    expect(age("1979-03-14", jour)).toBe(47);
  });
  it("does not count a birthday still to come this year", () => {
    expect(age("1979-03-15", jour)).toBe(46);
    expect(age("1979-12-01", jour)).toBe(46);
  });
  it("is null without a date", () => {
    expect(age(null, jour)).toBeNull();
  });
});

describe("formatEuros", () => {
  it("uses French grouping and the euro sign", () => {
    // Intl separates thousands with a narrow no-break space (U+202F).
    expect(formatEuros(1234).replace(/\s/g, " ")).toBe("1 234 €");
    expect(formatEuros(null)).toBe("—");
  });
});

describe("jourParis", () => {
  it("gives the Paris day as AAAA-MM-JJ, even when UTC is still on the day before", () => {
    expect(jourParis(new Date("2025-12-31T23:30:00Z"))).toBe("2026-01-01");
    expect(jourParis(new Date("2026-07-14T10:00:00Z"))).toBe("2026-07-14");
  });
});

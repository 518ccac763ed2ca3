import { describe, expect, it } from "vitest";

import {
  ajouterJours,
  dateFr,
  estDateIso,
  formatDuree,
  grouperParJour,
  heureParisDe,
  horaire,
  jourLong,
  jourParisDe,
  joursDeLaSemaine,
  libelleSemaine,
  lundiDe,
} from "./agenda";

describe("weeks", () => {
  it("start on Monday, whatever the day given", () => {
    expect(lundiDe("2026-11-23")).toBe("2026-11-23"); // a Monday
    expect(lundiDe("2026-11-25")).toBe("2026-11-23");
    expect(lundiDe("2026-11-29")).toBe("2026-11-23"); // Sunday belongs to the week before it
    expect(lundiDe("2026-11-30")).toBe("2026-11-30");
  });

  it("keep seven days across the spring change of time (29/03/2026, a 23-hour day)", () => {
    expect(lundiDe("2026-03-29")).toBe("2026-03-23");
    expect(joursDeLaSemaine("2026-03-23")).toEqual([
      "2026-03-23", "2026-03-24", "2026-03-25", "2026-03-26", "2026-03-27", "2026-03-28", "2026-03-29",
    ]);
    expect(ajouterJours("2026-03-23", 7)).toBe("2026-03-30");
    expect(lundiDe("2026-03-30")).toBe("2026-03-30");
  });

  it("keep seven days across the autumn change of time (25/10/2026, a 25-hour day)", () => {
    expect(lundiDe("2026-10-25")).toBe("2026-10-19");
    expect(ajouterJours("2026-10-19", 7)).toBe("2026-10-26");
    expect(ajouterJours("2026-10-26", -7)).toBe("2026-10-19");
    expect(joursDeLaSemaine("2026-10-19").at(-1)).toBe("2026-10-25");
  });

  it("cross months, years and leap days", () => {
    expect(lundiDe("2027-01-01")).toBe("2026-12-28");
    expect(joursDeLaSemaine("2026-12-28").at(-1)).toBe("2027-01-03");
    expect(lundiDe("2028-03-01")).toBe("2028-02-28");
    expect(joursDeLaSemaine("2028-02-28")[1]).toBe("2028-02-29");
  });

  it("accept only real plain dates from the address", () => {
    expect(estDateIso("2026-11-24")).toBe(true);
    expect(estDateIso("2026-02-30")).toBe(false);
    expect(estDateIso("24/11/2026")).toBe(false);
    expect(estDateIso(null)).toBe(false);
  });
});

describe("Paris time", () => {
  it("reads an instant in Paris, winter (+01:00) and summer (+02:00)", () => {
    expect(heureParisDe("2026-11-24T09:00:00Z")).toBe("10:00");
    expect(heureParisDe("2026-07-14T09:00:00Z")).toBe("11:00");
    expect(heureParisDe("2026-11-24T10:00:00+01:00")).toBe("10:00");
  });

  it("puts an instant on its Paris day, not its UTC one", () => {
    expect(jourParisDe("2026-11-24T23:30:00Z")).toBe("2026-11-25"); // 00:30 in Paris
    expect(jourParisDe("2026-07-14T22:30:00Z")).toBe("2026-07-15"); // 00:30 in Paris (summer)
    expect(jourParisDe("2026-07-14T21:30:00Z")).toBe("2026-07-14"); // 23:30 in Paris
  });

  it("around the spring change: 01:30 then 03:30 on the same Sunday", () => {
    expect(heureParisDe("2026-03-29T00:30:00Z")).toBe("01:30");
    expect(heureParisDe("2026-03-29T01:30:00Z")).toBe("03:30");
    expect(jourParisDe("2026-03-29T21:59:00Z")).toBe("2026-03-29");
    expect(jourParisDe("2026-03-29T22:00:00Z")).toBe("2026-03-30");
  });

  it("shows an interval, naming the end's day when it is another", () => {
    expect(horaire("2026-11-24T09:00:00Z", "2026-11-24T10:30:00Z")).toBe("10:00 – 11:30");
    expect(horaire("2026-11-24T22:30:00Z", "2026-11-24T23:30:00Z")).toBe("23:30 – 00:30 (le 25/11/2026)");
  });
});

describe("formatting", () => {
  it("writes dates dd/mm/yyyy with the day's name", () => {
    expect(dateFr("2026-11-04")).toBe("04/11/2026");
    expect(jourLong("2026-11-24")).toBe("mardi 24/11/2026");
    expect(jourLong("2026-11-29")).toBe("dimanche 29/11/2026");
    expect(libelleSemaine("2026-11-23")).toBe("Semaine du 23/11/2026 au 29/11/2026");
  });

  it("writes durations in hours and minutes", () => {
    expect(formatDuree(45)).toBe("45 min");
    expect(formatDuree(60)).toBe("1 h");
    expect(formatDuree(90)).toBe("1 h 30");
    expect(formatDuree(125)).toBe("2 h 05");
  });
});

describe("grouperParJour", () => {
  const rdv = (id: string, debut: string) => ({ id, debut });

  it("gives every day of the week, in order, each sorted by time", () => {
    const jours = grouperParJour("2026-11-23", [
      rdv("b", "2026-11-24T14:00:00Z"),
      rdv("a", "2026-11-24T08:00:00Z"),
      rdv("c", "2026-11-29T10:00:00+01:00"),
    ]);
    expect([...jours.keys()]).toEqual(joursDeLaSemaine("2026-11-23"));
    expect(jours.get("2026-11-24")?.map((r) => r.id)).toEqual(["a", "b"]);
    expect(jours.get("2026-11-29")?.map((r) => r.id)).toEqual(["c"]);
    expect(jours.get("2026-11-23")).toEqual([]);
  });

  it("groups by the Paris day and leaves out what falls outside the week", () => {
    const jours = grouperParJour("2026-03-23", [
      rdv("dimanche-tard", "2026-03-29T21:30:00Z"), // 23:30 in Paris (+02:00), still Sunday
      rdv("lundi-suivant", "2026-03-29T22:30:00Z"), // 00:30 on Monday 30 in Paris
      rdv("lundi-tot", "2026-03-22T23:30:00Z"), // 00:30 on Monday 23 in Paris (+01:00)
    ]);
    expect(jours.get("2026-03-29")?.map((r) => r.id)).toEqual(["dimanche-tard"]);
    expect(jours.get("2026-03-23")?.map((r) => r.id)).toEqual(["lundi-tot"]);
    expect([...jours.values()].flat()).toHaveLength(2);
  });
});

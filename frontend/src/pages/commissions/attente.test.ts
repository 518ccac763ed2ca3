import { describe, expect, it } from "vitest";

import { aDeciderMaintenant, joursAttente } from "./attente";

describe("joursAttente", () => {
  it("says the days in words, singular and plural", () => {
    expect(joursAttente(0)).toBe("Reçue aujourd'hui");
    expect(joursAttente(1)).toBe("En attente depuis 1 jour");
    expect(joursAttente(40)).toBe("En attente depuis 40 jours");
  });
});

describe("aDeciderMaintenant", () => {
  it("keeps the sessions that sat and still have referrals to decide", () => {
    const sessions = [
      { id: "passee", decidable: true, a_decider: 2 },
      { id: "faite", decidable: true, a_decider: 0 },
      { id: "a-venir", decidable: false, a_decider: 3 },
    ];
    expect(aDeciderMaintenant(sessions).map((s) => s.id)).toEqual(["passee"]);
  });
});

import { describe, expect, it } from "vitest";

import type { Capacites } from "./api/types";
import { navigationPour, ouvre } from "./navigation";

const RIEN: Capacites = {
  lire_menages: false,
  ouvrir_menage: false,
  rapports: false,
  importer: false,
  lire_orientations: false,
  orienter: false,
  organiser_commission: false,
  lire_mesures: false,
  modifier_mesures: false,
  reaffecter_mesures: false,
  rendez_vous: false,
  alertes: false,
  indicateurs: false,
  webhooks: false,
  gerer_comptes: false,
  administrer: false,
  faits_lus: [],
  faits_modifies: [],
};
const libelles = (c: Partial<Capacites>) => navigationPour({ ...RIEN, ...c }).map((e) => e.libelle);

describe("navigationPour", () => {
  it("opens nothing without a capability", () => {
    expect(libelles({})).toEqual([]);
  });
  it("opens each screen with its capability, in the menu's order", () => {
    expect(libelles({ lire_menages: true, lire_orientations: true, lire_mesures: true, rendez_vous: true, indicateurs: true })).toEqual([
      "Ménages",
      "Orientations",
      "Mesures",
      "Rendez-vous",
      "Indicateurs",
    ]);
    expect(libelles({ organiser_commission: true })).toEqual(["Commission"]);
    expect(libelles({ webhooks: true })).toEqual(["Webhooks"]);
  });
  it("gives accounts to a partner's responsable, the admin its own menu instead", () => {
    expect(libelles({ gerer_comptes: true })).toEqual(["Comptes"]);
    expect(libelles({ gerer_comptes: true, administrer: true })).toEqual(["Administration"]);
    const admin = navigationPour({ ...RIEN, administrer: true }).find((e) => e.chemin === "/admin");
    expect(admin?.sousMenu?.map((s) => s.chemin)).toEqual([
      "/admin/organisations",
      "/admin/utilisateurs",
      "/admin/clients-api",
      "/admin/dispositifs",
      "/admin/conventions",
    ]);
  });
  it("reads « sauf » as a refusal", () => {
    expect(ouvre({ ...RIEN, gerer_comptes: true, administrer: true }, { capacite: "gerer_comptes", sauf: "administrer" })).toBe(false);
  });
});

import { describe, expect, it } from "vitest";

import { navigationPour } from "./navigation";

const libelles = (t: Parameters<typeof navigationPour>[0]) => navigationPour(t).map((e) => e.libelle);

describe("navigationPour", () => {
  it("shows household files to those who hold or decide them", () => {
    expect(libelles("association")).toEqual(["Ménages", "Orientations", "Mesures", "Rendez-vous", "Indicateurs", "Rapports"]);
    expect(libelles("gie")).toEqual(["Ménages", "Orientations", "Commission", "Mesures", "Indicateurs", "Rapports"]);
    expect(libelles("bailleur")).toEqual(["Ménages", "Orientations", "Webhooks"]);
    expect(libelles("prescripteur")).toEqual(["Ménages", "Orientations", "Webhooks"]);
  });
  it("shows the commission's screen to the commission (gie) only", () => {
    for (const t of ["association", "bailleur", "prescripteur", "financeur", "admin"] as const) {
      expect(libelles(t)).not.toContain("Commission");
    }
  });
  it("shows mesures only to the association that carries them and the commission", () => {
    for (const t of ["bailleur", "prescripteur", "financeur", "admin"] as const) expect(libelles(t)).not.toContain("Mesures");
  });
  it("never shows household files to a funder or to the platform admin", () => {
    expect(libelles("financeur")).toEqual(["Indicateurs", "Rapports"]);
    expect(libelles("admin")).toEqual(["Orientations", "Indicateurs", "Administration"]);
  });
  it("gives indicators to whom api/indicateurs/access.py allows, not to bailleurs and prescribers", () => {
    for (const t of ["association", "gie", "financeur", "admin"] as const) expect(libelles(t)).toContain("Indicateurs");
    for (const t of ["bailleur", "prescripteur"] as const) expect(libelles(t)).not.toContain("Indicateurs");
  });
  it("gives reports to their authors and to the funders (api/rapports/access.py)", () => {
    for (const t of ["association", "gie", "financeur"] as const) expect(libelles(t)).toContain("Rapports");
    for (const t of ["bailleur", "prescripteur", "admin"] as const) expect(libelles(t)).not.toContain("Rapports");
  });
  it("gives the admin its administration screens", () => {
    const admin = navigationPour("admin").find((e) => e.chemin === "/admin");
    expect(admin?.sousMenu?.map((s) => s.chemin)).toEqual([
      "/admin/organisations",
      "/admin/utilisateurs",
      "/admin/clients-api",
      "/admin/dispositifs",
      "/admin/conventions",
    ]);
  });
  it("shows the accounts screen to a partner's responsable only", () => {
    expect(navigationPour("association", "responsable").map((e) => e.libelle)).toContain("Comptes");
    expect(navigationPour("association", "agent").map((e) => e.libelle)).not.toContain("Comptes");
    expect(navigationPour("financeur", "responsable").map((e) => e.libelle)).toEqual(["Indicateurs", "Rapports", "Comptes"]);
    expect(navigationPour("admin", "responsable").map((e) => e.libelle)).not.toContain("Comptes");
  });
  it("shows webhooks only to the organisations whose referrals they report (bailleur, prescripteur)", () => {
    for (const t of ["association", "gie", "financeur", "admin"] as const) expect(libelles(t)).not.toContain("Webhooks");
  });
});

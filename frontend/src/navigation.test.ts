import { describe, expect, it } from "vitest";

import { navigationPour } from "./navigation";

const libelles = (t: Parameters<typeof navigationPour>[0]) => navigationPour(t).map((e) => e.libelle);

describe("navigationPour", () => {
  it("shows household files to those who hold or decide them", () => {
    expect(libelles("association")).toEqual(["Ménages", "Orientations", "Indicateurs"]);
    expect(libelles("gie")).toEqual(["Ménages", "Orientations", "Indicateurs"]);
    expect(libelles("bailleur")).toEqual(["Ménages", "Orientations"]);
    expect(libelles("prescripteur")).toEqual(["Ménages", "Orientations"]);
  });
  it("never shows household files to a funder or to the platform admin", () => {
    expect(libelles("financeur")).toEqual(["Indicateurs"]);
    expect(libelles("admin")).toEqual(["Orientations", "Indicateurs", "Administration"]);
  });
  it("gives indicators to whom api/indicateurs/access.py allows, not to bailleurs and prescribers", () => {
    for (const t of ["association", "gie", "financeur", "admin"] as const) expect(libelles(t)).toContain("Indicateurs");
    for (const t of ["bailleur", "prescripteur"] as const) expect(libelles(t)).not.toContain("Indicateurs");
  });
  it("gives the admin its three administration screens", () => {
    const admin = navigationPour("admin").find((e) => e.chemin === "/admin");
    expect(admin?.sousMenu?.map((s) => s.chemin)).toEqual(["/admin/organisations", "/admin/utilisateurs", "/admin/clients-api"]);
  });
});

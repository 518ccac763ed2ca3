import { describe, expect, it } from "vitest";

import { navigationPour } from "./navigation";

const libelles = (t: Parameters<typeof navigationPour>[0]) => navigationPour(t).map((e) => e.libelle);

describe("navigationPour", () => {
  it("shows household files to those who hold or decide them", () => {
    expect(libelles("association")).toEqual(["Ménages"]);
    expect(libelles("gie")).toEqual(["Ménages"]);
    expect(libelles("bailleur")).toEqual(["Ménages"]);
    expect(libelles("prescripteur")).toEqual(["Ménages"]);
  });
  it("never shows household files to a funder or to the platform admin", () => {
    expect(libelles("financeur")).toEqual([]);
    expect(libelles("admin")).toEqual(["Administration"]);
  });
  it("gives the admin its three administration screens", () => {
    const admin = navigationPour("admin")[0];
    expect(admin?.sousMenu?.map((s) => s.chemin)).toEqual(["/admin/organisations", "/admin/utilisateurs", "/admin/clients-api"]);
  });
});

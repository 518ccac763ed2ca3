import { describe, expect, it } from "vitest";

import type { ConventionPublic, DispositifPublic } from "../../api/types";
import { associationsConventionnees, dispositifsDuPerimetre, toutesLesPages } from "./listes";

const dispositif = (id: string, financeur: string, commission: string) => ({ id, nom: id, financeur_id: financeur, commission_id: commission }) as DispositifPublic;
const convention = (dispositifId: string, associationId: string) => ({ dispositif_id: dispositifId, association_id: associationId }) as ConventionPublic;

const D = [dispositif("d1", "ddets", "gie1"), dispositif("d2", "ddets", "gie2"), dispositif("d3", "cd", "gie1")];
const C = [convention("d1", "espoir"), convention("d2", "horizon"), convention("d1", "horizon")];

describe("dispositifsDuPerimetre", () => {
  it("follows api/indicateurs/access.py: commission, funder, association, admin", () => {
    const ids = (t: Parameters<typeof dispositifsDuPerimetre>[0], org: string) => dispositifsDuPerimetre(t, org, D, C).map((d) => d.id);
    expect(ids("gie", "gie1")).toEqual(["d1", "d3"]);
    expect(ids("financeur", "ddets")).toEqual(["d1", "d2"]);
    expect(ids("association", "espoir")).toEqual(["d1"]);
    expect(ids("admin", "x")).toEqual(["d1", "d2", "d3"]);
  });
});

describe("associationsConventionnees", () => {
  const noms = new Map([
    ["espoir", "Association Espoir 35"],
    ["horizon", "Association Horizon"],
  ]);
  it("lists the associations of the chosen dispositif, or of all, once each, by name", () => {
    expect(associationsConventionnees(C, D, "d2", noms).map((a) => a.label)).toEqual(["Association Horizon"]);
    expect(associationsConventionnees(C, D, undefined, noms).map((a) => a.value)).toEqual(["espoir", "horizon"]);
    expect(associationsConventionnees(C, [D[2]!], undefined, noms)).toEqual([]);
  });
});

describe("toutesLesPages", () => {
  it("follows the pages until the total, and stops on an error", async () => {
    const appels: number[] = [];
    const r = await toutesLesPages(async (limit, offset) => {
      appels.push(offset);
      const items = Array.from({ length: Math.min(limit, 250 - offset) }, (_, i) => offset + i);
      return { data: { items, total: 250 }, response: new Response() };
    });
    expect(appels).toEqual([0, 100, 200]);
    expect(r.data?.length).toBe(250);
    const e = await toutesLesPages(async () => ({ error: { status: 403 }, response: new Response(null, { status: 403 }) }));
    expect(e.data).toBeUndefined();
    expect(e.response.status).toBe(403);
  });
});

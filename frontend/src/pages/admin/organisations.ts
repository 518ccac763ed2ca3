import { useEffect, useState } from "react";

import { api } from "../../api/client";
import type { OrganisationPublic } from "../../api/types";

/** Every organisation, page after page (lists are capped at 100 per call). */
export async function toutesLesOrganisations(): Promise<OrganisationPublic[]> {
  const out: OrganisationPublic[] = [];
  for (let offset = 0; ; offset += 100) {
    const { data } = await api.GET("/api/v1/organisations", { params: { query: { limit: 100, offset } } });
    if (!data) break;
    out.push(...data.items);
    if (out.length >= data.total || data.items.length === 0) break;
  }
  return out.sort((a, b) => a.nom.localeCompare(b.nom, "fr"));
}

/** Organisations for selects and for showing a name instead of an id. */
export function useOrganisations(tour = 0): OrganisationPublic[] {
  const [orgs, setOrgs] = useState<OrganisationPublic[]>([]);
  useEffect(() => {
    let actuel = true;
    toutesLesOrganisations().then((o) => actuel && setOrgs(o), () => undefined);
    return () => {
      actuel = false;
    };
  }, [tour]);
  return orgs;
}

/** The choices of the scope form: dispositifs and associations the caller can ask about. */
import type { ConventionPublic, DispositifPublic, OrganisationPublic, TypeOrganisation } from "../../api/types";

interface PageApi<T> {
  items: T[];
  total: number;
}

type Reponse<T> = { data?: T; error?: unknown; response: Response };

const PAR_PAGE = 100;
const PAGES_MAX = 20;

/** Every page of a paginated list (100 at a time, at most 2 000 items: enough for a choice list). */
export async function toutesLesPages<T>(appel: (limit: number, offset: number) => Promise<Reponse<PageApi<T>>>): Promise<Reponse<T[]>> {
  const items: T[] = [];
  for (let page = 0; page < PAGES_MAX; page++) {
    const r = await appel(PAR_PAGE, page * PAR_PAGE);
    if (!r.data) return { error: r.error, response: r.response };
    items.push(...r.data.items);
    if (items.length >= r.data.total || r.data.items.length === 0 || page === PAGES_MAX - 1) return { data: items, response: r.response };
  }
  throw new Error("inaccessible");
}

/**
 * The dispositifs in the caller's indicator perimeter (api/indicateurs/access.py):
 * a commission its own, a funder those it funds, an association those it has a
 * convention on, admin all.
 */
export function dispositifsDuPerimetre(
  type: TypeOrganisation,
  organisationId: string,
  dispositifs: DispositifPublic[],
  conventions: ConventionPublic[],
): DispositifPublic[] {
  if (type === "gie") return dispositifs.filter((d) => d.commission_id === organisationId);
  if (type === "financeur") return dispositifs.filter((d) => d.financeur_id === organisationId);
  if (type === "association") {
    const siens = new Set(conventions.filter((c) => c.association_id === organisationId).map((c) => c.dispositif_id));
    return dispositifs.filter((d) => siens.has(d.id));
  }
  return dispositifs;
}

/** The associations conventioned on the dispositif (or on any of `dispositifs`), by name. */
export function associationsConventionnees(
  conventions: ConventionPublic[],
  dispositifs: DispositifPublic[],
  dispositif: string | undefined,
  noms: Map<string, string>,
): { value: string; label: string }[] {
  const permis = new Set(dispositif ? [dispositif] : dispositifs.map((d) => d.id));
  const ids = new Set(conventions.filter((c) => permis.has(c.dispositif_id)).map((c) => c.association_id));
  return [...ids]
    .map((id) => ({ value: id, label: noms.get(id) ?? `Association ${id.slice(0, 8)}` }))
    .sort((a, b) => a.label.localeCompare(b.label, "fr"));
}

export function nomsParId(organisations: OrganisationPublic[]): Map<string, string> {
  return new Map(organisations.map((o) => [o.id, o.nom]));
}

/**
 * The data layer: TanStack Query over the typed client (`api`). Reads are cached
 * queries keyed by their path and parameters, so a screen that changes something
 * invalidates what it changed instead of holding a reload counter; openapi-react-query
 * gives the typed `$api.useQuery("get", path, init)` without a hand-written key.
 */
import { QueryClient } from "@tanstack/react-query";
import createQueryClient from "openapi-react-query";

import { api } from "./client";
import { isProblem, messageErreur } from "./problem";

export const cache = new QueryClient({
  defaultOptions: {
    queries: {
      // A refused read (403, 404) is an answer, not a glitch: show it at once, as before.
      retry: false,
      // A form being filled in must not change under the person's hands.
      refetchOnWindowFocus: false,
      // A screen opened again reads afresh, never last visit's copy (a colleague may have
      // changed it); what is shared is one read among the parts of the screen on display.
      gcTime: 0,
    },
    mutations: { retry: false },
  },
});

export const $api = createQueryClient(api);

/** Marks every read of a path as stale (both `$api.useQuery` and `useRessource` keys): read again by who shows it. */
export function invalider(...chemins: string[]): Promise<void> {
  return cache.invalidateQueries({ predicate: (q) => chemins.includes(q.queryKey[1] as string) });
}

/** A failed `$api.useQuery` (its error is the problem+json body): the French sentence and the status. */
export function echecLecture(erreur: unknown): { message: string; statut: number | null } | null {
  if (erreur == null) return null;
  return { message: messageErreur(erreur), statut: isProblem(erreur) ? erreur.status : null };
}

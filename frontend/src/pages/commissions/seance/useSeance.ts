/**
 * Everything a session screen reads: the session, its dispositif and conventions,
 * the associations' names, and the agenda's referrals each with its household
 * (the commission reads both). `recharger` reads them all again after a change.
 */
import { useEffect, useMemo, useState } from "react";

import { api } from "../../../api/client";
import { messageErreur } from "../../../api/problem";
import type { MenagePublic, OrientationPublic } from "../../../api/types";
import { useRequete } from "../../../lib/useRequete";

export interface Ligne {
  o: OrientationPublic;
  menage: MenagePublic | null;
}

/** A read that waits for its key (the session's dispositif) before calling the API. */
const enAttente = () => new Promise<never>(() => {});

function useOrdreDuJour(ids: readonly string[] | undefined, tour: number) {
  const [etat, setEtat] = useState<{ lignes: Ligne[] | null; erreur: string | null }>({ lignes: null, erreur: null });
  const cle = ids?.join(",") ?? "";
  useEffect(() => {
    if (!ids) return;
    let actuel = true;
    Promise.all(
      ids.map(async (id) => {
        const { data, error, response } = await api.GET("/api/v1/orientations/{orientation_id}", { params: { path: { orientation_id: id } } });
        if (!data) throw new Error(messageErreur(error, response.status));
        const m = await api.GET("/api/v1/menages/{menage_id}", { params: { path: { menage_id: data.menage_id } } });
        return { o: data, menage: m.data ?? null };
      }),
    )
      .then((lignes) => actuel && setEtat({ lignes, erreur: null }))
      .catch((e: unknown) => actuel && setEtat({ lignes: null, erreur: e instanceof Error ? e.message : messageErreur(e) }));
    return () => {
      actuel = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cle, tour]);
  return etat;
}

export function useSeance(sessionId: string) {
  const [tour, setTour] = useState(0);
  const session = useRequete(() => api.GET("/api/v1/commissions/{session_id}", { params: { path: { session_id: sessionId } } }), [sessionId, tour]);
  const dispositifId = session.donnees?.dispositif_id ?? "";
  const dispositif = useRequete(
    () => (dispositifId ? api.GET("/api/v1/dispositifs/{dispositif_id}", { params: { path: { dispositif_id: dispositifId } } }) : enAttente()),
    [dispositifId],
  );
  const conventions = useRequete(
    () => (dispositifId ? api.GET("/api/v1/conventions", { params: { query: { dispositif_id: dispositifId, limit: 100 } } }) : enAttente()),
    [dispositifId],
  );
  const associations = useRequete(() => api.GET("/api/v1/organisations", { params: { query: { type: "association", limit: 100 } } }), []);
  const noms = useMemo(() => Object.fromEntries((associations.donnees?.items ?? []).map((o) => [o.id, o.nom])), [associations.donnees]);
  const ordre = useOrdreDuJour(session.donnees?.ordre_du_jour, tour);
  return {
    session,
    dispositif: dispositif.donnees,
    conventions: conventions.donnees?.items ?? [],
    noms,
    ordre,
    recharger: () => setTour((t) => t + 1),
  };
}

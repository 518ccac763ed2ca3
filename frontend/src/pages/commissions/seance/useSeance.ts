/**
 * Everything a session screen reads: the session, its dispositif and conventions,
 * the associations' names, and the agenda's referrals each with its household
 * (the commission reads both). `recharger` reads the session and its agenda again
 * after a change; the rest does not change with it.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { api } from "../../../api/client";
import { messageErreur } from "../../../api/problem";
import { $api, echecLecture } from "../../../api/requetes";
import type { MenagePublic, OrientationPublic } from "../../../api/types";

export interface Ligne {
  o: OrientationPublic;
  menage: MenagePublic | null;
}

async function lireOrdreDuJour(ids: readonly string[]): Promise<Ligne[]> {
  return Promise.all(
    ids.map(async (id) => {
      const { data, error, response } = await api.GET("/api/v1/orientations/{orientation_id}", { params: { path: { orientation_id: id } } });
      if (!data) throw new Error(messageErreur(error, response.status));
      const m = await api.GET("/api/v1/menages/{menage_id}", { params: { path: { menage_id: data.menage_id } } });
      return { o: data, menage: m.data ?? null };
    }),
  );
}

export function useSeance(sessionId: string) {
  const session = $api.useQuery("get", "/api/v1/commissions/{session_id}", { params: { path: { session_id: sessionId } } });
  const dispositifId = session.data?.dispositif_id ?? "";
  const avecDispositif = { enabled: dispositifId !== "" };
  const dispositif = $api.useQuery("get", "/api/v1/dispositifs/{dispositif_id}", { params: { path: { dispositif_id: dispositifId } } }, avecDispositif);
  const conventions = $api.useQuery("get", "/api/v1/conventions", { params: { query: { dispositif_id: dispositifId, limit: 100 } } }, avecDispositif);
  const associations = $api.useQuery("get", "/api/v1/organisations", { params: { query: { type: "association", limit: 100 } } });
  const noms = useMemo(() => Object.fromEntries((associations.data?.items ?? []).map((o) => [o.id, o.nom])), [associations.data]);
  const ids = session.data?.ordre_du_jour;
  const ordre = useQuery({
    queryKey: ["ordre-du-jour", sessionId, ids],
    queryFn: () => lireOrdreDuJour(ids ?? []),
    enabled: ids !== undefined,
    // An agenda that grew keeps showing its lines until the new ones are read.
    placeholderData: keepPreviousData,
  });
  const echec = echecLecture(session.error);
  return {
    session: { donnees: session.data, chargement: session.isPending, erreur: echec?.message ?? null, statut: echec?.statut ?? null },
    dispositif: dispositif.data,
    conventions: conventions.data?.items ?? [],
    noms,
    ordre: { lignes: ordre.data ?? null, erreur: ordre.error ? ordre.error.message : null },
    recharger: () => {
      void session.refetch();
      void ordre.refetch();
    },
  };
}

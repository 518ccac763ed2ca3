/** The mesure being read, with the ETag of that version (sent back in If-Match by every change). */
import { useCallback, useEffect, useState } from "react";

import { api } from "../../api/client";
import { messageErreur } from "../../api/problem";
import type { MesurePublic, MesureStatut } from "../../api/types";
import type { ActionMesure } from "./mesure";

export interface EtatMesure {
  mesure: MesurePublic | MesureStatut | undefined;
  etag: string | null;
  erreur: string | null;
  statut: number | null;
  chargement: boolean;
  recharger: () => void;
  /** After a change: the API's answer becomes the mesure read, with its new ETag. */
  remplacer: (m: MesurePublic, etag: string | null) => void;
}

export function useMesure(mesureId: string): EtatMesure {
  const [etat, setEtat] = useState<Omit<EtatMesure, "recharger" | "remplacer">>({
    mesure: undefined,
    etag: null,
    erreur: null,
    statut: null,
    chargement: true,
  });
  const [tour, setTour] = useState(0);
  const recharger = useCallback(() => setTour((t) => t + 1), []);
  const remplacer = useCallback((m: MesurePublic, etag: string | null) => {
    setEtat({ mesure: m, etag, erreur: null, statut: 200, chargement: false });
  }, []);

  useEffect(() => {
    let actuel = true;
    setEtat((e) => ({ ...e, chargement: true, erreur: null }));
    api
      .GET("/api/v1/mesures/{mesure_id}", { params: { path: { mesure_id: mesureId } } })
      .then(({ data, error, response }) => {
        if (!actuel) return;
        if (data) setEtat({ mesure: data, etag: response.headers.get("ETag"), erreur: null, statut: response.status, chargement: false });
        else setEtat({ mesure: undefined, etag: null, erreur: messageErreur(error, response.status), statut: response.status, chargement: false });
      })
      .catch((e: unknown) => {
        if (actuel) setEtat({ mesure: undefined, etag: null, erreur: messageErreur(e), statut: null, chargement: false });
      });
    return () => {
      actuel = false;
    };
  }, [mesureId, tour]);

  return { ...etat, recharger, remplacer };
}

/** POST one lifecycle action (If-Match: the version the person is looking at). */
export function envoyerAction(action: ActionMesure, mesureId: string, etag: string | null, corps: Record<string, unknown>) {
  const params = { path: { mesure_id: mesureId }, header: etag ? { "If-Match": etag } : undefined };
  // The body was built by payloadAction() for this very action; the API validates it.
  const body = corps as never;
  switch (action) {
    case "demarrer":
      return api.POST("/api/v1/mesures/{mesure_id}/demarrer", { params, body });
    case "activer":
      return api.POST("/api/v1/mesures/{mesure_id}/activer", { params, body });
    case "suspendre":
      return api.POST("/api/v1/mesures/{mesure_id}/suspendre", { params, body });
    case "reprendre":
      return api.POST("/api/v1/mesures/{mesure_id}/reprendre", { params, body });
    case "reorienter":
      return api.POST("/api/v1/mesures/{mesure_id}/reorienter", { params, body });
    case "prolonger":
      return api.POST("/api/v1/mesures/{mesure_id}/prolonger", { params, body });
    case "changer-referent":
      return api.POST("/api/v1/mesures/{mesure_id}/changer-referent", { params, body });
    case "terminer":
      return api.POST("/api/v1/mesures/{mesure_id}/terminer", { params, body });
    case "suivi":
      return api.POST("/api/v1/mesures/{mesure_id}/suivi", { params, body });
  }
}

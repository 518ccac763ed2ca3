/** The mesure being read, with the ETag of that version (sent back in If-Match by every change). */
import { api } from "../../api/client";
import { useRessource } from "../../api/formulaire";
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
  const { donnees, ...reste } = useRessource("/api/v1/mesures/{mesure_id}", { params: { path: { mesure_id: mesureId } } });
  return { mesure: donnees, ...reste };
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

import { useCallback, useEffect, useState, type DependencyList } from "react";

import { messageErreur } from "../api/problem";

export interface EtatRequete<T> {
  donnees: T | undefined;
  erreur: string | null;
  statut: number | null;
  chargement: boolean;
  recharger: () => void;
}

/** Runs an API read when its dependencies change; the last answer wins (no stale overwrite). */
export function useRequete<T>(appel: () => Promise<{ data?: T; error?: unknown; response: Response }>, deps: DependencyList): EtatRequete<T> {
  const [etat, setEtat] = useState<Omit<EtatRequete<T>, "recharger">>({
    donnees: undefined,
    erreur: null,
    statut: null,
    chargement: true,
  });
  const [tour, setTour] = useState(0);
  const recharger = useCallback(() => setTour((t) => t + 1), []);

  useEffect(() => {
    let actuel = true;
    setEtat((e) => ({ ...e, chargement: true, erreur: null }));
    appel()
      .then(({ data, error, response }) => {
        if (!actuel) return;
        if (data !== undefined) setEtat({ donnees: data, erreur: null, statut: response.status, chargement: false });
        else setEtat({ donnees: undefined, erreur: messageErreur(error, response.status), statut: response.status, chargement: false });
      })
      .catch((e: unknown) => {
        if (actuel) setEtat({ donnees: undefined, erreur: messageErreur(e), statut: null, chargement: false });
      });
    return () => {
      actuel = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tour]);

  return { ...etat, recharger };
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { api, definirSurExpiration, rafraichirSession } from "../api/client";
import { cache } from "../api/requetes";
import { delaiAvantNouvelEssai, formatDelai, messageErreur, type ProblemDetails } from "../api/problem";
import { jeton } from "../api/session";
import type { Moi } from "../api/types";

type Etat =
  | { statut: "chargement" }
  | { statut: "anonyme"; expiree: boolean; deconnecte?: boolean }
  | { statut: "connecte"; moi: Moi };

interface Auth {
  etat: Etat;
  /** null on success, otherwise the French message to show. */
  connecter: (courriel: string, motDePasse: string) => Promise<string | null>;
  deconnecter: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

async function chargerMoi(): Promise<Moi | null> {
  const { data } = await api.GET("/api/v1/auth/me");
  return data ?? null;
}

/** The sign-in failure as a person should read it (throttling: with its delay). */
export function messageConnexion(probleme: ProblemDetails | undefined, statut: number, retryAfter: string | null): string {
  if (statut === 429) {
    const delai = delaiAvantNouvelEssai(probleme, retryAfter);
    const base = probleme?.detail ?? "Trop de tentatives de connexion échouées.";
    return delai !== null && !base.includes("Réessayez") ? `${base} Réessayez ${formatDelai(delai)}.` : base;
  }
  if (statut === 401) return "Courriel ou mot de passe incorrect.";
  return messageErreur(probleme, statut);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [etat, setEtat] = useState<Etat>({ statut: "chargement" });

  // Out of a session, nothing read in it stays in memory: the next person starts empty.
  useEffect(() => {
    if (etat.statut !== "connecte") cache.clear();
  }, [etat.statut]);

  useEffect(() => {
    definirSurExpiration(() => {
      jeton.set(null);
      setEtat({ statut: "anonyme", expiree: true });
    });
    let actif = true;
    // After a reload the token is gone from memory: the cookie may still hold a session.
    rafraichirSession()
      .then(async (valeur) => (valeur ? chargerMoi() : null))
      .catch(() => null)
      .then((moi) => {
        // A sign-in that finished first wins: the start-up answer only ends the loading state.
        if (actif) setEtat((e) => (e.statut !== "chargement" ? e : moi ? { statut: "connecte", moi } : { statut: "anonyme", expiree: false }));
      });
    return () => {
      actif = false;
    };
  }, []);

  const connecter = useCallback(async (courriel: string, motDePasse: string) => {
    try {
      const { data, error, response } = await api.POST("/api/v1/auth/token", {
        body: { grant_type: "password", username: courriel, password: motDePasse },
        bodySerializer: (corps) => new URLSearchParams(corps as Record<string, string>),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      if (!data) {
        return messageConnexion(error as ProblemDetails | undefined, response.status, response.headers.get("Retry-After"));
      }
      jeton.set(data.access_token);
      const moi = await chargerMoi();
      if (!moi) return "Connexion impossible : réessayez.";
      setEtat({ statut: "connecte", moi });
      return null;
    } catch (erreur) {
      return messageErreur(erreur);
    }
  }, []);

  const deconnecter = useCallback(async () => {
    // With ProConnect on, the server ends the session and, for a session that came through
    // it, the provider's too (RP-initiated logout): a navigation, not a fetch.
    const { data } = await api.GET("/api/v1/auth/proconnect/etat").catch(() => ({ data: undefined }));
    if (data?.actif) {
      jeton.set(null);
      window.location.assign("/api/v1/auth/proconnect/deconnexion");
      return;
    }
    try {
      await api.POST("/api/v1/auth/logout");
    } finally {
      jeton.set(null);
      // A deliberate sign-out: the next person must not land on this one's screen.
      setEtat({ statut: "anonyme", expiree: false, deconnecte: true });
    }
  }, []);

  const valeur = useMemo(() => ({ etat, connecter, deconnecter }), [etat, connecter, deconnecter]);
  return <AuthContext.Provider value={valeur}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth hors de AuthProvider");
  return ctx;
}

/** The signed-in principal (for screens behind RequireAuth). */
export function useMoi(): Moi {
  const { etat } = useAuth();
  if (etat.statut !== "connecte") throw new Error("useMoi sans session");
  return etat.moi;
}

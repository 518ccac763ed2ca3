import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation } from "react-router";

import type { Capacite } from "../navigation";
import { Chargement } from "../components/Chargement";
import { PageInterdite } from "../pages/PageInterdite";
import { useAuth, useMoi } from "./AuthContext";

/** Screens behind it need a session; without one, back to sign-in (and back here after). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { etat } = useAuth();
  const location = useLocation();
  if (etat.statut === "chargement") return <Chargement libelle="Ouverture de la session…" />;
  if (etat.statut === "anonyme") {
    if (etat.deconnecte) return <Navigate to="/connexion" replace />;
    const retour = location.pathname + location.search;
    return <Navigate to="/connexion" replace state={{ retour, expiree: etat.expiree }} />;
  }
  return <>{children}</>;
}

/** Only the principals whose capabilities (GET /auth/me) open these screens. */
export function RequireCapacite({ capacite }: { capacite: Capacite }) {
  const moi = useMoi();
  return moi.capacites[capacite] ? <Outlet /> : <PageInterdite />;
}

import type { MainNavigationProps } from "@codegouvfr/react-dsfr/MainNavigation";
import { Suspense, useEffect } from "react";
import { Outlet, useLocation } from "react-router";

import { api } from "../api/client";
import { useAuth, useMoi } from "../auth/AuthContext";
import { Chargement } from "../components/Chargement";
import { useRequete } from "../lib/useRequete";
import { navigationPour } from "../navigation";
import { EnTete, PiedDePage } from "./Cadre";

export function Layout() {
  const moi = useMoi();
  const { deconnecter } = useAuth();
  const { pathname } = useLocation();

  // The unread counter: read again at each page change and when a page says it changed.
  const compteur = useRequete(() => api.GET("/api/v1/notifications/compteur"), [pathname]);
  const { recharger } = compteur;
  useEffect(() => {
    window.addEventListener("ancrage:notifications", recharger);
    return () => window.removeEventListener("ancrage:notifications", recharger);
  }, [recharger]);
  const nonLues = compteur.donnees?.non_lues ?? 0;

  const estActif = (chemin: string) => pathname === chemin || pathname.startsWith(chemin + "/");
  const navigation: MainNavigationProps.Item[] = [
    { text: "Tableau de bord", linkProps: { to: "/" }, isActive: pathname === "/" },
    ...navigationPour(moi.organisation.type, moi.role).map((e): MainNavigationProps.Item =>
      e.sousMenu?.length
        ? {
            text: e.libelle,
            isActive: estActif(e.chemin),
            menuLinks: e.sousMenu.map((s) => ({ text: s.libelle, linkProps: { to: s.chemin }, isActive: estActif(s.chemin) })),
          }
        : { text: e.libelle, linkProps: { to: e.chemin }, isActive: estActif(e.chemin) },
    ),
  ];

  return (
    <>
      <EnTete
        quickAccessItems={[
          {
            iconId: "fr-icon-notification-3-line",
            text: nonLues ? `Notifications (${nonLues} non lue${nonLues > 1 ? "s" : ""})` : "Notifications",
            linkProps: { to: "/notifications" },
          },
          {
            iconId: "fr-icon-account-circle-line",
            text: `${moi.nom} — ${moi.organisation.nom}`,
            linkProps: { to: "/" },
          },
          {
            iconId: "fr-icon-logout-box-r-line",
            text: "Se déconnecter",
            buttonProps: { onClick: () => void deconnecter(), type: "button" },
          },
        ]}
        navigation={navigation}
      />
      <main id="contenu" className="fr-container fr-py-6w ancrage-main" tabIndex={-1}>
        <Suspense fallback={<Chargement />}>
          <Outlet />
        </Suspense>
      </main>
      <PiedDePage />
    </>
  );
}

import type { MainNavigationProps } from "@codegouvfr/react-dsfr/MainNavigation";
import { Suspense, useEffect } from "react";
import { Outlet, useLocation, useNavigate } from "react-router";

import { api } from "../api/client";
import { useAuth, useMoi } from "../auth/AuthContext";
import { Chargement } from "../components/Chargement";
import { useRequete } from "../lib/useRequete";
import { navigationPour } from "../navigation";
import { EnTete, PiedDePage } from "./Cadre";

/**
 * A table wider than the screen scrolls sideways (DSFR: the <table> itself scrolls): a
 * keyboard user must be able to reach it to scroll it (RGAA 7.3, axe
 * « scrollable-region-focusable »). Every table of the page gets a tab stop, whichever
 * screen drew it; its caption names it.
 */
function useTablesFocusables() {
  useEffect(() => {
    const marquer = () => {
      for (const t of document.querySelectorAll<HTMLTableElement>(".fr-table table:not([tabindex])")) t.tabIndex = 0;
    };
    marquer();
    const observateur = new MutationObserver(marquer);
    observateur.observe(document.body, { childList: true, subtree: true });
    return () => observateur.disconnect();
  }, []);
}

export function Layout() {
  const moi = useMoi();
  const { deconnecter } = useAuth();
  const { pathname } = useLocation();
  const naviguer = useNavigate();
  useTablesFocusables();
  // One search box for the whole app: a household by name, reference, phone or address,
  // among those this reader may see (GET /menages?q=, the same access rules as the list).
  const recherche = moi.capacites.lire_menages
    ? {
        onSearchButtonClick: (texte: string) => {
          if (texte.trim()) void naviguer(`/menages?q=${encodeURIComponent(texte.trim())}`);
        },
        renderSearchInput: ({ className, id, type }: { className: string; id: string; type: "search" }) => (
          <input className={className} id={id} name={id} type={type} placeholder="Nom, référence, téléphone, adresse" aria-label="Rechercher un ménage : nom, référence, téléphone ou adresse" />
        ),
      }
    : {};

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
    ...navigationPour(moi.capacites).map((e): MainNavigationProps.Item =>
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
        {...recherche}
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

import { Footer } from "@codegouvfr/react-dsfr/Footer";
import { Header, type HeaderProps } from "@codegouvfr/react-dsfr/Header";

const MARQUE = (
  <>
    République
    <br />
    Française
  </>
);

/** The DSFR header, with the navigation and quick access of the signed-in user when given. */
export function EnTete(props: Pick<HeaderProps, "navigation" | "quickAccessItems" | "onSearchButtonClick" | "renderSearchInput">) {
  return (
    <Header
      brandTop={MARQUE}
      homeLinkProps={{ to: "/", title: "Accueil — Ancrage" }}
      serviceTitle="Ancrage"
      serviceTagline="Accompagnement social lié au logement"
      {...props}
    />
  );
}

export function PiedDePage() {
  return (
    <Footer
      accessibility="non compliant"
      contentDescription="Ancrage réunit associations, commissions, bailleurs et financeurs autour des dossiers de l'accompagnement social lié au logement."
      brandTop={MARQUE}
      homeLinkProps={{ to: "/", title: "Accueil — Ancrage" }}
      bottomItems={[{ text: "Documentation de l'API", linkProps: { to: "/docs", reloadDocument: true } }]}
    />
  );
}

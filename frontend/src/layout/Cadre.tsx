import { Footer } from "@codegouvfr/react-dsfr/Footer";
import { Header, type HeaderProps } from "@codegouvfr/react-dsfr/Header";
import { SkipLinks } from "@codegouvfr/react-dsfr/SkipLinks";

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
    <>
      {/* First in the page: a keyboard user jumps over the header and menu. */}
      <SkipLinks
        links={[
          { label: "Contenu", anchor: "#contenu" },
          { label: "Pied de page", anchor: "#pied-de-page" },
        ]}
      />
      <Header
        brandTop={MARQUE}
        homeLinkProps={{ to: "/", title: "Accueil — Ancrage" }}
        serviceTitle="Ancrage"
        serviceTagline="Accompagnement social lié au logement"
        {...props}
      />
    </>
  );
}

export function PiedDePage() {
  return (
    <Footer
      id="pied-de-page"
      accessibility="partially compliant"
      accessibilityLinkProps={{ to: "/accessibilite" }}
      contentDescription="Ancrage réunit associations, commissions, bailleurs et financeurs autour des dossiers de l'accompagnement social lié au logement."
      brandTop={MARQUE}
      homeLinkProps={{ to: "/", title: "Accueil — Ancrage" }}
      bottomItems={[{ text: "Documentation de l'API", linkProps: { to: "/docs", reloadDocument: true } }]}
    />
  );
}

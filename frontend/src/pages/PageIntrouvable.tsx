import { Link } from "react-router";

import { Titre } from "../components/Titre";

export function PageIntrouvable() {
  return (
    <>
      <Titre>Page introuvable</Titre>
      <p>L'adresse demandée n'existe pas ou n'est plus disponible.</p>
      <Link to="/" className="fr-link">
        Retour au tableau de bord
      </Link>
    </>
  );
}

import { Link } from "react-router";

import { Titre } from "../components/Titre";

export function PageInterdite() {
  return (
    <>
      <Titre>Accès réservé</Titre>
      <p>Le type de votre organisation ne donne pas accès à cet écran.</p>
      <Link to="/" className="fr-link">
        Retour au tableau de bord
      </Link>
    </>
  );
}

/**
 * Déclaration d'accessibilité (RGAA 4.1), reachable without an account from every
 * footer. Its figures are those of the automated audit the e2e suite runs
 * (tests/e2e/test_parcours_interface.py, axe-core at 1280 and 390 px): it says what
 * was checked and what was not, rather than claiming a full audit.
 */
import { Link } from "react-router";

import { Titre } from "../components/Titre";
import { EnTete, PiedDePage } from "../layout/Cadre";

export const DATE_AUDIT = "02/12/2026";

export default function Accessibilite() {
  return (
    <>
      <EnTete />
      <main id="contenu" className="fr-container fr-py-6w" tabIndex={-1}>
        <Titre>Déclaration d'accessibilité</Titre>
        <p>
          Les partenaires qui exploitent Ancrage s'engagent à rendre leur service accessible, conformément à l'article 47 de la loi
          n° 2005-102 du 11 février 2005. Cette déclaration s'applique à l'application web Ancrage.
        </p>
        <h2 className="fr-h4">État de conformité</h2>
        <p>
          Ancrage est <strong>partiellement conforme</strong> avec le référentiel général d'amélioration de l'accessibilité (RGAA),
          version 4.1 : aucun audit complet des 106 critères n'a encore été mené.
        </p>
        <h2 className="fr-h4">Résultats des tests</h2>
        <p>Audit automatisé du {DATE_AUDIT}, refait à chaque intégration continue :</p>
        <ul>
          <li>outil : axe-core (règles WCAG 2.1 niveaux A et AA), dans Chromium ;</li>
          <li>
            pages : connexion, tableau de bord, ménages (liste et fiche avec son historique), mesures, rendez-vous, orientations,
            commission et cette page, à 1280 et 390 pixels de large ;
          </li>
          <li>résultat : aucune non-conformité de gravité « sérieuse » ou « critique » sur ces pages.</li>
        </ul>
        <p>
          Vérifié à la main : navigation au clavier (lien d'évitement vers le contenu, focus sur le titre de chaque nouvelle page,
          tableaux défilants atteignables au clavier), libellés des champs, messages d'erreur placés sous leur champ.
        </p>
        <h2 className="fr-h4">Contenus non accessibles ou non vérifiés</h2>
        <ul>
          <li>les critères qu'un outil ne juge pas (pertinence des alternatives, ordre de lecture, restitution par un lecteur d'écran) ;</li>
          <li>les graphiques des indicateurs : leurs valeurs sont aussi données en tableau ;</li>
          <li>les documents téléchargés (tableurs, procès-verbaux) n'ont pas été audités.</li>
        </ul>
        <h2 className="fr-h4">Retour d'information et contact</h2>
        <p>
          Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez l'organisation qui vous a ouvert votre compte : elle
          vous indiquera une autre façon d'y accéder ou le corrigera.
        </p>
        <h2 className="fr-h4">Voies de recours</h2>
        <p>
          Si vous nous signalez un défaut d'accessibilité qui vous empêche d'accéder à un contenu et que vous n'obtenez pas de réponse
          satisfaisante, vous pouvez écrire au Défenseur des droits, le contacter par son formulaire en ligne ou le rencontrer auprès
          de son délégué dans votre région.
        </p>
        <p>
          <Link to="/" className="fr-link">
            Retour à l'accueil
          </Link>
        </p>
      </main>
      <PiedDePage />
    </>
  );
}

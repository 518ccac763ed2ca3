/**
 * The files behind one figure (GET /api/v1/indicateurs/detail), shown under its
 * table. Only the association and the commission get here: the API refuses the
 * others (404) and their figures are not links.
 */
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";

import { api } from "../../api/client";
import type { Tableau } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { useRequete } from "../../lib/useRequete";
import { requeteApi, type CelluleChoisie, type Perimetre } from "./perimetre";
import { formatNombre, libelleCellule } from "./tableaux";

const PAR_PAGE = 20;

export function DetailCellule({
  perimetre,
  choix,
  tableau,
  fermer,
}: {
  perimetre: Perimetre;
  choix: CelluleChoisie;
  tableau: Tableau;
  fermer: () => void;
}) {
  const titreRef = useRef<HTMLHeadingElement>(null);
  const [affiches, setAffiches] = useState(PAR_PAGE);
  const { donnees, erreur, chargement } = useRequete(
    () => api.GET("/api/v1/indicateurs/detail", { params: { query: { ...requeteApi(perimetre), table: choix.table, cellule: choix.cellule } } }),
    [JSON.stringify(requeteApi(perimetre)), choix.table, choix.cellule],
  );
  const cellule = tableau.cellules.find((c) => c.cle === choix.cellule);
  const quoi = cellule ? libelleCellule(tableau, cellule) : choix.cellule;

  // The panel takes the focus when it opens (from a click or a shared link).
  useEffect(() => {
    titreRef.current?.focus();
    titreRef.current?.scrollIntoView({ block: "start" });
    setAffiches(PAR_PAGE);
  }, [choix.table, choix.cellule]);

  const elements = donnees?.elements ?? [];
  return (
    <section className="fr-p-3w fr-mb-3w ancrage-detail" aria-labelledby="detail-titre">
      <h3 id="detail-titre" ref={titreRef} tabIndex={-1} className="fr-h5">
        Dossiers derrière le chiffre : {tableau.titre} — {quoi}
      </h3>
      {chargement && <Chargement libelle="Chargement des dossiers…" />}
      {erreur && <ErreurChargement message={erreur} />}
      {donnees && !chargement && (
        <>
          <p role="status">
            {donnees.total === 0
              ? "Aucun dossier."
              : `${formatNombre(donnees.total)} dossier${donnees.total > 1 ? "s" : ""}${
                  donnees.total > elements.length ? ` ; les ${formatNombre(elements.length)} premiers sont listés` : ""
                }.`}
          </p>
          {elements.length > 0 && (
            <ul className="fr-mb-2w">
              {elements.slice(0, affiches).map((e) => (
                <li key={e.id}>
                  <Link className="fr-link" to={e.type === "orientation" ? `/orientations/${e.id}` : `/mesures/${e.id}`}>
                    {e.type === "orientation" ? "Orientation" : "Mesure"} {e.reference}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {elements.length > affiches && (
            <Button priority="secondary" size="small" className="fr-mb-2w fr-mr-2w" onClick={() => setAffiches((n) => n + PAR_PAGE)}>
              Afficher les {Math.min(PAR_PAGE, elements.length - affiches)} suivants
            </Button>
          )}
        </>
      )}
      <Button priority="tertiary" size="small" iconId="fr-icon-close-line" onClick={fermer}>
        Fermer la liste des dossiers
      </Button>
    </section>
  );
}

/**
 * A small bar chart in plain HTML and CSS (no chart library: the figures are few
 * and the JavaScript budget is tight). The chart is one image for assistive
 * technologies, named by its text alternative; the table below stays the
 * accessible source of the numbers.
 */
import { useId } from "react";

import { formatNombre, longueurs, texteAlternatif, type Barre } from "./tableaux";

// Beyond this many bars, columns get too thin to read: the chart lies down.
const COLONNES_MAX = 24;

export function Barres({
  titre,
  barres,
  source,
  colonnes = false,
}: {
  titre: string;
  barres: Barre[];
  /** Title of the table that holds the same numbers. */
  source: string;
  /** Vertical bars (months along the axis) rather than horizontal ones. */
  colonnes?: boolean;
}) {
  const id = useId();
  const { echelle, longueurs: l } = longueurs(barres);
  const vertical = colonnes && barres.length <= COLONNES_MAX;
  return (
    <figure className="ancrage-graphique fr-p-2w" aria-labelledby={`${id}-titre`}>
      <figcaption id={`${id}-titre`} className="fr-text--bold fr-mb-1w">
        {titre}
      </figcaption>
      {barres.length === 0 ? (
        <p className="fr-text--sm fr-mb-0">Aucune donnée.</p>
      ) : (
        <div role="img" aria-label={texteAlternatif(titre, barres)} className={vertical ? "ancrage-barres ancrage-barres--colonnes" : "ancrage-barres"}>
          {barres.map((b, i) => (
            <div key={b.code} className="ancrage-barre">
              <span className="ancrage-barre__libelle">{b.libelle}</span>
              <span className="ancrage-barre__piste">
                <span className="ancrage-barre__valeur" style={vertical ? { height: `${l[i]}%` } : { width: `${l[i]}%` }} />
              </span>
              <span className="ancrage-barre__nombre">{b.masque ? "masqué" : formatNombre(b.valeur)}</span>
            </div>
          ))}
        </div>
      )}
      <p className="fr-text--xs fr-mb-0 fr-mt-1w">
        Échelle de 0 à {formatNombre(echelle)}. Les mêmes chiffres sont dans la table « {source} ».
      </p>
    </figure>
  );
}

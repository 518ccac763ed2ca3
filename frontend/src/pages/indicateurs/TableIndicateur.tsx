/**
 * One table of the indicator document: French labels, numbers in French, the
 * totals in bold; a figure whose files the caller may open is a link (the
 * files then show under the table, see DetailCellule).
 */
import type { ReactNode } from "react";
import { Link } from "react-router";

import type { Cellule, Tableau } from "../../api/types";
import { celluleOuvrable, formatPourcentage, grille, libelleCellule, texteCellule } from "./tableaux";

/** DOM id of a figure's link, to give it the focus back when its files are closed. */
export function idFigure(table: string, cle: string): string {
  return `fig-${table}-${cle.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
}

export function idTableau(code: string): string {
  return `t-${code}`;
}

function Figure({ t, c, lien }: { t: Tableau; c: Cellule | undefined; lien: (t: Tableau, c: Cellule) => string }) {
  const texte = texteCellule(c);
  if (!c || !celluleOuvrable(t, c)) {
    return c?.masque ? <span title="Effectif masqué au titre du secret statistique">{texte}</span> : <>{texte}</>;
  }
  return (
    // The name starts with the visible figure (WCAG « label in name ») and says what it counts.
    <Link
      id={idFigure(t.code, c.cle)}
      to={lien(t, c)}
      className="fr-link"
      preventScrollReset
      aria-label={`${texte} — voir les dossiers (${t.titre} : ${libelleCellule(t, c)})`}
    >
      {texte}
    </Link>
  );
}

export function TableIndicateur({ tableau: t, lien, detail }: { tableau: Tableau; lien: (t: Tableau, c: Cellule) => string; detail?: ReactNode }) {
  const g = grille(t);
  const idDefinition = `${idTableau(t.code)}-definition`;
  return (
    <div className="fr-mb-5w">
      <div
        className={`fr-table fr-table--bordered fr-mb-1w ancrage-indicateur${t.dimensions.length > 1 ? " fr-table--sm" : ""}`}
        id={idTableau(t.code)}
      >
        <div className="fr-table__wrapper">
          <div className="fr-table__container">
            <div className="fr-table__content">
              <table aria-describedby={idDefinition}>
                <caption>{t.titre}</caption>
                <thead>
                  <tr>
                    <th scope="col">{g.titreLignes}</th>
                    {g.colonnes.map((col) => (
                      <th key={col.code} scope="col">
                        {col.libelle}
                      </th>
                    ))}
                    {g.avecPourcentage && <th scope="col">%</th>}
                  </tr>
                </thead>
                <tbody>
                  {g.lignes.map((l) => (
                    <tr key={l.code} className={l.total ? "ancrage-total" : undefined}>
                      <th scope="row">{l.libelle}</th>
                      {l.cellules.map((c, j) => (
                        <td key={g.colonnes[j]?.code ?? j} className={c?.total ? "ancrage-total" : undefined}>
                          <Figure t={t} c={c} lien={lien} />
                        </td>
                      ))}
                      {g.avecPourcentage && <td>{formatPourcentage(l.cellules[0]?.pourcentage)}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </div>
      <p id={idDefinition} className="fr-text--sm fr-mb-1w">
        {t.definition}
      </p>
      {detail}
    </div>
  );
}

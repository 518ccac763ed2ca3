import { Card } from "@codegouvfr/react-dsfr/Card";

import { useMoi } from "../auth/AuthContext";
import { Titre } from "../components/Titre";
import { ROLES, TYPES_ORGANISATION } from "../lib/libelles";
import { navigationPour } from "../navigation";
import { SECTIONS } from "./tableauDeBord/sections";

export default function TableauDeBord() {
  const moi = useMoi();
  const type = moi.organisation.type;
  const raccourcis = navigationPour(moi.capacites).flatMap((e) => (e.sousMenu?.length ? e.sousMenu : [e]));
  if (moi.capacites.ouvrir_menage) {
    raccourcis.splice(1, 0, {
      libelle: "Nouveau ménage",
      chemin: "/menages/nouveau",
      description: "Ouvrir le dossier d'un ménage.",
      capacite: "ouvrir_menage",
    });
  }
  const sections = SECTIONS.filter((s) => moi.capacites[s.capacite] && !s.sauf?.some((c) => moi.capacites[c]));

  return (
    <>
      <Titre>Tableau de bord</Titre>
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        <div className="fr-col-12 fr-col-md-6">
          <section className="fr-p-3w fr-background-alt--grey" aria-labelledby="qui-suis-je">
            <h2 id="qui-suis-je" className="fr-h5">
              Mon compte
            </h2>
            <p className="fr-mb-1w">
              <strong>{moi.nom}</strong>
            </p>
            {moi.email && <p className="fr-mb-1w">{moi.email}</p>}
            <p className="fr-mb-0">Rôle : {ROLES[moi.role]}</p>
          </section>
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <section className="fr-p-3w fr-background-alt--grey" aria-labelledby="mon-organisation">
            <h2 id="mon-organisation" className="fr-h5">
              Mon organisation
            </h2>
            <p className="fr-mb-1w">
              <strong>{moi.organisation.nom}</strong>
            </p>
            <p className="fr-mb-0">{TYPES_ORGANISATION[type]}</p>
          </section>
        </div>
      </div>

      {sections.map(({ titre, Composant }) => (
        <section key={titre} className="fr-mb-4w" aria-label={titre}>
          <h2 className="fr-h4">{titre}</h2>
          <Composant />
        </section>
      ))}

      <section aria-labelledby="raccourcis">
        <h2 id="raccourcis" className="fr-h4">
          Raccourcis
        </h2>
        {raccourcis.length === 0 ? (
          <p>Aucun écran n'est encore ouvert à votre type d'organisation.</p>
        ) : (
          <div className="fr-grid-row fr-grid-row--gutters">
            {raccourcis.map((r) => (
              <div key={r.chemin} className="fr-col-12 fr-col-md-4">
                <Card title={r.libelle} desc={r.description} linkProps={{ to: r.chemin }} enlargeLink size="small" titleAs="h3" />
              </div>
            ))}
          </div>
        )}
      </section>
    </>
  );
}

import { Button } from "@codegouvfr/react-dsfr/Button";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useMoi } from "../../auth/AuthContext";
import { BarreRecherche } from "../../components/BarreRecherche";
import { NomCommune } from "../../components/ChampCommune";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, formatDateHeure } from "../../lib/dates";
import { COMPOSITIONS } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";

const PAR_PAGE = 20;

export default function MenagesListe() {
  const moi = useMoi();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [saisie, setSaisie] = useState(q);
  // A search from the header changes the URL while this page is open.
  useEffect(() => setSaisie(q), [q]);

  const { donnees, erreur, chargement } = useRequete(
    () => api.GET("/api/v1/menages", { params: { query: { q: q || undefined, limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE } } }),
    [q, page],
  );

  const rechercher = (e: FormEvent) => {
    e.preventDefault();
    const suivants = new URLSearchParams();
    if (saisie.trim()) suivants.set("q", saisie.trim());
    setParams(suivants);
  };

  const lienPage = (n: number) => {
    const p = new URLSearchParams(params);
    p.set("page", String(n));
    return { to: `?${p.toString()}` };
  };

  const pages = donnees ? Math.max(1, Math.ceil(donnees.total / PAR_PAGE)) : 1;

  return (
    <>
      <div className="fr-grid-row fr-grid-row--middle fr-mb-2w" style={{ justifyContent: "space-between" }}>
        <Titre>Ménages</Titre>
        {moi.capacites.ouvrir_menage && (
          <Button linkProps={{ to: "/menages/nouveau" }} iconId="fr-icon-add-line">
            Nouveau ménage
          </Button>
        )}
      </div>

      <BarreRecherche
        nom="q"
        libelle="Rechercher un ménage"
        aide="Nom, prénom ou référence (M-2026-000123), sans se soucier des accents"
        saisie={saisie}
        setSaisie={setSaisie}
        rechercher={rechercher}
      />

      {chargement && <Chargement libelle="Recherche des ménages…" />}
      {erreur && <ErreurChargement message={erreur} />}
      {donnees && !chargement && (
        <>
          <p role="status" aria-live="polite">
            {donnees.total === 0
              ? q
                ? `Aucun ménage ne correspond à « ${q} ».`
                : "Aucun dossier ménage visible pour votre organisation."
              : `${donnees.total} ménage${donnees.total > 1 ? "s" : ""}${q ? ` pour « ${q} »` : ""}`}
          </p>
          {donnees.items.length > 0 && (
            <Table
              caption="Ménages"
              noCaption
              fixed
              headers={["Référence", "Demandeur", "Date de naissance", "Composition", "Commune (INSEE)", "Modifié le"]}
              data={donnees.items.map((m) => [
                <Link key={m.id} to={`/menages/${m.id}`} className="fr-link">
                  {m.reference}
                </Link>,
                `${m.demandeur_nom.toUpperCase()} ${m.demandeur_prenom}`,
                formatDate(m.demandeur_date_naissance),
                COMPOSITIONS[m.composition],
                <NomCommune key="commune" code={m.commune_insee} />,
                formatDateHeure(m.modifie_le),
              ])}
            />
          )}
          {pages > 1 && <Pagination count={pages} defaultPage={page} getPageLinkProps={lienPage} showFirstLast className="fr-mt-2w" />}
        </>
      )}
    </>
  );
}

import { Button } from "@codegouvfr/react-dsfr/Button";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api } from "../../api/client";
import type { StatutOrientation } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { BarreRecherche } from "../../components/BarreRecherche";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { options, ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";

const PAR_PAGE = 20;

function estStatut(valeur: string | null): valeur is StatutOrientation {
  return valeur !== null && valeur in STATUTS_ORIENTATION;
}

export default function OrientationsListe() {
  const moi = useMoi();
  const [params, setParams] = useSearchParams();
  const brut = params.get("statut");
  const statut = estStatut(brut) ? brut : undefined;
  const page = Math.max(1, Number(params.get("page")) || 1);
  const q = params.get("q")?.trim() || undefined;
  const [saisie, setSaisie] = useState(q ?? "");
  useEffect(() => setSaisie(q ?? ""), [q]);
  // Admin sees referrals without their household (no access to ménages by default).
  const lienMenage = moi.capacites.lire_menages;

  const { donnees, erreur, chargement } = useRequete(
    // « q »: a reference, or a name of the household as this organisation reads it (what it
    // sent, what was submitted to it, or the live file of the household it carries).
    () => api.GET("/api/v1/orientations", { params: { query: { statut, q, limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE } } }),
    [statut, q, page],
  );

  /** A new filter starts again at page 1. */
  const filtrer = (cle: string, valeur: string | null) => {
    const suivants = new URLSearchParams(params);
    if (valeur) suivants.set(cle, valeur);
    else suivants.delete(cle);
    suivants.delete("page");
    setParams(suivants);
  };

  const rechercher = (e: FormEvent) => {
    e.preventDefault();
    filtrer("q", saisie.trim() || null);
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
        <div>
          <Titre>Orientations</Titre>
        </div>
        {moi.capacites.orienter && (
          <Button linkProps={{ to: "/orientations/nouvelle" }} iconId="fr-icon-add-line">
            Nouvelle orientation
          </Button>
        )}
      </div>
      <div className="fr-grid-row fr-mb-2w">
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Statut"
            nativeSelectProps={{ name: "statut", value: statut ?? "", onChange: (e) => filtrer("statut", e.target.value || null) }}
          >
            <option value="">Tous les statuts</option>
            {options(STATUTS_ORIENTATION).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <BarreRecherche
        nom="q"
        aide="Nom d'une personne du ménage (vallee), référence de l'orientation (O-2026-000042) ou du ménage (M-2026-000123), ou une partie"
        saisie={saisie}
        setSaisie={setSaisie}
        rechercher={rechercher}
      />

      {chargement && <Chargement libelle="Chargement des orientations…" />}
      {erreur && <ErreurChargement message={erreur} />}
      {donnees && !chargement && (
        <>
          <p role="status" aria-live="polite">
            {donnees.total === 0
              ? q
                ? `Aucune orientation ne correspond à « ${q} »${statut ? ` au statut « ${STATUTS_ORIENTATION[statut]} »` : ""}.`
                : statut
                  ? `Aucune orientation au statut « ${STATUTS_ORIENTATION[statut]} ».`
                  : "Aucune orientation visible pour votre organisation."
              : `${donnees.total} orientation${donnees.total > 1 ? "s" : ""}${statut ? ` au statut « ${STATUTS_ORIENTATION[statut]} »` : ""}${q ? ` pour « ${q} »` : ""}`}
          </p>
          {donnees.items.length > 0 && (
            <Table
              caption="Orientations"
              noCaption
              fixed
              headers={["Référence", "Statut", "Origine", "Reçue le", "Cible", "Décision le", "Ménage"]}
              data={donnees.items.map((o) => [
                <Link key="ref" to={`/orientations/${o.id}`} className="fr-link">
                  {o.reference}
                </Link>,
                STATUTS_ORIENTATION[o.statut],
                ORIGINES_ORIENTATION[o.origine],
                formatDate(o.date_reception),
                o.cible_libelle ?? "—",
                formatDate(o.date_decision),
                lienMenage && o.menage_id ? (
                  <Link key="menage" to={`/menages/${o.menage_id}`} className="fr-link">
                    {o.demandeur ?? "Ouvrir le dossier"}
                  </Link>
                ) : (
                  (o.demandeur ?? "—")
                ),
              ])}
            />
          )}
          {pages > 1 && <Pagination count={pages} defaultPage={page} getPageLinkProps={lienPage} showFirstLast className="fr-mt-2w" />}
        </>
      )}
    </>
  );
}

import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api } from "../../api/client";
import type { MesureResume } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { BarreRecherche } from "../../components/BarreRecherche";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { options, STATUTS_MESURE } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { BadgeStatut } from "./BadgeStatut";
import { filtresDepuis } from "./mesure";

const PAR_PAGE = 20;

export default function MesuresListe() {
  const moi = useMoi();
  const [params, setParams] = useSearchParams();
  const filtres = filtresDepuis(params, moi.id);
  const [saisie, setSaisie] = useState(filtres.reference ?? "");
  const association = moi.organisation.type === "association";
  // « Mes mesures » only means something to a person of the association (the référent).
  const choixMes = association && moi.type === "utilisateur";

  useEffect(() => setSaisie(filtres.reference ?? ""), [filtres.reference]);

  const { donnees, erreur, chargement } = useRequete(
    () =>
      api.GET("/api/v1/mesures", {
        params: {
          query: {
            statut: filtres.statut,
            dispositif_id: filtres.dispositif_id,
            referent_id: filtres.referent_id,
            // « q »: a reference, or a name among the mesures the association carries.
            q: filtres.reference,
            limit: PAR_PAGE,
            offset: (filtres.page - 1) * PAR_PAGE,
          },
        },
      }),
    [filtres.statut, filtres.dispositif_id, filtres.referent_id, filtres.reference, filtres.page],
  );
  const dispositifs = useRequete(() => api.GET("/api/v1/dispositifs", { params: { query: { limit: 100 } } }), []);
  const collegues = useRequete(
    () =>
      association
        ? api.GET("/api/v1/utilisateurs", { params: { query: { organisation_id: moi.organisation.id, limit: 100 } } })
        : Promise.resolve({ data: undefined, error: undefined, response: new Response() }),
    [association, moi.organisation.id],
  );

  const listeDispositifs = dispositifs.donnees?.items ?? [];
  const nomDispositif = (id: string) => listeDispositifs.find((d) => d.id === id)?.nom ?? "…";
  const libelleCible = (dispositifId: string, code: string) =>
    listeDispositifs.find((d) => d.id === dispositifId)?.cibles.find((c) => c.code === code)?.libelle ?? code;
  const nomReferent = (id: string | null | undefined) => {
    if (!id) return "Aucun";
    if (id === moi.id) return "Vous";
    const u = collegues.donnees?.items.find((x) => x.id === id);
    return u ? `${u.prenom} ${u.nom}` : association ? "…" : "Désigné";
  };

  /** A new filter starts again at page 1. */
  const filtrer = (cle: string, valeur: string | null) => {
    const p = new URLSearchParams(params);
    if (valeur) p.set(cle, valeur);
    else p.delete(cle);
    p.delete("page");
    setParams(p);
  };

  const rechercher = (e: FormEvent) => {
    e.preventDefault();
    filtrer("reference", saisie.trim() || null);
  };

  const lienPage = (n: number) => {
    const p = new URLSearchParams(params);
    p.set("page", String(n));
    return { to: `?${p.toString()}` };
  };

  const pages = donnees ? Math.max(1, Math.ceil(donnees.total / PAR_PAGE)) : 1;
  const mesures = (donnees?.items ?? []).filter((m): m is MesureResume => m.vue === "complete");
  const filtre = Boolean(filtres.statut || filtres.dispositif_id || filtres.referent_id || filtres.reference);

  return (
    <>
      <Titre>Mesures</Titre>
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-2w">
        <div className="fr-col-12 fr-col-md-3">
          <Select label="Statut" nativeSelectProps={{ name: "statut", value: filtres.statut ?? "", onChange: (e) => filtrer("statut", e.target.value) }}>
            <option value="">Tous les statuts</option>
            {options(STATUTS_MESURE).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Dispositif"
            nativeSelectProps={{ name: "dispositif", value: filtres.dispositif_id ?? "", onChange: (e) => filtrer("dispositif", e.target.value) }}
          >
            <option value="">Tous les dispositifs</option>
            {listeDispositifs.map((d) => (
              <option key={d.id} value={d.id}>
                {d.nom}
              </option>
            ))}
          </Select>
        </div>
        {choixMes && (
          <div className="fr-col-12 fr-col-md-5">
            <Checkbox
              options={[
                {
                  label: "Seulement mes mesures",
                  hintText: "Celles dont je suis référent(e)",
                  nativeInputProps: { name: "mes", checked: Boolean(filtres.referent_id), onChange: (e) => filtrer("mes", e.target.checked ? "1" : null) },
                },
              ]}
            />
          </div>
        )}
      </div>
      <BarreRecherche
        nom="reference"
        aide="Nom d'une personne du ménage (vallee), référence de la mesure (S-2026-000042) ou du ménage (M-2026-000123), ou une partie"
        saisie={saisie}
        setSaisie={setSaisie}
        rechercher={rechercher}
      />

      {chargement && <Chargement libelle="Chargement des mesures…" />}
      {erreur && <ErreurChargement message={erreur} />}
      {donnees && !chargement && (
        <>
          <p role="status" aria-live="polite">
            {donnees.total === 0
              ? filtre
                ? "Aucune mesure ne correspond à ces critères."
                : "Aucune mesure visible pour votre organisation."
              : // Past a cap the API counts no further (total_exact false): say "plus de".
                `${donnees.total_exact === false ? "Plus de " : ""}${donnees.total.toLocaleString("fr-FR")} mesure${donnees.total > 1 ? "s" : ""}${filtre ? " correspondant aux critères" : ""}`}
          </p>
          {mesures.length > 0 && (
            <Table
              caption="Mesures"
              noCaption
              headers={["Mesure", "Ménage", "Statut", "Dispositif", "Cible", "Référent", "Mandatée le", "Début", "Fin prévue"]}
              data={mesures.map((m) => [
                <Link key="mesure" to={`/mesures/${m.id}`} className="fr-link">
                  {m.reference}
                </Link>,
                <span key="menage">
                  <Link to={`/menages/${m.menage_id}`} className="fr-link">
                    {m.demandeur ?? m.menage_reference}
                  </Link>
                  {m.demandeur && <span className="fr-text--xs fr-mb-0 ancrage-reference">{m.menage_reference}</span>}
                </span>,
                <BadgeStatut key="statut" statut={m.statut} />,
                nomDispositif(m.dispositif_id),
                libelleCible(m.dispositif_id, m.cible_code),
                nomReferent(m.referent_id),
                formatDate(m.date_mandatement),
                formatDate(m.date_debut),
                m.statut === "terminee" ? `Terminée le ${formatDate(m.date_fin)}` : formatDate(m.date_fin_prevue),
              ])}
            />
          )}
          {pages > 1 && <Pagination count={pages} defaultPage={filtres.page} getPageLinkProps={lienPage} showFirstLast className="fr-mt-2w" />}
        </>
      )}
    </>
  );
}

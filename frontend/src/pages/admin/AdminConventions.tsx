import { Button } from "@codegouvfr/react-dsfr/Button";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { keepPreviousData } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { $api, echecLecture } from "../../api/requetes";
import type { ConventionPublic } from "../../api/types";
import { NomCommune } from "../../components/ChampCommune";
import { Chargement } from "../../components/Chargement";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, formatEuros } from "../../lib/dates";
import {
  clesConvention,
  conventionVide,
  depuisConvention,
  erreursCommunesSurLignes,
  financeurVide,
  totalParts,
  versConventionCreate,
  versConventionUpdate,
  type ConventionForm,
} from "./formulaires";
import { ListeCommunes } from "./ListeCommunes";
import { useOrganisations } from "./organisations";

const PAR_PAGE = 20;
const nombreFr = (n: number | null | undefined) => (n === null || n === undefined ? "—" : new Intl.NumberFormat("fr-FR").format(n));
const pourcentFr = (n: number) => `${new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 }).format(n)} %`;

export default function AdminConventions() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const filtre = params.get("dispositif") ?? "";
  const orgs = useOrganisations();
  const nomOrg = (id: string) => orgs.find((o) => o.id === id)?.nom ?? "…";
  // Dispositifs are few (a department has a handful): one page of 100 fills the choices.
  const d = $api.useQuery("get", "/api/v1/dispositifs", { params: { query: { limit: 100 } } });
  const dispositifs = { donnees: d.data };
  const nomDispositif = (id: string) => dispositifs.donnees?.items.find((x) => x.id === id)?.nom ?? "…";
  const lu = $api.useQuery(
    "get",
    "/api/v1/conventions",
    { params: { query: { limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE, dispositif_id: filtre || undefined } } },
    { placeholderData: keepPreviousData },
  );
  const liste = { donnees: lu.data, chargement: lu.isPending, erreur: echecLecture(lu.error)?.message };
  const [saisie, setSaisie] = useState<ConventionForm>(() => conventionVide(filtre));
  const { envoyer, envoi, erreurs, echec, effacer } = useEnvoi();
  const [succes, setSucces] = useState<string | null>(null);
  const maj = <K extends keyof ConventionForm>(cle: K) => (v: ConventionForm[K]) => setSaisie((s) => ({ ...s, [cle]: v }));

  const reinitialiser = (f: ConventionForm) => {
    setSaisie(f);
    effacer();
  };

  const editer = (c: ConventionPublic) => {
    reinitialiser(depuisConvention(c));
    setSucces(null);
    document.getElementById("formulaire-convention")?.scrollIntoView();
  };

  const soumettre = async (e: FormEvent) => {
    e.preventDefault();
    setSucces(null);
    const fait = await envoyer(
      () =>
        saisie.id
          ? api.PATCH("/api/v1/conventions/{convention_id}", { params: { path: { convention_id: saisie.id } }, body: versConventionUpdate(saisie) })
          : api.POST("/api/v1/conventions", { body: versConventionCreate(saisie) }),
      // An error on a commune goes under its line of the list.
      { clesAffichees: clesConvention(saisie), adapterErreurs: (brutes) => erreursCommunesSurLignes(brutes, saisie.communes) },
    );
    if (!fait) return;
    const c = fait.donnees;
    setSucces(`Convention de ${nomOrg(c.association_id)} pour « ${nomDispositif(c.dispositif_id)} » ${saisie.id ? "enregistrée" : "créée"}.`);
    setSaisie(conventionVide(filtre));
    void lu.refetch();
  };

  const pages = liste.donnees ? Math.max(1, Math.ceil(liste.donnees.total / PAR_PAGE)) : 1;
  const optionsDispositifs = (dispositifs.donnees?.items ?? []).map((d) => ({ value: d.id, label: d.nom }));
  const associations = orgs.filter((o) => o.type === "association").map((o) => ({ value: o.id, label: o.nom }));
  const financeurs = orgs.filter((o) => o.type === "financeur").map((o) => ({ value: o.id, label: o.nom }));
  const total = totalParts(saisie.financeurs);
  const majFinanceur = (i: number, champ: "financeur_id" | "part") => (v: string) =>
    setSaisie((s) => ({ ...s, financeurs: s.financeurs.map((f, j) => (j === i ? { ...f, [champ]: v } : f)) }));

  return (
    <>
      <Titre sousTitre="Le financement d'une association pour un dispositif : période, objectifs, budget, financeurs et leurs parts, communes couvertes.">
        Conventions
      </Titre>
      <ChampListe className="fr-mb-3w" cle="filtre_dispositif" label="Dispositif" erreurs={{}} vide="Tous les dispositifs"
        valeur={filtre} options={optionsDispositifs}
        onChange={(v) => {
          setParams(v ? { dispositif: v } : {});
          if (!saisie.id) setSaisie((s) => ({ ...s, dispositif_id: v }));
        }} />
      {liste.chargement && !liste.donnees && <Chargement />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {liste.donnees && (
        <>
          <p>{liste.donnees.total === 0 ? "Aucune convention." : `${liste.donnees.total} convention(s)`}</p>
          {liste.donnees.items.length > 0 && (
            <Table
              caption="Conventions"
              noCaption
              headers={["Dispositif", "Association", "Période", "Objectif (ménages)", "Mois-mesures", "Budget", "Financeurs", "Communes", "Action"]}
              data={liste.donnees.items.map((c) => [
                nomDispositif(c.dispositif_id),
                nomOrg(c.association_id),
                `${formatDate(c.date_debut)} → ${formatDate(c.date_fin)}`,
                nombreFr(c.objectif_menages),
                nombreFr(c.mois_mesures_finances),
                formatEuros(c.budget_euros),
                c.financeurs.map((f) => `${nomOrg(f.financeur_id)} (${pourcentFr(f.part)})`).join(", "),
                <span key="communes">
                  {c.communes.slice(0, 3).map((code, i) => (
                    <span key={code}>
                      {i > 0 ? ", " : ""}
                      <NomCommune code={code} />
                    </span>
                  ))}
                  {c.communes.length > 3 ? ` et ${c.communes.length - 3} autre(s)` : ""}
                </span>,
                <Button key={c.id} size="small" priority="tertiary" onClick={() => editer(c)}
                  title={`Modifier la convention de ${nomOrg(c.association_id)}`}>
                  Modifier
                </Button>,
              ])}
            />
          )}
          {pages > 1 && (
            <Pagination count={pages} defaultPage={page}
              getPageLinkProps={(n) => ({ to: `?${new URLSearchParams({ ...(filtre ? { dispositif: filtre } : {}), page: String(n) })}` })} />
          )}
        </>
      )}

      <section id="formulaire-convention" className="fr-mt-6w" aria-labelledby="titre-form-convention">
        <h2 id="titre-form-convention" className="fr-h4">
          {saisie.id ? `Modifier la convention de ${nomOrg(saisie.association_id)}` : "Nouvelle convention"}
        </h2>
        {succes && (
          <p role="status" className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">
            {succes}
          </p>
        )}
        {echec && <ResumeErreurs titre="Enregistrement impossible" message={echec.message} orphelines={echec.orphelines} />}
        <form onSubmit={soumettre} noValidate>
          <div className="fr-grid-row fr-grid-row--gutters">
            {saisie.id ? (
              <div className="fr-col-12">
                <p>
                  Dispositif <strong>{nomDispositif(saisie.dispositif_id)}</strong> — association <strong>{nomOrg(saisie.association_id)}</strong>{" "}
                  (non modifiables)
                </p>
              </div>
            ) : (
              <>
                <ChampListe className="fr-col-12 fr-col-md-6" cle="dispositif_id" label="Dispositif" erreurs={erreurs}
                  vide="Choisir un dispositif" valeur={saisie.dispositif_id} onChange={maj("dispositif_id")} options={optionsDispositifs} />
                <ChampListe className="fr-col-12 fr-col-md-6" cle="association_id" label="Association" erreurs={erreurs}
                  vide="Choisir une association" valeur={saisie.association_id} onChange={maj("association_id")} options={associations} />
              </>
            )}
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="date_debut" label="Début" type="date" erreurs={erreurs}
              valeur={saisie.date_debut} onChange={maj("date_debut")} />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="date_fin" label="Fin" type="date" erreurs={erreurs}
              valeur={saisie.date_fin} onChange={maj("date_fin")} />
            <ChampTexte className="fr-col-12 fr-col-md-4" cle="objectif_menages" label="Objectif (ménages)"
              hint="Accompagnés en même temps" erreurs={erreurs} inputMode="numeric" valeur={saisie.objectif_menages} onChange={maj("objectif_menages")} />
            <ChampTexte className="fr-col-12 fr-col-md-4" cle="mois_mesures_finances" label="Mois-mesures financés"
              hint="Facultatif" erreurs={erreurs} inputMode="numeric" valeur={saisie.mois_mesures_finances} onChange={maj("mois_mesures_finances")} />
            <ChampTexte className="fr-col-12 fr-col-md-4" cle="budget_euros" label="Budget (€)" hint="Facultatif" erreurs={erreurs}
              inputMode="numeric" valeur={saisie.budget_euros} onChange={maj("budget_euros")} />
          </div>
          <fieldset className="fr-fieldset" aria-labelledby="legende-financeurs">
            <legend id="legende-financeurs" className="fr-fieldset__legend fr-h5">
              Financeurs et parts
              <span className="fr-hint-text">
                Chaque financeur une fois, sa part en % (deux décimales au plus, ex. 33,33) ; la somme fait 100 %.
                {saisie.id ? "" : " Sans financeur nommé : le financeur du dispositif, à 100 %."}
              </span>
            </legend>
            <div className="fr-fieldset__element">
              {erreurs["financeurs"] && (
                <p className="fr-error-text fr-mb-2w" role="alert">
                  {erreurs["financeurs"]}
                </p>
              )}
              {saisie.financeurs.map((f, i) => (
                <div key={f.cle} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom" role="group" aria-label={`Financeur ${i + 1}`}>
                  <ChampListe className="fr-col-12 fr-col-md-6" cle={`financeurs.${i}.financeur_id`} label={`Financeur ${i + 1}`}
                    erreurs={erreurs} vide="Choisir un financeur" valeur={f.financeur_id} onChange={majFinanceur(i, "financeur_id")} options={financeurs} />
                  <ChampTexte className="fr-col-8 fr-col-md-3" cle={`financeurs.${i}.part`} label="Part (%)" erreurs={erreurs}
                    inputMode="decimal" valeur={f.part} onChange={majFinanceur(i, "part")} />
                  <div className="fr-col-4 fr-col-md-3">
                    <Button type="button" priority="tertiary no outline" size="small" iconId="fr-icon-delete-line"
                      onClick={() => setSaisie((s) => ({ ...s, financeurs: s.financeurs.filter((_, j) => j !== i) }))}>
                      Retirer<span className="fr-sr-only"> le financeur {i + 1}</span>
                    </Button>
                  </div>
                </div>
              ))}
              <p className="fr-mt-1w" aria-live="polite">
                {saisie.financeurs.length === 0
                  ? "Aucun financeur nommé."
                  : total === null
                    ? "Total : une part n'est pas un nombre."
                    : `Total : ${pourcentFr(total)}${total === 100 ? "" : " (la somme doit faire 100 %)"}`}
              </p>
              <Button type="button" priority="secondary" size="small" iconId="fr-icon-add-line"
                onClick={() => setSaisie((s) => ({ ...s, financeurs: [...s.financeurs, financeurVide()] }))}>
                Ajouter un financeur
              </Button>
            </div>
          </fieldset>
          <ListeCommunes communes={saisie.communes} onChange={maj("communes")} erreurs={erreurs} requis />
          <div className="ancrage-pied-formulaire">
            <Button type="submit" disabled={envoi}>
              {saisie.id ? "Enregistrer" : "Créer la convention"}
            </Button>
            {saisie.id && (
              <Button type="button" priority="tertiary" onClick={() => reinitialiser(conventionVide(filtre))}>
                Annuler
              </Button>
            )}
          </div>
        </form>
      </section>
    </>
  );
}

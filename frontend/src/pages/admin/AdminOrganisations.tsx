import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { keepPreviousData } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { $api, echecLecture } from "../../api/requetes";
import type { OrganisationPublic, TypeOrganisation } from "../../api/types";
import { ChampCommune, NomCommune } from "../../components/ChampCommune";
import { Chargement } from "../../components/Chargement";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { options, TYPES_ORGANISATION } from "../../lib/libelles";

const PAR_PAGE = 20;
const CHAMPS = ["nom", "type", "siret", "commune_insee", "actif", "proconnect_autorise"];

interface Saisie {
  id?: string;
  nom: string;
  type: TypeOrganisation | "";
  siret: string;
  commune_insee: string;
  actif: boolean;
  proconnect_autorise: boolean;
}

const VIDE: Saisie = { nom: "", type: "", siret: "", commune_insee: "", actif: true, proconnect_autorise: false };
const ouNull = (v: string) => (v.trim() === "" ? null : v.trim());

export default function AdminOrganisations() {
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const lu = $api.useQuery("get", "/api/v1/organisations", { params: { query: { limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE } } }, {
    placeholderData: keepPreviousData,
  });
  const liste = { donnees: lu.data, chargement: lu.isPending, erreur: echecLecture(lu.error)?.message };
  const [saisie, setSaisie] = useState<Saisie>(VIDE);
  const { envoyer, envoi, erreurs, echec, effacer } = useEnvoi({ clesAffichees: CHAMPS });
  const [succes, setSucces] = useState<string | null>(null);

  const editer = (o: OrganisationPublic) => {
    setSaisie({ id: o.id, nom: o.nom, type: o.type, siret: o.siret ?? "", commune_insee: o.commune_insee ?? "", actif: o.actif, proconnect_autorise: o.proconnect_autorise ?? false });
    effacer();
    setSucces(null);
    document.getElementById("formulaire-organisation")?.scrollIntoView();
  };

  const soumettre = async (e: FormEvent) => {
    e.preventDefault();
    setSucces(null);
    const corps = { nom: saisie.nom.trim(), siret: ouNull(saisie.siret), commune_insee: ouNull(saisie.commune_insee) };
    const fait = await envoyer(() =>
      saisie.id
        ? api.PATCH("/api/v1/organisations/{organisation_id}", {
            params: { path: { organisation_id: saisie.id } },
            body: { ...corps, actif: saisie.actif, proconnect_autorise: saisie.proconnect_autorise },
          })
        : api.POST("/api/v1/organisations", { body: { ...corps, type: saisie.type as TypeOrganisation } }),
    );
    if (!fait) return;
    setSucces(`Organisation « ${fait.donnees.nom} » ${saisie.id ? "modifiée" : "créée"}.`);
    setSaisie(VIDE);
    void lu.refetch();
  };

  const pages = liste.donnees ? Math.max(1, Math.ceil(liste.donnees.total / PAR_PAGE)) : 1;

  return (
    <>
      <Titre>Organisations</Titre>
      {liste.chargement && !liste.donnees && <Chargement />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {liste.donnees && (
        <>
          <p>{liste.donnees.total} organisation(s)</p>
          <Table
            caption="Organisations"
            noCaption
            headers={["Nom", "Type", "SIRET", "Commune (INSEE)", "État", "ProConnect", "Action"]}
            data={liste.donnees.items.map((o) => [
              o.nom,
              TYPES_ORGANISATION[o.type],
              o.siret ?? "—",
              <NomCommune key="commune" code={o.commune_insee} />,
              o.actif ? <Badge severity="success" small>Active</Badge> : <Badge small>Inactive</Badge>,
              o.proconnect_autorise ? "Autorisé" : "—",
              <Button key={o.id} size="small" priority="tertiary" onClick={() => editer(o)} title={`Modifier ${o.nom}`}>
                Modifier
              </Button>,
            ])}
          />
          {pages > 1 && <Pagination count={pages} defaultPage={page} getPageLinkProps={(n) => ({ to: `?page=${n}` })} />}
        </>
      )}

      <section id="formulaire-organisation" className="fr-mt-6w" aria-labelledby="titre-form-org">
        <h2 id="titre-form-org" className="fr-h4">
          {saisie.id ? `Modifier « ${saisie.nom} »` : "Nouvelle organisation"}
        </h2>
        {succes && (
          <p role="status" className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">
            {succes}
          </p>
        )}
        {echec && <ResumeErreurs titre="Enregistrement impossible" message={echec.message} orphelines={echec.orphelines} />}
        <form onSubmit={soumettre} noValidate>
          <div className="fr-grid-row fr-grid-row--gutters">
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="nom" label="Nom" erreurs={erreurs} valeur={saisie.nom}
              onChange={(v) => setSaisie((s) => ({ ...s, nom: v }))} required />
            {saisie.id ? (
              <div className="fr-col-12 fr-col-md-6">
                <p className="fr-mb-1w">Type</p>
                <p>
                  <strong>{saisie.type ? TYPES_ORGANISATION[saisie.type] : ""}</strong> (non modifiable)
                </p>
              </div>
            ) : (
              <ChampListe className="fr-col-12 fr-col-md-6" cle="type" label="Type" erreurs={erreurs} vide="Choisir un type"
                valeur={saisie.type} onChange={(v) => setSaisie((s) => ({ ...s, type: v }))} options={options(TYPES_ORGANISATION)} required />
            )}
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="siret" label="SIRET" hint="14 chiffres" erreurs={erreurs}
              valeur={saisie.siret} onChange={(v) => setSaisie((s) => ({ ...s, siret: v }))} inputMode="numeric" />
            <ChampCommune className="fr-col-12 fr-col-md-6" cle="commune_insee" label="Commune du siège"
              erreurs={erreurs} valeur={saisie.commune_insee}
              onChange={(v) => setSaisie((s) => ({ ...s, commune_insee: v }))} />
          </div>
          {saisie.id && (
            <Checkbox
              options={[
                {
                  label: "Organisation active",
                  hintText: "Une organisation inactive n'apparaît plus dans les choix",
                  nativeInputProps: { checked: saisie.actif, onChange: (e) => setSaisie((s) => ({ ...s, actif: e.target.checked })) },
                },
                {
                  label: "Connexion avec ProConnect autorisée",
                  hintText: "Ses comptes existants peuvent se connecter avec ProConnect (même adresse de courriel) ; aucun compte n'est créé",
                  nativeInputProps: {
                    checked: saisie.proconnect_autorise,
                    onChange: (e) => setSaisie((s) => ({ ...s, proconnect_autorise: e.target.checked })),
                  },
                },
              ]}
            />
          )}
          <div className="ancrage-pied-formulaire">
            <Button type="submit" disabled={envoi}>
              {saisie.id ? "Enregistrer" : "Créer l'organisation"}
            </Button>
            {saisie.id && (
              <Button type="button" priority="tertiary" onClick={() => setSaisie(VIDE)}>
                Annuler
              </Button>
            )}
          </div>
        </form>
      </section>
    </>
  );
}

import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { keepPreviousData } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useMoi } from "../../auth/AuthContext";
import { useEnvoi } from "../../api/formulaire";
import { messageErreur, type ProblemDetails } from "../../api/problem";
import { $api, echecLecture } from "../../api/requetes";
import type { RoleUtilisateur, UtilisateurPublic } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDateHeure } from "../../lib/dates";
import { options, ROLES, TYPES_ORGANISATION } from "../../lib/libelles";
import { useOrganisations } from "./organisations";

const PAR_PAGE = 20;
const CHAMPS = ["email", "nom", "prenom", "organisation_id", "role", "mot_de_passe"];
const ROLES_UTILISATEUR = { agent: ROLES.agent, responsable: ROLES.responsable } satisfies Record<RoleUtilisateur, string>;

// How an account may sign in (a password always; ProConnect when its organisation is allowed).
const METHODES = { mot_de_passe: "Mot de passe", proconnect: "ProConnect" } satisfies Record<
  NonNullable<UtilisateurPublic["connexion"]>[number],
  string
>;
const VIDE = { email: "", prenom: "", nom: "", organisation_id: "", role: "agent" as RoleUtilisateur, mot_de_passe: "" };

/**
 * Accounts: every organisation's for the admin (/admin/utilisateurs); for a
 * partner's responsable, those of their own organisation (/comptes), which
 * the API alone decides (a responsable creates in their organisation).
 */
export default function AdminUtilisateurs() {
  const moi = useMoi();
  const admin = moi.organisation.type === "admin";
  const gestionnaire = admin || moi.role === "responsable";
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const filtre = admin ? (params.get("organisation") ?? "") : "";
  const orgsToutes = useOrganisations();
  const orgs = admin ? orgsToutes : [];
  const nomOrg = (id: string) => (id === moi.organisation.id ? moi.organisation.nom : (orgs.find((o) => o.id === id)?.nom ?? "…"));
  const lu = $api.useQuery(
    "get",
    "/api/v1/utilisateurs",
    { params: { query: { limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE, organisation_id: filtre || undefined } } },
    { placeholderData: keepPreviousData },
  );
  const liste = { donnees: lu.data, chargement: lu.isPending, erreur: echecLecture(lu.error)?.message };
  const [saisie, setSaisie] = useState(VIDE);
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ clesAffichees: CHAMPS });
  const [succes, setSucces] = useState<string | null>(null);
  // A row's action (deactivate, unlock) has no field: the API's sentence, above the form.
  const sansChamp = { adapterErreurs: () => ({}), messageRefus: ({ probleme, statut }: { probleme: ProblemDetails | undefined; statut: number }) => messageErreur(probleme, statut) };

  const basculer = async (u: UtilisateurPublic) => {
    setSucces(null);
    const fait = await envoyer(
      () => api.PATCH("/api/v1/utilisateurs/{utilisateur_id}", { params: { path: { utilisateur_id: u.id } }, body: { actif: !u.actif } }),
      sansChamp,
    );
    if (!fait) return;
    setSucces(`Compte de ${fait.donnees.prenom} ${fait.donnees.nom} ${fait.donnees.actif ? "réactivé" : "désactivé"}.`);
    void lu.refetch();
  };

  const deverrouiller = async (u: UtilisateurPublic) => {
    setSucces(null);
    const fait = await envoyer(() => api.POST("/api/v1/utilisateurs/{utilisateur_id}/deverrouiller", { params: { path: { utilisateur_id: u.id } } }), sansChamp);
    if (fait) setSucces(`Blocage levé : ${u.prenom} ${u.nom} peut de nouveau se connecter.`);
  };

  const creer = async (e: FormEvent) => {
    e.preventDefault();
    setSucces(null);
    const fait = await envoyer(() =>
      api.POST("/api/v1/utilisateurs", {
        body: {
          email: saisie.email.trim(),
          prenom: saisie.prenom.trim(),
          nom: saisie.nom.trim(),
          // A responsable creates in their own organisation (the API fills it in).
          organisation_id: admin ? saisie.organisation_id || null : null,
          role: saisie.role,
          mot_de_passe: saisie.mot_de_passe,
        },
      }),
    );
    if (!fait) return;
    setSucces(`Compte créé pour ${fait.donnees.prenom} ${fait.donnees.nom} (${fait.donnees.email}).`);
    setSaisie(VIDE);
    void lu.refetch();
  };

  const pages = liste.donnees ? Math.max(1, Math.ceil(liste.donnees.total / PAR_PAGE)) : 1;
  const optionsOrgs = orgs.map((o) => ({ value: o.id, label: `${o.nom} (${TYPES_ORGANISATION[o.type]})` }));

  return (
    <>
      {admin ? (
        <>
          <Titre>Utilisateurs</Titre>
          <ChampListe className="fr-mb-3w" cle="filtre_organisation" label="Organisation" erreurs={{}} vide="Toutes"
            valeur={filtre} options={optionsOrgs}
            onChange={(v) => setParams(v ? { organisation: v } : {})} />
        </>
      ) : (
        <Titre sousTitre={`Les personnes de ${moi.organisation.nom} qui utilisent Ancrage.`}>Comptes</Titre>
      )}
      <p className="fr-text--sm">
        Après plusieurs mots de passe erronés, un compte est bloqué un moment : « Débloquer » lève ce blocage tout de suite.
      </p>
      {succes && (
        <p role="status" className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">
          {succes}
        </p>
      )}
      {liste.chargement && !liste.donnees && <Chargement />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {liste.donnees && (
        <>
          <p>{liste.donnees.total} compte(s)</p>
          {liste.donnees.items.length > 0 && (
            <Table
              caption="Utilisateurs"
              noCaption
              headers={["Nom", "Courriel", "Organisation", "Rôle", "Connexion", "Dernière connexion", "État", "Action"]}
              data={liste.donnees.items.map((u) => [
                `${u.prenom} ${u.nom}`,
                u.email,
                nomOrg(u.organisation_id),
                ROLES[u.role],
                (u.connexion ?? []).map((m) => METHODES[m]).join(" ou "),
                formatDateHeure(u.derniere_connexion),
                u.actif ? <Badge severity="success" small>Actif</Badge> : <Badge severity="error" small>Désactivé</Badge>,
                gestionnaire ? (
                  <span key={u.id} className="ancrage-table-actions">
                    <Button size="small" priority="tertiary" onClick={() => void basculer(u)}
                      title={`${u.actif ? "Désactiver" : "Réactiver"} le compte de ${u.prenom} ${u.nom}`}>
                      {u.actif ? "Désactiver" : "Réactiver"}
                    </Button>
                    {u.actif && (
                      <Button size="small" priority="tertiary" onClick={() => void deverrouiller(u)}
                        title={`Lever le blocage de connexion de ${u.prenom} ${u.nom}`}>
                        Débloquer
                      </Button>
                    )}
                  </span>
                ) : (
                  "—"
                ),
              ])}
            />
          )}
          {pages > 1 && (
            <Pagination count={pages} defaultPage={page}
              getPageLinkProps={(n) => ({ to: `?${new URLSearchParams({ ...(filtre ? { organisation: filtre } : {}), page: String(n) })}` })} />
          )}
        </>
      )}

      <section className="fr-mt-6w" aria-labelledby="titre-nouveau-compte">
        <h2 id="titre-nouveau-compte" className="fr-h4">
          Nouveau compte
        </h2>
        {echec && <ResumeErreurs titre="Opération impossible" message={echec.message} orphelines={echec.orphelines} />}
        {!gestionnaire && <p>Seul un responsable de votre organisation crée ou désactive des comptes.</p>}
        {gestionnaire && <form onSubmit={creer} noValidate>
          <div className="fr-grid-row fr-grid-row--gutters">
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="prenom" label="Prénom" erreurs={erreurs} valeur={saisie.prenom}
              onChange={(v) => setSaisie((s) => ({ ...s, prenom: v }))} />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="nom" label="Nom" erreurs={erreurs} valeur={saisie.nom}
              onChange={(v) => setSaisie((s) => ({ ...s, nom: v }))} />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="email" label="Courriel" hint="Sert d'identifiant de connexion"
              erreurs={erreurs} type="email" valeur={saisie.email} onChange={(v) => setSaisie((s) => ({ ...s, email: v }))} autoComplete="off" />
            {admin && (
              <ChampListe className="fr-col-12 fr-col-md-6" cle="organisation_id" label="Organisation" erreurs={erreurs}
                vide="Choisir une organisation" valeur={saisie.organisation_id} options={optionsOrgs}
                onChange={(v) => setSaisie((s) => ({ ...s, organisation_id: v }))} />
            )}
            <ChampListe<RoleUtilisateur> className="fr-col-12 fr-col-md-6" cle="role" label="Rôle" erreurs={erreurs}
              valeur={saisie.role} options={options(ROLES_UTILISATEUR)}
              onChange={(v) => setSaisie((s) => ({ ...s, role: (v || "agent") as RoleUtilisateur }))} />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="mot_de_passe" label="Mot de passe initial"
              hint="12 caractères au moins ; à transmettre à la personne par un canal sûr" erreurs={erreurs} type="password"
              valeur={saisie.mot_de_passe} onChange={(v) => setSaisie((s) => ({ ...s, mot_de_passe: v }))} autoComplete="new-password" />
          </div>
          <Button type="submit" disabled={envoi}>
            Créer le compte
          </Button>
        </form>}
      </section>
    </>
  );
}

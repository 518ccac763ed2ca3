/**
 * The responsable's team (issue 14): each référent's caseload, the mesures nobody
 * follows, and handing several mesures at once to a colleague (POST /mesures/reaffecter:
 * all or none, one event per mesure in its history).
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useState } from "react";
import { Link } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { $api, echecLecture, invalider } from "../../api/requetes";
import type { ChargeEquipe } from "../../api/types";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { STATUTS_MESURE } from "../../lib/libelles";

/** The "from" choice: a référent's id, or the mesures without one. */
const SANS_REFERENT = "sans";

export function TableCharge({ charge, onChoisir }: { charge: ChargeEquipe; onChoisir?: (referentId: string) => void }) {
  return (
    <Table
      caption="Charge de chaque référent"
      noCaption
      fixed
      headers={["Référent", "Mesures en cours", "Rendez-vous (30 jours)", "Alertes", ...(onChoisir ? ["Action"] : [])]}
      data={charge.referents.map((c) => [
        c.nom,
        String(c.mesures_en_cours),
        String(c.rendez_vous_30_jours),
        String(c.alertes),
        ...(onChoisir
          ? [
              c.mesures_en_cours > 0 ? (
                <Button key="choisir" type="button" priority="tertiary" size="small" onClick={() => onChoisir(c.referent_id)}>
                  Réaffecter ses mesures
                </Button>
              ) : (
                "—"
              ),
            ]
          : []),
      ])}
    />
  );
}

/** The mesures of one référent (open ones), or those without référent, to tick. */
function useMesuresDe(de: string, charge: ChargeEquipe | undefined) {
  const mesures = $api.useQuery(
    "get",
    "/api/v1/mesures",
    { params: { query: { referent_id: de, limit: 100 } } },
    { enabled: Boolean(de) && de !== SANS_REFERENT },
  );
  if (de === SANS_REFERENT)
    return {
      chargement: false,
      erreur: null,
      items: (charge?.sans_referent ?? []).map((m) => ({ id: m.id, reference: m.reference, demandeur: m.demandeur, statut: m.statut, menage_id: m.menage_id })),
    };
  const items = (mesures.data?.items ?? [])
    .filter((m) => "date_mandatement" in m && m.statut !== "terminee")
    .map((m) => ({ id: m.id, reference: m.reference, demandeur: "demandeur" in m ? m.demandeur : null, statut: m.statut, menage_id: m.menage_id }));
  return { chargement: Boolean(de) && mesures.isLoading, erreur: echecLecture(mesures.error)?.message ?? null, items };
}

export default function Equipe() {
  const lu = $api.useQuery("get", "/api/v1/equipe/charge");
  const charge = { donnees: lu.data, chargement: lu.isPending, erreur: echecLecture(lu.error)?.message ?? null };
  const [de, setDe] = useState("");
  const [vers, setVers] = useState("");
  const [commentaire, setCommentaire] = useState("");
  const [choisies, setChoisies] = useState<string[]>([]);
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ clesAffichees: ["referent_id", "commentaire"] });
  const [fait, setFait] = useState<string | null>(null);
  const mesures = useMesuresDe(de, charge.donnees);

  if (charge.chargement && !charge.donnees) return <Chargement libelle="Chargement de la charge de l'équipe…" />;
  if (charge.erreur || !charge.donnees) return <ErreurChargement message={charge.erreur ?? "Chargement impossible."} />;
  const donnees = charge.donnees;
  const nomDe = (id: string) => donnees.referents.find((r) => r.referent_id === id)?.nom ?? "";

  const choisirDe = (id: string) => {
    setDe(id);
    setChoisies([]);
    setFait(null);
    document.getElementById("reaffecter")?.scrollIntoView();
    document.getElementById("reaffecter-titre")?.focus();
  };

  const reaffecter = async () => {
    const r = await envoyer(() =>
      api.POST("/api/v1/mesures/reaffecter", { body: { mesure_ids: choisies, referent_id: vers, commentaire: commentaire.trim() || null } }),
    );
    if (!r) return;
    const n = r.donnees.nombre;
    setFait(`${n} mesure${n > 1 ? "s" : ""} confiée${n > 1 ? "s" : ""} à ${nomDe(vers)}.`);
    setChoisies([]);
    setCommentaire("");
    // The caseloads and the mesures just handed over are read again.
    void invalider("/api/v1/equipe/charge", "/api/v1/mesures");
  };

  const referents = donnees.referents.map((r) => ({ value: r.referent_id, label: r.nom }));
  return (
    <>
      <Titre sousTitre="Les dossiers de chaque référent, ceux que personne ne suit, et leur réaffectation.">Charge de l'équipe</Titre>

      <section aria-labelledby="charge-titre" className="fr-mb-4w">
        <h2 id="charge-titre" className="fr-h4">
          Par référent
        </h2>
        <TableCharge charge={donnees} onChoisir={choisirDe} />
      </section>

      <section aria-labelledby="sans-referent-titre" className="fr-mb-4w">
        <h2 id="sans-referent-titre" className="fr-h4">
          Mesures sans référent
        </h2>
        {donnees.sans_referent_total === 0 ? (
          <p>Toutes les mesures en cours ont un référent.</p>
        ) : (
          <>
            <p>
              {donnees.sans_referent_total} mesure{donnees.sans_referent_total > 1 ? "s" : ""} en cours sans référent
              {donnees.sans_referent_total > donnees.sans_referent.length ? ` (les ${donnees.sans_referent.length} plus anciennes)` : ""}.{" "}
              <Button type="button" priority="tertiary" size="small" onClick={() => choisirDe(SANS_REFERENT)}>
                Leur désigner un référent
              </Button>
            </p>
            <Table
              caption="Mesures sans référent"
              noCaption
              fixed
              headers={["Mesure", "Ménage", "Statut"]}
              data={donnees.sans_referent.map((m) => [
                <Link key="mesure" to={`/mesures/${m.id}`} className="fr-link">
                  {m.reference}
                </Link>,
                <Link key="menage" to={`/menages/${m.menage_id}`} className="fr-link">
                  {m.demandeur ?? m.menage_reference}
                </Link>,
                STATUTS_MESURE[m.statut],
              ])}
            />
          </>
        )}
      </section>

      <section id="reaffecter" aria-labelledby="reaffecter-titre">
        <h2 id="reaffecter-titre" className="fr-h4" tabIndex={-1}>
          Réaffecter des mesures
        </h2>
        {fait && <Alert severity="success" small description={fait} className="fr-mb-2w" role="status" />}
        {echec && <ResumeErreurs titre="Réaffectation impossible" message={echec.message} orphelines={echec.orphelines} />}
        <ChampListe
          cle="de"
          label="Mesures de"
          erreurs={{}}
          valeur={de}
          onChange={(v) => choisirDe(v)}
          vide="Choisir un référent"
          options={[...referents, { value: SANS_REFERENT, label: "Sans référent" }]}
        />
        {mesures.chargement && <Chargement libelle="Chargement des mesures…" />}
        {mesures.erreur && <ErreurChargement message={mesures.erreur} />}
        {de && !mesures.chargement && mesures.items.length === 0 && <p>Aucune mesure en cours à réaffecter.</p>}
        {mesures.items.length > 0 && (
          <>
            <Button
              type="button"
              priority="tertiary"
              size="small"
              className="fr-mb-1w"
              onClick={() => setChoisies(choisies.length === mesures.items.length ? [] : mesures.items.map((m) => m.id))}
            >
              {choisies.length === mesures.items.length ? "Tout décocher" : "Tout cocher"}
            </Button>
            <Checkbox
              legend={`${mesures.items.length} mesure${mesures.items.length > 1 ? "s" : ""} en cours : cochez celles à confier`}
              options={mesures.items.map((m) => ({
                label: `${m.demandeur ?? m.reference} — ${m.reference}`,
                hintText: STATUTS_MESURE[m.statut],
                nativeInputProps: {
                  name: "mesures",
                  value: m.id,
                  checked: choisies.includes(m.id),
                  onChange: (e) => setChoisies((c) => (e.target.checked ? [...c, m.id] : c.filter((x) => x !== m.id))),
                },
              }))}
            />
            <ChampListe
              cle="referent_id"
              label="Confier à"
              erreurs={erreurs}
              valeur={vers}
              onChange={setVers}
              vide="Choisir le nouveau référent"
              options={referents.filter((r) => r.value !== de)}
            />
            <ChampTexte cle="commentaire" label="Motif (facultatif)" hint="Gardé dans l'historique de chaque mesure." erreurs={erreurs} valeur={commentaire} onChange={setCommentaire} maxLength={2000} />
            <Button type="button" disabled={envoi || choisies.length === 0 || !vers} onClick={() => void reaffecter()} iconId="fr-icon-user-setting-line">
              {envoi ? "Réaffectation…" : `Réaffecter ${choisies.length} mesure${choisies.length > 1 ? "s" : ""}`}
            </Button>
          </>
        )}
      </section>
    </>
  );
}

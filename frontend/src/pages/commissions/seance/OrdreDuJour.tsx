/**
 * The agenda: each referral with its household, and its decision (one by one,
 * or all at once: POST /commissions/{id}/decisions, all or nothing). Before the
 * session's date nothing is offered to decide: the API refuses it (seance-a-venir).
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState } from "react";
import { Link } from "react-router";

import { api } from "../../../api/client";
import { NomCommune } from "../../../components/ChampCommune";
import { Documents } from "../../../components/Documents";
import { useEnvoi } from "../../../api/formulaire";
import { messageErreur, type ErreursChamps } from "../../../api/problem";
import { formatDate } from "../../../lib/dates";
import { ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../../lib/libelles";
import { optionsCibles, type DispositifPublic } from "../../orientations/orientation";
import {
  decisionsPossibles,
  decisionVide,
  erreursDecision,
  versDecision,
  versDecisions,
  type ConventionPublic,
  type DecisionForm,
  type DecisionIn,
  type SessionPublic,
} from "../decision";
import { ChampsDecision, Resultat } from "./ChampsDecision";
import type { Ligne } from "./useSeance";

const ACCES_MAINTIEN = { acces: "accès", maintien: "maintien" } as const;

function nomDemandeur(m: Ligne["menage"]): string {
  const d = m?.personnes.find((p) => p.lien === "demandeur");
  return d ? `${d.prenom} ${d.nom.toUpperCase()}` : "Ménage";
}

/** One decision's errors, out of the send's "<orientation id>/<field>" keys. */
function erreursDe(erreurs: ErreursChamps, orientationId: string): ErreursChamps {
  const prefixe = `${orientationId}/`;
  return Object.fromEntries(Object.entries(erreurs).filter(([cle]) => cle.startsWith(prefixe)).map(([cle, m]) => [cle.slice(prefixe.length), m]));
}

interface Props {
  s: SessionPublic;
  lignes: Ligne[];
  dispositif: DispositifPublic | undefined;
  conventions: readonly ConventionPublic[];
  noms: Record<string, string>;
  onDecide: (message: string) => void;
}

export function OrdreDuJour({ s, lignes, dispositif, conventions, noms, onDecide }: Props) {
  const [formulaires, setFormulaires] = useState<Record<string, DecisionForm>>({});
  const { envoyer, envoi, erreurs, echec } = useEnvoi();
  const formulaire = (l: Ligne) => formulaires[l.o.id] ?? decisionVide(l.o);
  const aDecider = lignes.filter((l) => decisionsPossibles(l.o).length > 0);
  const toutes = versDecisions(
    aDecider.map((l) => l.o.id),
    Object.fromEntries(aDecider.map((l) => [l.o.id, formulaire(l)])),
  );

  /** Sends decisions; on failure, the errors go next to the fields of the decision concerned. */
  const decider = async (decisions: DecisionIn[]) => {
    if (decisions.length === 0) return;
    const fait = await envoyer(() => api.POST("/api/v1/commissions/{session_id}/decisions", { params: { path: { session_id: s.id } }, body: { decisions } }), {
      // Keyed "<orientation id>/<field>": each decision's errors go under its own fields.
      adapterErreurs: (_, probleme) =>
        Object.fromEntries(decisions.flatMap((d, i) => Object.entries(erreursDecision(probleme, i)).map(([cle, m]) => [`${d.orientation_id}/${cle}`, m]))),
      messageRefus: ({ probleme, statut, erreurs: parCle }) => {
        // Errors shown next to their fields: the summary only says where to look.
        const concernees = decisions.filter((d) => Object.keys(parCle).some((cle) => cle.startsWith(`${d.orientation_id}/`))).length;
        return concernees > 0 && (statut === 422 || statut === 409)
          ? `${concernees > 1 ? "Des décisions sont incomplètes ou refusées" : "La décision est incomplète ou refusée"} : voyez le message sous le champ signalé. ${decisions.length > 1 ? "Aucune décision n'a été enregistrée." : ""}`.trim()
          : messageErreur(probleme, statut);
      },
    });
    if (!fait) return;
    const data = fait.donnees;
    setFormulaires((f) => {
      const suite = { ...f };
      for (const o of data) delete suite[o.id];
      return suite;
    });
    onDecide(
      data.length === 1 ? `Orientation ${data[0]!.reference} : ${STATUTS_ORIENTATION[data[0]!.statut].toLowerCase()}.` : `${data.length} décisions enregistrées.`,
    );
  };

  const ouverte = !s.close && s.decidable;
  return (
    <>
      {echec && <Alert severity="error" title="Les décisions n'ont pas été enregistrées" description={echec.message} className="fr-mb-3w" />}
      {!s.close && !s.decidable && s.ordre_du_jour.length > 0 && (
        <Alert
          severity="info"
          small
          className="fr-mb-3w"
          description={`La séance se tient le ${formatDate(s.date)} : les décisions s'enregistreront à partir de cette date.`}
        />
      )}
      {lignes.map((l) => {
        const f = formulaire(l);
        const possibles = decisionsPossibles(l.o);
        const e = erreursDe(erreurs, l.o.id);
        return (
          <section key={l.o.id} className="fr-card fr-p-3w fr-mb-3w" aria-label={`Orientation ${l.o.reference}`}>
            <div className="fr-grid-row fr-grid-row--middle" style={{ justifyContent: "space-between", gap: "1rem" }}>
              <h3 className="fr-h5 fr-mb-1w">
                <Link to={`/orientations/${l.o.id}`} className="fr-link">
                  {l.o.reference}
                </Link>{" "}
                — {nomDemandeur(l.menage)}
              </h3>
              <Badge small noIcon severity={l.o.statut === "acceptee" ? "success" : l.o.statut === "refusee" ? "error" : "new"}>
                {STATUTS_ORIENTATION[l.o.statut]}
              </Badge>
            </div>
            <p className="fr-text--sm fr-mb-1w">
              {l.menage ? (
                <>
                  <Link to={`/menages/${l.menage.id}`} className="fr-link fr-text--sm">
                    Dossier {l.menage.reference}
                  </Link>
                  {" — commune "}
                  {l.menage.commune_insee ? <NomCommune code={l.menage.commune_insee} /> : "non renseignée"}
                  {" — "}
                </>
              ) : null}
              {ORIGINES_ORIENTATION[l.o.origine]}, {ACCES_MAINTIEN[l.o.acces_maintien]}
              {l.o.cible_proposee_code ? `, cible proposée : ${optionsCibles(dispositif).find((c) => c.value === l.o.cible_proposee_code)?.label ?? l.o.cible_proposee_code}` : ""}
              {` — reçue le ${formatDate(l.o.date_reception)}`}
            </p>
            {l.o.motifs && <p className="fr-text--sm fr-mb-2w">« {l.o.motifs} »</p>}
            {/* The papers the commission decides on (those it may read: the API decides). */}
            <Documents rattachement={{ orientation_id: l.o.id }} peutDeposer={false} niveau={4} />
            {possibles.length === 0 || !ouverte ? (
              possibles.length === 0 && <Resultat o={l.o} noms={noms} dispositif={dispositif} />
            ) : (
              <>
                <ChampsDecision
                  ligne={l}
                  f={f}
                  setF={(v) => setFormulaires((all) => ({ ...all, [l.o.id]: v }))}
                  erreurs={e}
                  dispositif={dispositif}
                  conventions={conventions}
                  noms={noms}
                  date={s.date}
                />
                {e["commune_insee"] && l.menage && (
                  <p className="fr-error-text">
                    {e["commune_insee"]}{" "}
                    <Link to={`/menages/${l.menage.id}/modifier`} className="fr-link">
                      Renseigner la commune du ménage
                    </Link>
                  </p>
                )}
                <Button
                  type="button"
                  className="fr-mt-2w"
                  disabled={envoi || !f.vers_statut}
                  onClick={() => {
                    const d = versDecision(l.o.id, f);
                    if (d) void decider([d]);
                  }}
                >
                  {`Enregistrer la décision pour ${l.o.reference}`}
                </Button>
              </>
            )}
          </section>
        );
      })}
      {ouverte && toutes.length > 1 && (
        <Button type="button" disabled={envoi} onClick={() => void decider(toutes)} iconId="fr-icon-check-line">
          {`Enregistrer les ${toutes.length} décisions`}
        </Button>
      )}
    </>
  );
}

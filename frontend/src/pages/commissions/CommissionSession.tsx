/**
 * A commission session: its agenda (ordre du jour) with each referral and its
 * household, the referrals that may be put on it, the decisions (one by one or
 * all at once, POST /commissions/{id}/decisions), the closing and the minutes
 * (proces-verbal.csv, fetched with the bearer token then saved as a file).
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useMemo, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { api } from "../../api/client";
import { messageErreur, type ErreursChamps, type ProblemDetails } from "../../api/problem";
import type { MenagePublic, OrientationPublic, StatutOrientation } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ChampListe } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { MOTIFS_REFUS, options, ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { optionsCibles, optionsTypes, type DispositifPublic } from "../orientations/orientation";
import {
  associationsConventionnees,
  decisionsPossibles,
  decisionVide,
  erreursDecision,
  INSCRIPTIBLES,
  LIBELLES_DECISION,
  nomFichier,
  versDecision,
  versDecisions,
  type ConventionPublic,
  type DecisionForm,
  type DecisionIn,
} from "./decision";

interface Ligne {
  o: OrientationPublic;
  menage: MenagePublic | null;
}

const ACCES_MAINTIEN = { acces: "Accès", maintien: "Maintien" } as const;

/** A read that waits for its key (the session's dispositif) before calling the API. */
const enAttente = () => new Promise<never>(() => {});

/** The referrals of the agenda, each with its household (the commission reads both). */
function useOrdreDuJour(ids: readonly string[] | undefined, tour: number) {
  const [etat, setEtat] = useState<{ lignes: Ligne[] | null; erreur: string | null }>({ lignes: null, erreur: null });
  const cle = ids?.join(",") ?? "";
  useEffect(() => {
    if (!ids) return;
    let actuel = true;
    Promise.all(
      ids.map(async (id) => {
        const { data, error, response } = await api.GET("/api/v1/orientations/{orientation_id}", { params: { path: { orientation_id: id } } });
        if (!data) throw new Error(messageErreur(error, response.status));
        const m = await api.GET("/api/v1/menages/{menage_id}", { params: { path: { menage_id: data.menage_id } } });
        return { o: data, menage: m.data ?? null };
      }),
    )
      .then((lignes) => actuel && setEtat({ lignes, erreur: null }))
      .catch((e: unknown) => actuel && setEtat({ lignes: null, erreur: e instanceof Error ? e.message : messageErreur(e) }));
    return () => {
      actuel = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cle, tour]);
  return etat;
}

function nomDemandeur(m: MenagePublic | null): string {
  const d = m?.personnes.find((p) => p.lien === "demandeur");
  return d ? `${d.prenom} ${d.nom.toUpperCase()}` : "Ménage";
}

function ChampsDecision({
  ligne,
  f,
  setF,
  erreurs,
  dispositif,
  conventions,
  noms,
  date,
}: {
  ligne: Ligne;
  f: DecisionForm;
  setF: (f: DecisionForm) => void;
  erreurs: ErreursChamps;
  dispositif: DispositifPublic | undefined;
  conventions: readonly ConventionPublic[];
  noms: Record<string, string>;
  date: string;
}) {
  const possibles = decisionsPossibles(ligne.o);
  const maj = <K extends keyof DecisionForm>(cle: K) => (v: DecisionForm[K]) => setF({ ...f, [cle]: v });
  const associations = useMemo(
    () => associationsConventionnees(conventions, noms, ligne.menage?.commune_insee, date),
    [conventions, noms, ligne.menage?.commune_insee, date],
  );
  return (
    <div className="fr-grid-row fr-grid-row--gutters">
      <ChampListe<StatutOrientation> className="fr-col-12 fr-col-md-3" cle="vers_statut" label="Décision" erreurs={erreurs}
        vide="Choisir une décision" valeur={f.vers_statut} onChange={maj("vers_statut")}
        options={possibles.map((d) => ({ value: d, label: LIBELLES_DECISION[d] ?? STATUTS_ORIENTATION[d] }))} />
      {f.vers_statut === "acceptee" && (
        <>
          <ChampListe className="fr-col-12 fr-col-md-3" cle="association_id" label="Association mandatée" erreurs={erreurs}
            hint={associations.length === 0 ? "Aucune association conventionnée sur ce dispositif" : undefined}
            vide="Choisir l'association" valeur={f.association_id} onChange={maj("association_id")}
            options={associations.map(({ value, label }) => ({ value, label }))} />
          <ChampListe className="fr-col-12 fr-col-md-3" cle="cible_code" label="Cible retenue" erreurs={erreurs}
            vide="Choisir la cible" valeur={f.cible_code} onChange={maj("cible_code")} options={optionsCibles(dispositif)} />
          <ChampListe className="fr-col-12 fr-col-md-3" cle="type_accompagnement_code" label="Type d'accompagnement" erreurs={erreurs}
            vide="Choisir le type" valeur={f.type_accompagnement_code} onChange={maj("type_accompagnement_code")} options={optionsTypes(dispositif)} />
        </>
      )}
      {f.vers_statut === "refusee" && (
        <ChampListe className="fr-col-12 fr-col-md-3" cle="motif_refus" label="Motif du refus" erreurs={erreurs}
          vide="Choisir le motif" valeur={f.motif_refus} onChange={maj("motif_refus")} options={options(MOTIFS_REFUS)} />
      )}
      {f.vers_statut && (
        <div className="fr-col-12">
          <Input
            label="Commentaire de la commission"
            hintText="Facultatif ; figure au procès-verbal"
            textArea
            {...(erreurs["commentaire"] ? { state: "error" as const, stateRelatedMessage: erreurs["commentaire"] } : {})}
            nativeTextAreaProps={{ name: "commentaire", value: f.commentaire, rows: 2, maxLength: 2000, onChange: (e) => maj("commentaire")(e.target.value) }}
          />
        </div>
      )}
    </div>
  );
}

function Resultat({ o, noms, dispositif }: { o: OrientationPublic; noms: Record<string, string>; dispositif: DispositifPublic | undefined }) {
  const type = dispositif?.types_accompagnement.find((t) => t.code === o.type_accompagnement_code)?.libelle;
  return (
    <p className="fr-mb-0">
      <strong>Décision : {STATUTS_ORIENTATION[o.statut]}</strong>
      {o.statut === "acceptee" && (
        <>
          {" "}
          — {noms[o.association_id ?? ""] ?? "association"}, {o.cible_libelle ?? o.cible_code}
          {type ? `, ${type}` : ""}
        </>
      )}
      {o.statut === "refusee" && o.motif_refus && <> — {MOTIFS_REFUS[o.motif_refus]}</>}
      {o.date_decision && <> (le {formatDate(o.date_decision)})</>}
    </p>
  );
}

/** Referrals of the dispositif that may be put on the agenda (submitted, adjourned, awaiting information). */
function AInscrire({ sessionId, dispositifId, onInscrit }: { sessionId: string; dispositifId: string; onInscrit: (message: string) => void }) {
  const [statut, setStatut] = useState<StatutOrientation>("soumise");
  const [page, setPage] = useState(0);
  const [choisies, setChoisies] = useState<string[]>([]);
  const [envoi, setEnvoi] = useState(false);
  const [echec, setEchec] = useState<string | null>(null);
  const parPage = 20;
  const liste = useRequete(
    () => api.GET("/api/v1/orientations", { params: { query: { statut, dispositif_id: dispositifId, limit: parPage, offset: page * parPage } } }),
    [statut, dispositifId, page],
  );

  const inscrire = async () => {
    setEnvoi(true);
    setEchec(null);
    try {
      const { data, error, response } = await api.POST("/api/v1/commissions/{session_id}/ordre-du-jour", {
        params: { path: { session_id: sessionId } },
        body: { orientation_ids: choisies },
      });
      if (data) {
        const n = choisies.length;
        setChoisies([]);
        liste.recharger();
        onInscrit(`${n} orientation${n > 1 ? "s" : ""} inscrite${n > 1 ? "s" : ""} à l'ordre du jour.`);
        return;
      }
      setEchec(messageErreur(error as ProblemDetails | undefined, response.status));
    } catch (e) {
      setEchec(messageErreur(e));
    } finally {
      setEnvoi(false);
    }
  };

  const items = liste.donnees?.items ?? [];
  const total = liste.donnees?.total ?? 0;
  return (
    <>
      <div className="fr-grid-row fr-mb-2w">
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Orientations au statut"
            nativeSelectProps={{
              name: "statut_a_inscrire",
              value: statut,
              onChange: (e) => {
                setStatut(e.target.value as StatutOrientation);
                setPage(0);
                setChoisies([]);
              },
            }}
          >
            {INSCRIPTIBLES.map((s) => (
              <option key={s} value={s}>
                {STATUTS_ORIENTATION[s]}
              </option>
            ))}
          </Select>
        </div>
      </div>
      {echec && <Alert severity="error" title="Inscription impossible" description={echec} className="fr-mb-2w" />}
      {liste.chargement && <Chargement libelle="Chargement des orientations…" />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {!liste.chargement && liste.donnees && (
        <>
          {items.length === 0 ? (
            <p>Aucune orientation au statut « {STATUTS_ORIENTATION[statut]} » sur ce dispositif.</p>
          ) : (
            <Checkbox
              legend={`${total} orientation${total > 1 ? "s" : ""} au statut « ${STATUTS_ORIENTATION[statut]} »`}
              options={items.map((o) => ({
                label: `${o.reference} — ${ORIGINES_ORIENTATION[o.origine]}, ${ACCES_MAINTIEN[o.acces_maintien].toLowerCase()}, reçue le ${formatDate(o.date_reception)}`,
                nativeInputProps: {
                  name: "a_inscrire",
                  value: o.id,
                  checked: choisies.includes(o.id),
                  onChange: (e) => setChoisies((c) => (e.target.checked ? [...c, o.id] : c.filter((x) => x !== o.id))),
                },
              }))}
            />
          )}
          <div className="ancrage-pied-formulaire">
            {items.length > 0 && (
              <Button type="button" disabled={envoi || choisies.length === 0} onClick={() => void inscrire()} iconId="fr-icon-add-line">
                {envoi ? "Inscription…" : "Inscrire à l'ordre du jour"}
              </Button>
            )}
            {page > 0 && (
              <Button type="button" priority="tertiary" onClick={() => setPage((p) => p - 1)}>
                Page précédente
              </Button>
            )}
            {(page + 1) * parPage < total && (
              <Button type="button" priority="tertiary" onClick={() => setPage((p) => p + 1)}>
                Page suivante
              </Button>
            )}
          </div>
        </>
      )}
    </>
  );
}

export default function CommissionSession() {
  const { sessionId = "" } = useParams();
  const location = useLocation();
  const [message, setMessage] = useState<string | null>((location.state as { message?: string } | null)?.message ?? null);
  const [echec, setEchec] = useState<string | null>(null);
  const [tour, setTour] = useState(0);
  const [formulaires, setFormulaires] = useState<Record<string, DecisionForm>>({});
  const [erreurs, setErreurs] = useState<Record<string, ErreursChamps>>({});
  const [envoi, setEnvoi] = useState(false);
  const [confirmerCloture, setConfirmerCloture] = useState(false);

  const session = useRequete(() => api.GET("/api/v1/commissions/{session_id}", { params: { path: { session_id: sessionId } } }), [sessionId, tour]);
  const s = session.donnees;
  const dispositifId = s?.dispositif_id ?? "";
  const dispositif = useRequete(
    () => (dispositifId ? api.GET("/api/v1/dispositifs/{dispositif_id}", { params: { path: { dispositif_id: dispositifId } } }) : enAttente()),
    [dispositifId],
  );
  const conventions = useRequete(
    () => (dispositifId ? api.GET("/api/v1/conventions", { params: { query: { dispositif_id: dispositifId, limit: 100 } } }) : enAttente()),
    [dispositifId],
  );
  const associations = useRequete(() => api.GET("/api/v1/organisations", { params: { query: { type: "association", limit: 100 } } }), []);
  const noms = useMemo(() => Object.fromEntries((associations.donnees?.items ?? []).map((o) => [o.id, o.nom])), [associations.donnees]);
  const ordre = useOrdreDuJour(s?.ordre_du_jour, tour);

  const recharger = (msg: string | null) => {
    setMessage(msg);
    setEchec(null);
    setTour((t) => t + 1);
  };

  const formulaire = (l: Ligne) => formulaires[l.o.id] ?? decisionVide(l.o);

  /** Sends decisions; on failure, the errors go next to the fields of the decision concerned. */
  const decider = async (decisions: DecisionIn[]) => {
    if (decisions.length === 0) return;
    setEnvoi(true);
    setEchec(null);
    try {
      const { data, error, response } = await api.POST("/api/v1/commissions/{session_id}/decisions", {
        params: { path: { session_id: sessionId } },
        body: { decisions },
      });
      if (data) {
        setFormulaires((f) => {
          const suite = { ...f };
          for (const o of data) delete suite[o.id];
          return suite;
        });
        setErreurs({});
        recharger(
          data.length === 1
            ? `Orientation ${data[0]!.reference} : ${STATUTS_ORIENTATION[data[0]!.statut].toLowerCase()}.`
            : `${data.length} décisions enregistrées.`,
        );
        return;
      }
      const probleme = error as ProblemDetails | undefined;
      const parOrientation: Record<string, ErreursChamps> = {};
      decisions.forEach((d, i) => {
        const e = erreursDecision(probleme, i);
        if (Object.keys(e).length) parOrientation[d.orientation_id] = e;
      });
      setErreurs(parOrientation);
      setMessage(null);
      // Errors shown next to their fields: the summary only says where to look.
      const concernees = decisions.filter((d) => parOrientation[d.orientation_id]).length;
      setEchec(
        concernees > 0 && (response.status === 422 || response.status === 409)
          ? `${concernees > 1 ? "Des décisions sont incomplètes ou refusées" : "La décision est incomplète ou refusée"} : voyez le message sous le champ signalé. ${decisions.length > 1 ? "Aucune décision n'a été enregistrée." : ""}`.trim()
          : messageErreur(probleme, response.status),
      );
    } catch (e) {
      setEchec(messageErreur(e));
    } finally {
      setEnvoi(false);
    }
  };

  const clore = async () => {
    setEnvoi(true);
    try {
      const { data, error, response } = await api.POST("/api/v1/commissions/{session_id}/cloture", { params: { path: { session_id: sessionId } } });
      setConfirmerCloture(false);
      if (data) recharger("Session close : l'ordre du jour et les décisions sont définitifs.");
      else setEchec(messageErreur(error, response.status));
    } catch (e) {
      setEchec(messageErreur(e));
    } finally {
      setEnvoi(false);
    }
  };

  const telecharger = async () => {
    setEchec(null);
    try {
      const { data, error, response } = await api.GET("/api/v1/commissions/{session_id}/proces-verbal.csv", {
        params: { path: { session_id: sessionId } },
        parseAs: "blob",
      });
      if (!data) {
        setEchec(messageErreur(error, response.status));
        return;
      }
      const url = URL.createObjectURL(data as Blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = nomFichier(response.headers.get("Content-Disposition"), `pv-commission-${s?.date ?? "session"}.csv`);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setEchec(messageErreur(e));
    }
  };

  if (session.chargement && !s) return <Chargement libelle="Chargement de la session…" />;
  if (session.statut === 404) return <ErreurChargement titre="Session introuvable" message="Cette session n'existe pas ou ne vous est pas accessible." />;
  if (session.erreur || !s) return <ErreurChargement message={session.erreur ?? "Réponse vide"} />;

  const lignes = ordre.lignes ?? [];
  const aDecider = lignes.filter((l) => decisionsPossibles(l.o).length > 0);
  const toutes = versDecisions(
    aDecider.map((l) => l.o.id),
    Object.fromEntries(aDecider.map((l) => [l.o.id, formulaire(l)])),
  );

  return (
    <>
      <nav role="navigation" className="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol className="fr-breadcrumb__list">
          <li>
            <Link className="fr-breadcrumb__link" to="/commission">
              Commission
            </Link>
          </li>
          <li>
            <a className="fr-breadcrumb__link" aria-current="page">
              Session du {formatDate(s.date)}
            </a>
          </li>
        </ol>
      </nav>
      <Titre sousTitre={`${dispositif.donnees?.nom ?? "…"}${s.lieu ? ` — ${s.lieu}` : ""}`}>{`Session du ${formatDate(s.date)}`}</Titre>
      <p>
        {s.close ? (
          <Badge severity="info" noIcon>
            Session close
          </Badge>
        ) : (
          <Badge severity="success" noIcon>
            Session ouverte
          </Badge>
        )}
      </p>
      {message && <Alert severity="success" small description={message} className="fr-mb-3w" closable onClose={() => setMessage(null)} />}
      {echec && <Alert severity="error" title="L'opération n'a pas abouti" description={echec} className="fr-mb-3w" />}

      <div className="ancrage-pied-formulaire fr-mb-4w">
        <Button type="button" priority="secondary" iconId="fr-icon-download-line" onClick={() => void telecharger()}>
          Télécharger le procès-verbal
        </Button>
        {!s.close && !confirmerCloture && (
          <Button type="button" priority="tertiary" iconId="fr-icon-lock-line" onClick={() => setConfirmerCloture(true)}>
            Clore la session
          </Button>
        )}
      </div>
      {confirmerCloture && (
        <div className="fr-mb-4w" role="group" aria-label="Confirmer la clôture">
          <Alert
            severity="warning"
            title="Clore la session ?"
            description="Plus aucune orientation ne pourra y être inscrite ni décidée. Le procès-verbal reste téléchargeable."
            className="fr-mb-2w"
          />
          <div className="ancrage-pied-formulaire">
            <Button type="button" disabled={envoi} onClick={() => void clore()}>
              Confirmer la clôture
            </Button>
            <Button type="button" priority="secondary" onClick={() => setConfirmerCloture(false)}>
              Ne pas clore
            </Button>
          </div>
        </div>
      )}

      <section className="fr-mb-5w" aria-labelledby="titre-ordre-du-jour">
        <h2 id="titre-ordre-du-jour" className="fr-h3">
          Ordre du jour ({s.ordre_du_jour.length})
        </h2>
        {ordre.erreur && <ErreurChargement message={ordre.erreur} />}
        {!ordre.lignes && !ordre.erreur && s.ordre_du_jour.length > 0 && <Chargement libelle="Chargement de l'ordre du jour…" />}
        {s.ordre_du_jour.length === 0 && <p>Aucune orientation inscrite pour l'instant.</p>}
        {lignes.map((l) => {
          const f = formulaire(l);
          const possibles = decisionsPossibles(l.o);
          const e = erreurs[l.o.id] ?? {};
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
                    {` — commune ${l.menage.commune_insee ?? "non renseignée"} — `}
                  </>
                ) : null}
                {ORIGINES_ORIENTATION[l.o.origine]}, {ACCES_MAINTIEN[l.o.acces_maintien].toLowerCase()}
                {l.o.cible_proposee_code ? `, cible proposée : ${optionsCibles(dispositif.donnees).find((c) => c.value === l.o.cible_proposee_code)?.label ?? l.o.cible_proposee_code}` : ""}
                {` — reçue le ${formatDate(l.o.date_reception)}`}
              </p>
              {l.o.motifs && <p className="fr-text--sm fr-mb-2w">« {l.o.motifs} »</p>}
              {possibles.length === 0 || s.close ? (
                <Resultat o={l.o} noms={noms} dispositif={dispositif.donnees} />
              ) : (
                <>
                  <ChampsDecision
                    ligne={l}
                    f={f}
                    setF={(v) => setFormulaires((all) => ({ ...all, [l.o.id]: v }))}
                    erreurs={e}
                    dispositif={dispositif.donnees}
                    conventions={conventions.donnees?.items ?? []}
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
        {!s.close && toutes.length > 1 && (
          <Button type="button" disabled={envoi} onClick={() => void decider(toutes)} iconId="fr-icon-check-line">
            {`Enregistrer les ${toutes.length} décisions`}
          </Button>
        )}
      </section>

      {!s.close && (
        <section aria-labelledby="titre-a-inscrire">
          <h2 id="titre-a-inscrire" className="fr-h3">
            Orientations à inscrire
          </h2>
          <AInscrire sessionId={s.id} dispositifId={s.dispositif_id} onInscrit={(m) => recharger(m)} />
        </section>
      )}
    </>
  );
}

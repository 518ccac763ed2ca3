/**
 * The household's one timeline (GET /menages/{id}/chronologie): referrals and their
 * decisions, mesures and their events, rendez-vous, the alerts set aside with their reason
 * (the carrying association only) — what the access policy lets this
 * reader see, and nothing more (the API filters it). Newest first, filtered by kind;
 * each entry links to its referral, mesure or rendez-vous (where the compte rendu is read).
 */
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { SegmentedControl } from "@codegouvfr/react-dsfr/SegmentedControl";
import { useState } from "react";
import { Link } from "react-router";

import { api } from "../../api/client";
import type { components } from "../../api/schema";
import type { MenagePublic, StatutOrientation, StatutRendezVous, TypeRendezVous } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { formatDate, formatDateHeure } from "../../lib/dates";
import { STATUTS_ORIENTATION, STATUTS_RENDEZ_VOUS, TYPES_EVENEMENT_MESURE, TYPES_RENDEZ_VOUS } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";

export type Entree = components["schemas"]["EntreeChronologie"];
type Nature = Entree["nature"];

const NATURES: Record<Nature, { libelle: string; pluriel: string; severite: "info" | "success" | "new" | "warning" }> = {
  orientation: { libelle: "Orientation", pluriel: "Orientations", severite: "info" },
  mesure: { libelle: "Mesure", pluriel: "Mesures", severite: "success" },
  rendez_vous: { libelle: "Rendez-vous", pluriel: "Rendez-vous", severite: "new" },
  alerte: { libelle: "Alerte", pluriel: "Alertes écartées", severite: "warning" },
};

/** What happened, in words. */
export function libelleEntree(e: Entree): string {
  if (e.nature === "orientation") return STATUTS_ORIENTATION[e.evenement as StatutOrientation] ?? e.evenement;
  if (e.nature === "mesure") return TYPES_EVENEMENT_MESURE[e.evenement] ?? e.evenement;
  if (e.nature === "alerte") {
    const nom = typeof e.details?.libelle === "string" ? e.details.libelle : e.evenement;
    const jusquAu = typeof e.details?.jusqu_au === "string" ? e.details.jusqu_au : null;
    return jusquAu ? `Alerte « ${nom} » reportée au ${formatDate(jusquAu)}` : `Alerte « ${nom} » écartée`;
  }
  const type = TYPES_RENDEZ_VOUS[e.evenement as TypeRendezVous] ?? e.evenement;
  const statut = e.vers_statut ? STATUTS_RENDEZ_VOUS[e.vers_statut as StatutRendezVous] : null;
  return statut ? `${type} (${statut.toLowerCase()})` : type;
}

export function lienEntree(e: Entree): string {
  if (e.nature === "orientation") return `/orientations/${e.objet_id}`;
  if (e.nature === "mesure" || e.nature === "alerte") return `/mesures/${e.objet_id}`;
  return `/rendez-vous/${e.objet_id}`;
}

/** Newest first: by effective date, then by recording time (the API gives oldest first). */
export function plusRecentesDabord(entrees: readonly Entree[]): Entree[] {
  const cle = (e: Entree) => `${e.date_effet ?? e.quand.slice(0, 10)} ${e.quand}`;
  return [...entrees].sort((a, b) => (cle(a) < cle(b) ? 1 : cle(a) > cle(b) ? -1 : 0));
}

export function Chronologie({ menage }: { menage: MenagePublic }) {
  const [filtre, setFiltre] = useState<Nature | "tout">("tout");
  const { donnees, erreur, chargement } = useRequete(
    () => api.GET("/api/v1/menages/{menage_id}/chronologie", { params: { path: { menage_id: menage.id } } }),
    [menage.id],
  );
  if (chargement) return <Chargement libelle="Chargement de l'historique…" />;
  if (erreur) return <ErreurChargement message={erreur} />;
  const toutes = plusRecentesDabord(donnees ?? []);
  if (toutes.length === 0) return <p>Rien n'est encore arrivé à ce dossier que vous puissiez voir.</p>;
  const presentes = (Object.keys(NATURES) as Nature[]).filter((n) => toutes.some((e) => e.nature === n));
  const segment = (n: Nature | undefined) =>
    n && { label: NATURES[n].pluriel, nativeInputProps: { checked: filtre === n, onChange: () => setFiltre(n) } };
  const visibles = filtre === "tout" ? toutes : toutes.filter((e) => e.nature === filtre);
  return (
    <>
      {presentes.length > 1 && (
        <SegmentedControl
          className="fr-mb-2w ancrage-sans-impression"
          small
          legend="Afficher"
          // Four kinds at most: « Tout » plus each present kind fits the control's five segments.
          segments={[
            { label: "Tout", nativeInputProps: { checked: filtre === "tout", onChange: () => setFiltre("tout") } },
            segment(presentes[0]),
            segment(presentes[1]),
            segment(presentes[2]),
            segment(presentes[3]),
          ]}
        />
      )}
      <p className="fr-sr-only" role="status">
        {visibles.length} événement{visibles.length > 1 ? "s" : ""}
      </p>
      <ol className="ancrage-chronologie">
        {visibles.map((e, i) => (
          <li key={`${e.objet_id}-${e.quand}-${i}`}>
            <p className="fr-mb-0">
              <span className="ancrage-chronologie__date">
                {e.nature === "rendez_vous" ? formatDateHeure(e.quand) : formatDate(e.date_effet ?? e.quand)}
              </span>{" "}
              <Badge as="span" small noIcon severity={NATURES[e.nature].severite}>
                {NATURES[e.nature].libelle}
              </Badge>{" "}
              <strong>{libelleEntree(e)}</strong>
              {e.objet_reference && (
                <>
                  {" — "}
                  <Link to={lienEntree(e)} className="fr-link">
                    {e.nature === "rendez_vous" ? `rendez-vous de la mesure ${e.objet_reference}` : e.objet_reference}
                  </Link>
                </>
              )}
            </p>
            {e.motif && <p className="fr-text--sm fr-mb-0">Motif : {e.motif}</p>}
            {e.commentaire && <p className="fr-text--sm fr-mb-0">{e.commentaire}</p>}
            {e.nature === "rendez_vous" && typeof e.details?.lieu === "string" && <p className="fr-text--sm fr-mb-0">Lieu : {e.details.lieu}</p>}
          </li>
        ))}
      </ol>
    </>
  );
}

/**
 * The head of a session: its state, place and members present (editable while open:
 * PATCH /commissions/{id}), the procès-verbal in three formats, and the closing.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState, type FormEvent } from "react";

import { api } from "../../../api/client";
import { useEnvoi } from "../../../api/formulaire";
import { formatDate } from "../../../lib/dates";
import type { SessionPublic } from "../decision";
import { FORMATS_PV, telechargerPv } from "./telechargement";

export function EtatSeance({ s }: { s: SessionPublic }) {
  if (s.close)
    return (
      <Badge severity="info" noIcon>
        Session close
      </Badge>
    );
  return s.decidable ? (
    <Badge severity="success" noIcon>
      Session ouverte : décisions à enregistrer
    </Badge>
  ) : (
    <Badge severity="new" noIcon>
      {`Séance à venir le ${formatDate(s.date)}`}
    </Badge>
  );
}

/** Members present, one per line (printed in the procès-verbal's header). */
export function MembresPresents({ s, onEnregistre }: { s: SessionPublic; onEnregistre: (message: string) => void }) {
  const [texte, setTexte] = useState(s.membres_presents.join("\n"));
  const { envoyer, envoi, erreurs, echec } = useEnvoi();
  if (s.close) {
    return s.membres_presents.length ? (
      <ul>{s.membres_presents.map((m) => <li key={m}>{m}</li>)}</ul>
    ) : (
      <p>Non renseignés.</p>
    );
  }
  const enregistrer = async (e: FormEvent) => {
    e.preventDefault();
    const membres = texte.split("\n").map((m) => m.trim()).filter(Boolean);
    const fait = await envoyer(() => api.PATCH("/api/v1/commissions/{session_id}", { params: { path: { session_id: s.id } }, body: { membres_presents: membres } }));
    if (fait) onEnregistre(`Membres présents enregistrés (${fait.donnees.membres_presents.length}).`);
  };
  const parChamp = Object.values(erreurs);
  const erreur = echec && (parChamp.length ? `Un nom est trop long ou vide : ${parChamp[0]}` : echec.message);
  return (
    <form onSubmit={enregistrer} noValidate aria-label="Membres présents">
      <Input
        label="Membres présents"
        hintText="Un membre par ligne, avec sa qualité (ex. « Mme Le Gall, présidente ») ; imprimés en tête du procès-verbal"
        textArea
        {...(erreur ? { state: "error" as const, stateRelatedMessage: erreur } : {})}
        nativeTextAreaProps={{ name: "membres_presents", value: texte, rows: 3, onChange: (e) => setTexte(e.target.value) }}
      />
      <Button type="submit" priority="secondary" size="small" disabled={envoi}>
        {envoi ? "Enregistrement…" : "Enregistrer les membres présents"}
      </Button>
    </form>
  );
}

export function ActionsSeance({ s, onClos, onEchec }: { s: SessionPublic; onClos: (message: string) => void; onEchec: (message: string) => void }) {
  const [confirmer, setConfirmer] = useState(false);
  const { envoyer, envoi } = useEnvoi({ surRefus: (echec) => onEchec(echec.message) });
  const clore = async () => {
    const fait = await envoyer(() => api.POST("/api/v1/commissions/{session_id}/cloture", { params: { path: { session_id: s.id } } }));
    setConfirmer(false);
    if (fait) onClos("Session close : l'ordre du jour et les décisions sont définitifs.");
  };
  return (
    <>
      <div className="ancrage-pied-formulaire fr-mb-2w" role="group" aria-label="Télécharger le procès-verbal">
        {FORMATS_PV.map(({ format, libelle }) => (
          <Button
            key={format}
            type="button"
            priority={format === "pdf" ? "secondary" : "tertiary"}
            iconId="fr-icon-download-line"
            onClick={() => void telechargerPv(s.id, format, s.date).then((m) => m && onEchec(m))}
          >
            {`Procès-verbal : ${libelle}`}
          </Button>
        ))}
      </div>
      {!s.close && !confirmer && (
        <Button type="button" priority="tertiary" iconId="fr-icon-lock-line" className="fr-mb-4w" onClick={() => setConfirmer(true)}>
          Clore la session
        </Button>
      )}
      {confirmer && (
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
            <Button type="button" priority="secondary" onClick={() => setConfirmer(false)}>
              Ne pas clore
            </Button>
          </div>
        </div>
      )}
    </>
  );
}

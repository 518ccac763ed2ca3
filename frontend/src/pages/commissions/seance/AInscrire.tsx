/** The waiting list of the session's dispositif, the longest waiting first, to put on the agenda. */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { useState } from "react";

import { api } from "../../../api/client";
import { messageErreur, type ProblemDetails } from "../../../api/problem";
import { Chargement } from "../../../components/Chargement";
import { ErreurChargement } from "../../../components/ErreurChargement";
import { formatDate } from "../../../lib/dates";
import { ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../../lib/libelles";
import { useRequete } from "../../../lib/useRequete";
import { joursAttente } from "../attente";

const PAR_PAGE = 20;

export function AInscrire({ sessionId, dispositifId, onInscrit }: { sessionId: string; dispositifId: string; onInscrit: (message: string) => void }) {
  const [page, setPage] = useState(0);
  const [choisies, setChoisies] = useState<string[]>([]);
  const [envoi, setEnvoi] = useState(false);
  const [echec, setEchec] = useState<string | null>(null);
  const liste = useRequete(
    () => api.GET("/api/v1/commissions/attente", { params: { query: { dispositif_id: dispositifId, limit: PAR_PAGE, offset: page * PAR_PAGE } } }),
    [dispositifId, page],
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

  if (liste.chargement && !liste.donnees) return <Chargement libelle="Chargement de la liste d'attente…" />;
  if (liste.erreur) return <ErreurChargement message={liste.erreur} />;
  const items = liste.donnees?.items ?? [];
  const total = liste.donnees?.total ?? 0;
  return (
    <>
      {echec && <Alert severity="error" title="Inscription impossible" description={echec} className="fr-mb-2w" />}
      {items.length === 0 ? (
        <p>Aucune orientation n'attend de séance sur ce dispositif.</p>
      ) : (
        <Checkbox
          legend={`${total} orientation${total > 1 ? "s" : ""} en attente d'une séance, la plus ancienne d'abord`}
          options={items.map((o) => ({
            label: `${o.reference} — ${STATUTS_ORIENTATION[o.statut]}, ${ORIGINES_ORIENTATION[o.origine]}, reçue le ${formatDate(o.date_reception)}`,
            hintText: joursAttente(o.jours_attente),
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
        {(page + 1) * PAR_PAGE < total && (
          <Button type="button" priority="tertiary" onClick={() => setPage((p) => p + 1)}>
            Page suivante
          </Button>
        )}
      </div>
    </>
  );
}
